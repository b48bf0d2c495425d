"""API keys and roles of the caller's workspace, for every transport: each call is one
transaction that first checks the caller may manage settings (settings_access).

    access = AccessService(db, catalogs=catalog_store, secret=secret, principal=principal)
    created, token = await access.create_key(body)

Inputs are checked (access_inputs) before the transaction opens. Key changes touch only
`core.api_key`, which the key lookup reads on every request, so they hold from the next request
on, in every process.

Note [permission changes]: roles and their object and field permissions are part of what a
workspace's catalog holds (the planner enforces them). Each change to them locks the workspace
row (one change at a time per workspace, metadata changes included), bumps the workspace's
metadata version in the same transaction (which NOTIFYs every process), and once committed
refreshes this process's catalog to at least that version before answering, so the caller's
next request is judged by the new rules here; other processes reload on the notification or,
at the latest, when a key lookup reads the newer version (Note [catalog reload ordering]).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import asyncpg

from app.auth import access_inputs, api_keys, key_lifecycle
from app.auth.api_keys import ApiKey, Principal
from app.auth.settings_access import require_settings_access
from app.db.database import Database
from app.errors import InvalidMetadataInput, MetadataNotFound, ServiceUnavailable
from app.metadata import role_changes, role_permissions, roles, store
from app.metadata.role_permissions import FieldPermission, ObjectPermission
from app.metadata.roles import Role
from app.metadata.service import LOCK_TIMEOUT_MS

log = logging.getLogger(__name__)


class CatalogRefresher(Protocol):
    """This process's catalog store (app.catalog.store)."""

    async def refresh(self, workspace_id: UUID, *, min_version: int | None = None) -> object: ...


@dataclass(frozen=True, slots=True)
class RoleDetail:
    """A role with the keys that hold it and its permission rows."""

    role: Role
    api_keys: tuple[ApiKey, ...]
    object_permissions: tuple[ObjectPermission, ...]
    field_permissions: tuple[FieldPermission, ...]


@dataclass(frozen=True, slots=True)
class KeyView:
    key: ApiKey
    role: RoleDetail | None  # None only for keys made before roles were required


async def role_details(conn: asyncpg.Connection, workspace_id: UUID) -> dict[UUID, RoleDetail]:
    """Every role of the workspace with its keys and permissions (four queries)."""
    keys = await api_keys.list_api_keys(conn, workspace_id)
    objects = await role_permissions.object_permissions(conn, workspace_id)
    fields = await role_permissions.field_permissions(conn, workspace_id)
    return {
        role.id: RoleDetail(
            role=role,
            api_keys=tuple(k for k in keys if k.role_id == role.id),
            object_permissions=tuple(p for p in objects if p.role_id == role.id),
            field_permissions=tuple(p for p in fields if p.role_id == role.id),
        )
        for role in await roles.list_roles(conn, workspace_id)
    }


@asynccontextmanager
async def settings_change(
    db: Database, catalogs: CatalogRefresher, principal: Principal
) -> AsyncIterator[asyncpg.Connection]:
    """One change to what a workspace's catalog holds besides its model (roles, permissions,
    webhooks): Note [permission changes]."""
    workspace_id = principal.workspace_id
    async with db.transaction() as conn:
        await conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
        try:
            workspace = await store.lock_workspace(conn, workspace_id)
        except asyncpg.LockNotAvailableError:
            raise ServiceUnavailable(
                "Another change of this workspace's model, roles or webhooks is running; retry"
            ) from None
        if workspace is None:
            raise MetadataNotFound("Workspace not found", id=str(workspace_id))
        await require_settings_access(conn, principal)
        yield conn
        version = await store.bump_version(conn, workspace_id)
    try:
        await catalogs.refresh(workspace_id, min_version=version)
    except (OSError, asyncpg.PostgresError, ServiceUnavailable):  # committed: next request reloads
        log.warning("catalog refresh after a settings change failed", exc_info=True)


