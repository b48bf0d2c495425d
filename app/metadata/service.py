"""The metadata service: edits a workspace's data model live, for every transport.

    service = MetadataService(db, catalogs=catalog_store)
    model, object_id = await service.create_object(workspace_id, body)

Every change is one transaction (Note [catalog reload ordering] in app/catalog/store.py):
lock the workspace row (changes of one workspace run one at a time), load its model, validate,
run the DDL, write the metadata rows, bump the version (which NOTIFYs every process), load the
model and the permissions as they now are, commit. Then `catalogs.adopt(model, version, grants)`
installs them in this process's catalog before the caller answers, so the very next request
sees the change (and `catalogs.expect`, just before the commit, spares a reload on the change's
own notification).
If any step fails the transaction rolls back: no row, column or version is half-changed.

Inputs are checked (`inputs`) before the transaction opens; reads load the model fresh from the
database, so they never lag behind a change made by another process.

Who may change the model is the transport's to say: it passes `may_change`, a check run on the
change's own connection right after the workspace is locked (so it holds for the change that
follows); for an API key, `app.auth.settings_access.require_settings_access` (the role needs
`can_update_all_settings`, as Twenty's settings guard). Reads are open to every key, as in
Twenty, whose clients read the model to build their queries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import asyncpg

from app.db.database import Database
from app.errors import MetadataNotFound, ServiceUnavailable
from app.metadata import field_changes, inputs, object_changes, store
from app.metadata.grants import Grants, load_grants
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.workspace_model import WorkspaceModel

# How long a change waits for a table lock before giving up: ALTER TABLE queues every later
# reader of the table behind it, so it must not wait long behind a slow query.
LOCK_TIMEOUT_MS = 5000


class CatalogSink(Protocol):
    """Where a committed model goes: this process's catalog store (app.catalog.store)."""

    def expect(self, workspace_id: UUID, version: int) -> None:
        """Called just before the commit of `version`."""

    def adopt(self, model: WorkspaceModel, version: int, grants: Grants) -> object:
        """Called after the commit, with the model and the permissions as committed (a change
        can drop fields and objects that grants name, or add objects the roles' flags cover)."""


async def load_model(conn: asyncpg.Connection, workspace_id: UUID) -> WorkspaceModel:
    workspace = await store.get_workspace(conn, workspace_id)
    if workspace is None:
        raise MetadataNotFound("Workspace not found", id=str(workspace_id))
    objects = await store.load_objects(conn, workspace_id)
    return WorkspaceModel(workspace_id, workspace.schema_name, tuple(objects))


@dataclass(slots=True)
class _Change:
    """One metadata transaction: its connection, the model before, and the model after."""

    conn: asyncpg.Connection
    model: WorkspaceModel
    after: WorkspaceModel | None = None
    grants: Grants | None = None

    @property
    def result(self) -> WorkspaceModel:
        assert self.after is not None, "read only after the change committed"
        return self.after


# Raises (PermissionDenied) unless the caller may change the model; None: the server itself.
ChangeGuard = Callable[[asyncpg.Connection], Awaitable[None]]


class MetadataService:
    def __init__(
        self, db: Database, *, catalogs: CatalogSink, may_change: ChangeGuard | None = None
    ) -> None:
        self._db = db
        self._catalogs = catalogs
        self._may_change = may_change

    async def model(self, workspace_id: UUID) -> WorkspaceModel:
        """The model as committed now (one snapshot: objects and fields agree)."""
        async with (
            self._db.connection() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            return await load_model(conn, workspace_id)

    @asynccontextmanager
    async def _change(self, workspace_id: UUID) -> AsyncIterator[_Change]:
        async with self._db.transaction() as conn:
            await conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
            try:
                workspace = await store.lock_workspace(conn, workspace_id)
            except asyncpg.LockNotAvailableError:
                raise ServiceUnavailable(
                    "Another metadata change of this workspace is still running; retry"
                ) from None
            if workspace is None:
                raise MetadataNotFound("Workspace not found", id=str(workspace_id))
            if self._may_change is not None:
                await self._may_change(conn)
            objects = await store.load_objects(conn, workspace_id)
            change = _Change(
                conn, WorkspaceModel(workspace_id, workspace.schema_name, tuple(objects))
            )
            yield change
            version = await store.bump_version(conn, workspace_id)
            change.after = await load_model(conn, workspace_id)
            change.grants = await load_grants(conn, workspace_id)
            self._catalogs.expect(workspace_id, version)
        self._catalogs.adopt(change.after, version, change.grants)

    # ---- objects ------------------------------------------------------------------------

    async def create_object(self, workspace_id: UUID, body: Any) -> tuple[WorkspaceModel, UUID]:
        data = inputs.object_create(body)
        async with self._change(workspace_id) as change:
            object_id = await object_changes.create(change.conn, change.model, data)
        return change.result, object_id

    async def update_object(
        self, workspace_id: UUID, object_id: UUID, body: Any
    ) -> tuple[WorkspaceModel, UUID]:
        data = inputs.object_update(body)
        async with self._change(workspace_id) as change:
            await object_changes.update(change.conn, change.model, object_id, data)
        return change.result, object_id

    async def delete_object(
        self, workspace_id: UUID, object_id: UUID
    ) -> tuple[WorkspaceModel, ObjectMeta]:
        """The model before the change (to describe the deleted object with), and the object."""
        async with self._change(workspace_id) as change:
            deleted = await object_changes.delete(change.conn, change.model, object_id)
        return change.model, deleted

    # ---- fields -------------------------------------------------------------------------

    async def create_field(self, workspace_id: UUID, body: Any) -> tuple[WorkspaceModel, UUID]:
        data = inputs.field_create(body)
        async with self._change(workspace_id) as change:
            field_id = await field_changes.create(change.conn, change.model, data)
        return change.result, field_id

    async def update_field(
        self, workspace_id: UUID, field_id: UUID, body: Any
    ) -> tuple[WorkspaceModel, UUID]:
        data = inputs.field_update(body)
        async with self._change(workspace_id) as change:
            await field_changes.update(change.conn, change.model, field_id, data)
        return change.result, field_id

    async def delete_field(
        self, workspace_id: UUID, field_id: UUID
    ) -> tuple[WorkspaceModel, FieldMeta]:
        """The model before the change (to describe the deleted field with), and the field."""
        async with self._change(workspace_id) as change:
            deleted = await field_changes.delete(change.conn, change.model, field_id)
        return change.model, deleted
