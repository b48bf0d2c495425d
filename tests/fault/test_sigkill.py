"""SIGKILL of a real server process in the middle of a write: after a restart nothing is half
applied. Each write is held at a known point by a lock this test takes, so the kill lands
inside its transaction every time (no timing luck)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.catalog.store import load_catalog
from app.db.database import Database
from app.metadata.field_types import handler_for
from tests.fault.support import Server, start_server
from tests.integration.metadata.helpers import standard_object
from tests.support import WorkspaceFixture

WAIT_DEADLINE = 15.0


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[Server]:
    process = await start_server(database_url)
    yield process
    process.kill()
    await process.stop()


async def _wait_for_lock_wait(admin: asyncpg.Connection, statement_prefix: str) -> None:
    """Until some backend waits on a lock while running a statement starting so."""
    deadline = time.monotonic() + WAIT_DEADLINE
    while time.monotonic() < deadline:
        waiting = await admin.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE $1 AND datname = current_database()",
            statement_prefix + "%",
        )
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no statement '{statement_prefix}…' ever waited on the held lock")


async def _killed_while_waiting(
    server: Server, admin: asyncpg.Connection, send: asyncio.Task[httpx.Response], prefix: str
) -> None:
    await _wait_for_lock_wait(admin, prefix)
    server.kill()
    await server.process.wait()
    with pytest.raises(httpx.TransportError):
        await send


async def test_a_batch_killed_mid_transaction_leaves_no_record(
    server: Server, database_url: str, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    async with httpx.AsyncClient(base_url=server.url, headers=ws.headers, timeout=30) as http:
        blocker = await http.post("/rest/people", json={"emails": {"primaryEmail": "blocker@x.io"}})
        assert blocker.status_code == 201
        # The batch upserts 30 new people (sorted first), then updates the blocker: its first
        # statement writes the 30, its second waits for the row lock held here.
        records = [{"emails": {"primaryEmail": f"a-new-{i}@x.io"}} for i in range(30)]
        records.append({"emails": {"primaryEmail": "blocker@x.io"}, "jobTitle": "changed"})
        holder = await asyncpg.connect(database_url)
        admin = await asyncpg.connect(database_url)
        try:
            lock = holder.transaction()
            await lock.start()
            await holder.execute(
                f'SELECT 1 FROM "{ws.schema}"."person" '
                "WHERE \"emailsPrimaryEmail\" = 'blocker@x.io' FOR UPDATE"
            )
            send = asyncio.create_task(
                http.post(
                    "/rest/batch/people?upsert=true&upsert_on=emails.primaryEmail", json=records
                )
            )
            await _killed_while_waiting(server, admin, send, "INSERT INTO")
            await lock.rollback()
            written = await admin.fetchval(
                f'SELECT count(*) FROM "{ws.schema}"."person" '
                "WHERE \"emailsPrimaryEmail\" LIKE 'a-new-%'"
            )
            assert written == 0
        finally:
            await holder.close()
            await admin.close()
    restarted = await start_server(database_url)
    try:
        async with httpx.AsyncClient(base_url=restarted.url, headers=ws.headers) as http:
            again = await http.post(
                "/rest/batch/people?upsert=true&upsert_on=emails.primaryEmail", json=records
            )
            assert again.status_code == 201, again.text
            listed = await http.get("/rest/people?limit=200")
            assert listed.json()["totalCount"] == 31
    finally:
        await restarted.stop()


async def _fields_match_columns(database_url: str, ws: WorkspaceFixture) -> None:
    """Every active field has its columns, and every column belongs to a field."""
    db = Database(database_url, max_size=1)
    await db.open()
    try:
        async with db.connection() as conn:
            catalog = await load_catalog(conn, ws.id)
            for obj in catalog.objects:
                expected = {"id"}
                for field in obj.fields:
                    expected |= {c.name for c in handler_for(field.type).columns(field)}
                actual = {
                    r["column_name"]
                    for r in await conn.fetch(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = $1 AND table_name = $2",
                        ws.schema,
                        obj.table_name,
                    )
                }
                assert expected == actual, (obj.name_singular, expected ^ actual)
    finally:
        await db.close()


async def test_a_metadata_change_killed_mid_transaction_leaves_model_and_tables_agreeing(
    server: Server, database_url: str, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    async with httpx.AsyncClient(base_url=server.url, headers=ws.headers, timeout=30) as http:
        person = await standard_object(http, ws, "person")
        holder = await asyncpg.connect(database_url)
        admin = await asyncpg.connect(database_url)
        try:
            lock = holder.transaction()
            await lock.start()
            await holder.execute(f'LOCK TABLE "{ws.schema}"."person" IN ACCESS SHARE MODE')
            body = {
                "objectMetadataId": person["id"],
                "name": "killedField",
                "label": "Killed",
                "type": "TEXT",
            }
            send = asyncio.create_task(http.post("/rest/metadata/fields", json=body))
            await _killed_while_waiting(server, admin, send, "ALTER TABLE")
            await lock.rollback()
        finally:
            await holder.close()
            await admin.close()
    await _fields_match_columns(database_url, ws)
    restarted = await start_server(database_url)
    try:
        async with httpx.AsyncClient(base_url=restarted.url, headers=ws.headers) as http:
            person = await standard_object(http, ws, "person")
            assert "killedField" not in {f["name"] for f in person["fields"]}
            created = await http.post("/rest/metadata/fields", json=body)
            assert created.status_code == 201, created.text
            assert (await http.get("/rest/people?fields=killedField")).status_code == 200
    finally:
        await restarted.stop()
    await _fields_match_columns(database_url, ws)
