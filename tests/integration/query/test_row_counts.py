"""totalCount without recounting: the live-row counters and the reused filtered totals stay exact.

Note [row counts] (app/metadata/ddl.py) and Note [count reuse] (app/query/counts.py): writes
keep per-object counters in their own transaction; a filtered total is reused only while the
object's change sum is the one it was counted at. Every check compares with count(*).
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx

from app.db.database import Database
from app.db.sqltext import qualified
from tests.integration.rest.helpers import create_many, find_many
from tests.support import WorkspaceFixture


async def _live(db: Database, workspace: WorkspaceFixture, table: str = "person") -> int:
    async with db.connection() as conn:
        live: int = await conn.fetchval(
            f'SELECT count(*) FROM {qualified(workspace.schema, table)} WHERE "deletedAt" IS NULL'
        )
    return live


async def _total(client: httpx.AsyncClient, workspace: WorkspaceFixture, **query: Any) -> int:
    body = await find_many(client, workspace, "people", limit=1, **query)
    total: int = body["totalCount"]
    return total


async def test_counts_stay_exact_under_concurrent_writes(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    """Creates, soft deletes, restores and destroys, interleaved over several connections."""
    ws = fresh_workspace
    headers = ws.headers
    created = await create_many(client, ws, "people", [{"city": "Lyon"} for _ in range(60)])
    ids = [p["id"] for p in created]
    rng = random.Random(7)

    async def creator(n: int) -> None:
        for _ in range(n):
            await create_many(client, ws, "people", [{"city": "Oslo"} for _ in range(5)])

    async def soft_deleter(chosen: list[str]) -> None:
        for record_id in chosen:
            await client.delete(f"/rest/people/{record_id}?soft_delete=true", headers=headers)

    async def restorer(chosen: list[str]) -> None:
        for record_id in chosen:
            await client.patch(f"/rest/people/{record_id}/restore", headers=headers)

    async def destroyer(chosen: list[str]) -> None:
        for record_id in chosen:
            await client.delete(f"/rest/people/{record_id}", headers=headers)

    rng.shuffle(ids)
    soft, gone = ids[:30], ids[30:45]
    await asyncio.gather(
        creator(6),
        creator(6),
        soft_deleter(soft),
        destroyer(gone),
        restorer(soft[:10]),
        client.delete("/rest/people?filter=city[eq]:Lyon&soft_delete=true", headers=headers),
    )
    await restorer(soft[10:20])
    live = await _live(db, ws)
    assert await _total(client, ws) == live
    async with db.connection() as conn:
        counted = await conn.fetchval(
            "SELECT sum(c.live) FROM core.row_count c JOIN core.object_metadata o "
            "ON o.id = c.object_metadata_id WHERE o.workspace_id = $1 AND o.name_singular = "
            "'person'",
            ws.id,
        )
    assert counted == live


async def test_a_rolled_back_write_leaves_the_count_alone(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    await create_many(client, ws, "people", [{"city": "Rome"}])
    before = await _total(client, ws)
    # A batch whose second record breaks a unique index: all-or-nothing, counter included.
    email = {"emails": {"primaryEmail": "twice@example.com"}}
    response = await client.post("/rest/batch/people", json=[email, email], headers=ws.headers)
    assert response.status_code == 400
    assert await _total(client, ws) == before == await _live(db, ws)


async def test_a_filtered_total_follows_every_change(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    """The same filtered list, asked again after each kind of write: never a stale count."""
    ws = fresh_workspace
    berlin = {"filter": 'city[eq]:"Berlin"'}
    people = await create_many(
        client, ws, "people", [{"city": "Berlin"} for _ in range(3)] + [{"city": "Rome"}]
    )
    assert await _total(client, ws, **berlin) == 3
    assert await _total(client, ws, **berlin) == 3  # reused: nothing changed

    await create_many(client, ws, "people", [{"city": "Berlin"}])
    assert await _total(client, ws, **berlin) == 4
    rome = people[3]["id"]
    await client.patch(f"/rest/people/{rome}", json={"city": "Berlin"}, headers=ws.headers)
    assert await _total(client, ws, **berlin) == 5
    await client.patch(
        f"/rest/people/{people[0]['id']}", json={"city": "Paris"}, headers=ws.headers
    )
    assert await _total(client, ws, **berlin) == 4
    await client.delete(f"/rest/people/{people[1]['id']}?soft_delete=true", headers=ws.headers)
    assert await _total(client, ws, **berlin) == 3
    await client.patch(f"/rest/people/{people[1]['id']}/restore", headers=ws.headers)
    assert await _total(client, ws, **berlin) == 4
    async with db.connection() as conn:
        # A write that bypasses the API entirely (a script, a migration) counts too.
        await conn.execute(
            f"UPDATE {qualified(ws.schema, 'person')} SET city = 'Berlin' WHERE city = 'Paris'"
        )
    assert await _total(client, ws, **berlin) == 5
    deleted = await _total(client, ws, filter="deletedAt[is]:NOT_NULL")
    assert deleted == 0
