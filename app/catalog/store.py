"""The per-process store of catalog snapshots, and the listener that keeps them current.

Note [catalog reload ordering]: a metadata change commits (rows, DDL, version bump, NOTIFY)
in one transaction. The process that made it installs the model it read back in that
transaction (`adopt`) before answering, so its next request sees the change; having said so
just before committing (`expect`), it skips the reload its own notification would cause.
Every other process LISTENs on `crm_catalog` and reloads the workspace named in the payload
when the payload's version is newer than its snapshot. Reloads are single-flight per workspace
and swap one reference, so a request never sees a half-built model. A periodic version poll
covers a notification lost while the listener reconnected. And a request never waits for
either: the API-key lookup reads the workspace's version in the same query, and a snapshot
older than that is reloaded before the request uses it (deps' `get_catalog`), so the next
request after a change committed anywhere sees the change.

At most `max_workspaces` snapshots are kept, least recently used first out (like the GraphQL
schema cache): a process serving many workspaces holds the busy ones, and reloads the others
on their next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from uuid import UUID

import asyncpg

from app.catalog.snapshot import Catalog
from app.db.database import Database
from app.errors import ServiceUnavailable
from app.metadata import store as metadata_store
from app.metadata.grants import Grants, load_grants
from app.metadata.workspace_model import WorkspaceModel

log = logging.getLogger(__name__)

CHANNEL = "crm_catalog"
EXPECT_FOR = 1.0  # seconds a notification of this process's own pending change is ignored


class CatalogStore:
    def __init__(
        self, db: Database, *, poll_interval: float = 5.0, max_workspaces: int = 512
    ) -> None:
        self._db = db
        self._max = max_workspaces
        self._snapshots: OrderedDict[UUID, Catalog] = OrderedDict()
        self._locks: dict[UUID, asyncio.Lock] = {}
        self._poll_interval = poll_interval
        self._listener: asyncpg.Connection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        # Versions this process is committing and will adopt: (version, until when to wait).
        self._expected: dict[UUID, tuple[int, float]] = {}

    def cached(self, workspace_id: UUID) -> Catalog | None:
        return self._snapshots.get(workspace_id)

    async def get(self, workspace_id: UUID) -> Catalog:
        """The current snapshot; loaded on first use."""
        snapshot = self._snapshots.get(workspace_id)
        if snapshot is not None:
            self._snapshots.move_to_end(workspace_id)
            return snapshot
        return await self.refresh(workspace_id)

    def _install(self, snapshot: Catalog) -> None:
        self._snapshots[snapshot.workspace_id] = snapshot
        self._snapshots.move_to_end(snapshot.workspace_id)
        while len(self._snapshots) > self._max:
            evicted, _ = self._snapshots.popitem(last=False)
            lock = self._locks.get(evicted)
            if lock is not None and not lock.locked():
                del self._locks[evicted]

    async def refresh(self, workspace_id: UUID, *, min_version: int | None = None) -> Catalog:
        """Reload from the database unless a snapshot at `min_version` or newer is already here.
        Concurrent callers for one workspace share one load."""
        lock = self._locks.setdefault(workspace_id, asyncio.Lock())
        async with lock:
            current = self._snapshots.get(workspace_id)
            if current is not None and min_version is not None and current.version >= min_version:
                return current
            async with self._db.connection() as conn:
                snapshot = await load_catalog(conn, workspace_id)
            if current is None or snapshot.version >= current.version:
                self._install(snapshot)
                return snapshot
            return current

    def expect(self, workspace_id: UUID, version: int) -> None:
        """This process is about to commit `version` and will `adopt` it: the notification of
        its own change, which can arrive first, needs no reload (for a second at most, in case
        the commit fails)."""
        self._expected[workspace_id] = (version, time.monotonic() + EXPECT_FOR)

    def adopt(self, model: WorkspaceModel, version: int, grants: Grants) -> Catalog:
        """Install the model (and the permissions) a metadata change read in its own
        transaction, at the version it committed: the changing process needs no reload (Note
        [catalog reload ordering]). An older snapshot never replaces a newer one."""
        snapshot = Catalog.build(model.workspace_id, model.schema, version, model.objects, grants)
        self._expected.pop(model.workspace_id, None)
        current = self._snapshots.get(model.workspace_id)
        if current is None or snapshot.version > current.version:
            self._install(snapshot)
            return snapshot
        return current

    async def start(self, *, listen: bool = True) -> None:
        """Begin listening for version bumps (unless `listen` is False) and polling as a safety
        net."""
        self._stopping = False
        if listen:
            await self._connect_listener()
        self._tasks.append(asyncio.create_task(self._poll_loop(), name="catalog-poll"))

    async def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
        self._listener = None

    async def _connect_listener(self) -> None:
        conn = await asyncpg.connect(self._db.url)
        await conn.add_listener(CHANNEL, self._on_notify)
        conn.add_termination_listener(self._on_listener_lost)
        self._listener = conn

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            workspace_text, version_text = payload.split(":", 1)
            workspace_id, version = UUID(workspace_text), int(version_text)
        except ValueError:
            log.warning("ignoring malformed catalog notification")
            return
        current = self._snapshots.get(workspace_id)
        if current is None or current.version >= version:
            return
        expected, until = self._expected.get(workspace_id, (0, 0.0))
        if expected >= version and time.monotonic() < until:
            return
        self._tasks.append(
            asyncio.get_running_loop().create_task(
                self._refresh_quietly(workspace_id, version), name="catalog-refresh"
            )
        )

    def _on_listener_lost(self, _conn: object) -> None:
        if self._stopping:
            return
        log.warning("catalog listener connection lost; reconnecting")
        self._tasks.append(asyncio.get_running_loop().create_task(self._reconnect()))

    async def _reconnect(self) -> None:
        delay = 0.1
        while not self._stopping:
            try:
                await self._connect_listener()
                await self._check_versions()
                return
            except (OSError, asyncpg.PostgresError, ServiceUnavailable):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _refresh_quietly(self, workspace_id: UUID, version: int) -> None:
        try:
            await self.refresh(workspace_id, min_version=version)
        except Exception:
            log.exception("catalog reload failed for workspace %s", workspace_id)

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(self._poll_interval)
            try:
                await self._check_versions()
            except (OSError, asyncpg.PostgresError, ServiceUnavailable):
                log.warning("catalog version poll failed", exc_info=True)
            self._tasks = [t for t in self._tasks if not t.done() or t.get_name() == "catalog-poll"]

    async def _check_versions(self) -> None:
        if not self._snapshots:
            return
        async with self._db.connection() as conn:
            rows = await conn.fetch(
                "SELECT id, metadata_version FROM core.workspace WHERE id = ANY($1::uuid[])",
                list(self._snapshots),
            )
        for row in rows:
            current = self._snapshots.get(row["id"])
            if current is not None and current.version < row["metadata_version"]:
                await self._refresh_quietly(row["id"], row["metadata_version"])


async def load_catalog(conn: asyncpg.Connection, workspace_id: UUID) -> Catalog:
    """Read one workspace's model and permissions at one version (in one snapshot-isolated
    transaction)."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        workspace = await metadata_store.get_workspace(conn, workspace_id)
        if workspace is None:
            raise LookupError(f"workspace {workspace_id} does not exist")
        objects = await metadata_store.load_objects(conn, workspace_id)
        grants = await load_grants(conn, workspace_id)
    return Catalog.build(
        workspace.id, workspace.schema_name, workspace.metadata_version, objects, grants
    )
