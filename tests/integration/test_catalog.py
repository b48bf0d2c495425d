"""The catalog snapshot follows version bumps, including ones committed by another process."""

from __future__ import annotations

import asyncio
import sys

from app.catalog.store import CatalogStore
from app.db.database import Database
from app.metadata import store
from tests.support import WorkspaceFixture, make_workspace

BUMP_FROM_ANOTHER_PROCESS = """
import asyncio, sys, uuid
import asyncpg
from app.metadata import store

async def main():
    conn = await asyncpg.connect(sys.argv[1])
    async with conn.transaction():
        print(await store.bump_version(conn, uuid.UUID(sys.argv[2])))
    await conn.close()

asyncio.run(main())
"""


async def _wait_for_version(
    catalogs: CatalogStore, workspace: WorkspaceFixture, version: int
) -> int:
    for _ in range(200):
        snapshot = catalogs.cached(workspace.id)
        if snapshot is not None and snapshot.version >= version:
            return snapshot.version
        await asyncio.sleep(0.05)
    snapshot = catalogs.cached(workspace.id)
    return snapshot.version if snapshot else -1


async def test_snapshot_is_frozen_and_indexed(db: Database, workspace: WorkspaceFixture) -> None:
    catalogs = CatalogStore(db)
    catalog = await catalogs.get(workspace.id)
    person = catalog.by_plural("people")
    assert person is not None and person is catalog.by_singular("person")
    assert catalog.by_id(person.id) is person
    assert catalog.by_plural("person") is None
    assert await catalogs.get(workspace.id) is catalog  # cached, not reloaded


async def test_version_bump_in_another_process_reaches_this_one(
    db: Database, database_url: str, workspace: WorkspaceFixture
) -> None:
    catalogs = CatalogStore(db, poll_interval=60)  # only the notification can deliver in time
    await catalogs.start()
    try:
        before = (await catalogs.get(workspace.id)).version
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            BUMP_FROM_ANOTHER_PROCESS,
            database_url,
            str(workspace.id),
            stdout=asyncio.subprocess.PIPE,
        )
        stdout, _ = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0
        bumped = int(stdout.strip())
        assert bumped == before + 1
        assert await _wait_for_version(catalogs, workspace, bumped) == bumped
    finally:
        await catalogs.stop()


async def test_poll_catches_a_bump_whose_notification_was_missed(
    db: Database, workspace: WorkspaceFixture
) -> None:
    catalogs = CatalogStore(db, poll_interval=0.1)
    catalog = await catalogs.get(workspace.id)  # loaded, but not listening
    async with db.transaction() as conn:
        bumped = await store.bump_version(conn, workspace.id)
    await catalogs.start(listen=False)  # only the poll can deliver
    try:
        assert await _wait_for_version(catalogs, workspace, bumped) == bumped
        assert catalogs.cached(workspace.id) is not catalog
    finally:
        await catalogs.stop()


async def test_the_store_keeps_the_most_recently_used_workspaces_only(db: Database) -> None:
    spaces = [await make_workspace(db) for _ in range(3)]
    catalogs = CatalogStore(db, max_workspaces=2)
    await catalogs.get(spaces[0].id)
    await catalogs.get(spaces[1].id)
    await catalogs.get(spaces[0].id)  # used again: the oldest is now spaces[1]
    await catalogs.get(spaces[2].id)
    assert catalogs.cached(spaces[0].id) is not None
    assert catalogs.cached(spaces[1].id) is None
    assert catalogs.cached(spaces[2].id) is not None
    assert (await catalogs.get(spaces[1].id)).workspace_id == spaces[1].id  # reloaded on use