class AccessService:
    def __init__(
        self, db: Database, *, catalogs: CatalogRefresher, secret: str, principal: Principal
    ) -> None:
        self._db = db
        self._catalogs = catalogs
        self._secret = secret
        self._principal = principal
        self._workspace_id = principal.workspace_id

    @asynccontextmanager
    async def _settings(self) -> AsyncIterator[asyncpg.Connection]:
        async with self._db.transaction() as conn:
            await require_settings_access(conn, self._principal)
            yield conn

    def _permission_change(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        return settings_change(self._db, self._catalogs, self._principal)

    async def _view(self, conn: asyncpg.Connection, key: ApiKey) -> KeyView:
        details = await role_details(conn, self._workspace_id)
        return KeyView(key, details.get(key.role_id) if key.role_id else None)

    # ---- API keys ------------------------------------------------------------------------

    async def list_keys(self) -> list[KeyView]:
        async with self._settings() as conn:
            keys = await key_lifecycle.list_keys(conn, self._workspace_id)
            details = await role_details(conn, self._workspace_id)
        return [KeyView(k, details.get(k.role_id) if k.role_id else None) for k in keys]

    async def find_key(self, key_id: UUID) -> KeyView | None:
        async with self._settings() as conn:
            key = await key_lifecycle.find(conn, self._workspace_id, key_id)
            return await self._view(conn, key) if key else None

    async def key(self, key_id: UUID) -> KeyView:
        async with self._settings() as conn:
            return await self._view(conn, await key_lifecycle.get(conn, self._workspace_id, key_id))

    async def create_key(self, body: Any) -> tuple[KeyView, str]:
        spec = access_inputs.key_create(body)
        async with self._settings() as conn:
            key, token = await key_lifecycle.create(
                conn, secret=self._secret, workspace_id=self._workspace_id, spec=spec
            )
            return await self._view(conn, key), token

    async def update_key(self, key_id: UUID, body: Any) -> KeyView:
        spec = access_inputs.key_update(body)
        async with self._settings() as conn:
            key = await key_lifecycle.update(conn, self._workspace_id, key_id, spec)
            return await self._view(conn, key)

    async def revoke_key(self, key_id: UUID) -> KeyView:
        async with self._settings() as conn:
            key = await key_lifecycle.revoke(conn, self._workspace_id, key_id)
            return await self._view(conn, key)

    async def rotate_key(
        self, key_id: UUID, *, overlap_seconds: int = 0, expires_at: str | None = None
    ) -> tuple[KeyView, str]:
        """A new secret (Note [key rotation]); `expires_at` is generateApiKeyToken's."""
        expiry = None
        if expires_at is not None:
            expiry = access_inputs.parse_moment(expires_at)
            if expiry is None:
                raise InvalidMetadataInput(["expiresAt must be a valid ISO 8601 date string"])
        async with self._settings() as conn:
            key, token = await key_lifecycle.rotate(
                conn,
                secret=self._secret,
                workspace_id=self._workspace_id,
                key_id=key_id,
                overlap_seconds=overlap_seconds,
                expires_at=expiry,
            )
            return await self._view(conn, key), token

    async def assign_role(self, key_id: UUID, role_id: UUID) -> KeyView:
        async with self._settings() as conn:
            key = await key_lifecycle.assign_role(conn, self._workspace_id, key_id, role_id)
            return await self._view(conn, key)

    async def delete_key(self, key_id: UUID) -> KeyView:
        async with self._settings() as conn:
            view = await self._view(conn, await key_lifecycle.get(conn, self._workspace_id, key_id))
            await key_lifecycle.delete(conn, self._workspace_id, key_id)
        return view

    # ---- roles and permissions -----------------------------------------------------------

    async def list_roles(self, *, assignable_to_api_keys: bool = False) -> list[RoleDetail]:
        async with self._settings() as conn:
            details = list((await role_details(conn, self._workspace_id)).values())
        if assignable_to_api_keys:
            return [d for d in details if d.role.can_be_assigned_to_api_keys]
        return details

    async def role(self, role_id: UUID) -> RoleDetail:
        async with self._settings() as conn:
            await role_changes.existing_role(conn, self._workspace_id, role_id)
            return (await role_details(conn, self._workspace_id))[role_id]

    async def create_role(self, body: Any) -> RoleDetail:
        values = access_inputs.role_create(body)
        async with self._permission_change() as conn:
            role = await role_changes.create_role(conn, self._workspace_id, values)
            detail = (await role_details(conn, self._workspace_id))[role.id]
        return detail

    async def update_role(self, role_id: UUID, body: Any) -> RoleDetail:
        values = access_inputs.role_update(body)
        async with self._permission_change() as conn:
            await role_changes.update_role(conn, self._workspace_id, role_id, values)
            detail = (await role_details(conn, self._workspace_id))[role_id]
        return detail

    async def delete_role(self, role_id: UUID) -> Role:
        async with self._permission_change() as conn:
            role = await role_changes.delete_role(conn, self._workspace_id, role_id)
        return role

    async def upsert_object_permissions(self, role_id: UUID, items: Any) -> RoleDetail:
        specs = access_inputs.object_permissions(items)
        async with self._permission_change() as conn:
            await role_changes.editable_role(conn, self._workspace_id, role_id)
            await role_permissions.upsert_object_permissions(
                conn, self._workspace_id, role_id, specs
            )
            detail = (await role_details(conn, self._workspace_id))[role_id]
        return detail

    async def upsert_field_permissions(self, role_id: UUID, items: Any) -> RoleDetail:
        specs = access_inputs.field_permissions(items)
        async with self._permission_change() as conn:
            await role_changes.editable_role(conn, self._workspace_id, role_id)
            await role_permissions.upsert_field_permissions(
                conn, self._workspace_id, role_id, specs
            )
            detail = (await role_details(conn, self._workspace_id))[role_id]
        return detail
