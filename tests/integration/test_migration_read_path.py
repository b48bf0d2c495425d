"""Migration 0005 gives workspaces that already exist their counters and sort indexes.

A database of its own: a workspace with records is taken back to revision 0004 (no counters,
no sort indexes), then forward to head, as an upgrade of a running installation would.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from alembic import command

from app.db import migrate
from app.db.database import Database
from app.db.sqltext import qualified
from app.metadata.workspaces import create_workspace


@pytest.fixture
async def scratch_url(server_url: str) -> AsyncIterator[str]:
    name = f"crm_migration_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _counted(conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT o.name_singular, sum(c.live) AS live FROM core.row_count c "
        "JOIN core.object_metadata o ON o.id = c.object_metadata_id GROUP BY 1"
    )
    return {r["name_singular"]: int(r["live"]) for r in rows}


async def _sort_indexes(conn: asyncpg.Connection, schema: str) -> set[str]:
    rows = await conn.fetch(
        "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%sort%'",
        schema,
    )
    return {r["indexname"] for r in rows}


async def test_downgrade_then_upgrade_restores_counters_and_indexes(scratch_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    db = Database(scratch_url, max_size=1)
    await db.open()
    async with db.transaction() as conn:
        workspace = await create_workspace(conn, "upgraded")
    await db.close()
    conn = await asyncpg.connect(scratch_url)
    try:
        person = qualified(workspace.schema_name, "person")
        await conn.execute(f"INSERT INTO {person} (city) SELECT 'x' FROM generate_series(1, 7)")
        await conn.execute(
            f'UPDATE {person} SET "deletedAt" = now() WHERE ctid IN '
            f"(SELECT ctid FROM {person} LIMIT 2)"
        )
        indexes = await _sort_indexes(conn, workspace.schema_name)
        assert {"person_createdAt_sort", "person_position_sortnf"} <= indexes
        assert (await _counted(conn))["person"] == 5

        config = migrate._alembic_config(scratch_url)
        await asyncio.to_thread(command.downgrade, config, "0004")
        assert await _sort_indexes(conn, workspace.schema_name) == set()
        assert await conn.fetchval("SELECT to_regclass('core.row_count')") is None
        await conn.execute(f"INSERT INTO {person} (city) VALUES ('while down')")

        await asyncio.to_thread(migrate.upgrade, scratch_url)
        assert await _sort_indexes(conn, workspace.schema_name) == indexes
        assert (await _counted(conn))["person"] == 6
        await conn.execute(f"DELETE FROM {person} WHERE city = 'while down'")
        assert (await _counted(conn))["person"] == 5
    finally:
        await conn.close()


async def test_migration_0006_gives_indexed_fields_their_filter_index(scratch_url: str) -> None:
    """A field marked isIndexed before 0006 gets `(column, createdAt, id)` from the upgrade;
    a POSITION field, sorted but not marked, does not."""
    await asyncio.to_thread(migrate.upgrade, scratch_url)
    db = Database(scratch_url, max_size=1)
    await db.open()
    async with db.transaction() as conn:
        workspace = await create_workspace(conn, "indexed")
    await db.close()
    conn = await asyncpg.connect(scratch_url)
    try:
        config = migrate._alembic_config(scratch_url)
        await asyncio.to_thread(command.downgrade, config, "0005")
        schema = workspace.schema_name
        person = qualified(schema, "person")
        # What 0005's server did when `city` was marked: the flag and the two sort indexes.
        await conn.execute(
            "UPDATE core.field_metadata f SET is_indexed = true FROM core.object_metadata o "
            "WHERE o.id = f.object_metadata_id AND o.workspace_id = $1 "
            "AND o.name_singular = 'person' AND f.name = 'city'",
            workspace.id,
        )
        for suffix, nulls in (("sortnl", "LAST"), ("sortnf", "FIRST")):
            await conn.execute(
                f'CREATE INDEX "person_city_{suffix}" ON {person} (city NULLS {nulls}, id) '
                'WHERE "deletedAt" IS NULL'
            )

        await asyncio.to_thread(migrate.upgrade, scratch_url)
        created = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 "
            "AND indexname LIKE '%bycreated'",
            schema,
        )
        assert [r["indexname"] for r in created] == ["person_city_bycreated"]
        assert '(city, "createdAt", id) WHERE ("deletedAt" IS NULL)' in created[0]["indexdef"]

        await asyncio.to_thread(command.downgrade, config, "0005")
        assert not await conn.fetch(
            "SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%bycreated'",
            schema,
        )
    finally:
        await conn.close()
