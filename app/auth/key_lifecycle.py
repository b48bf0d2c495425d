"""The life of an API key within its workspace: create, read, rename, re-date, rotate, revoke,
re-role, delete.

Every function takes a connection and never commits (the caller owns the transaction), and
every statement is scoped to the workspace passed in: another workspace's key id is simply not
found. A token exists only in the return value of `create` and `rotate`; the rows hold its
HMAC and a hint (api_keys).

Note [key rotation]: `rotate` gives a key a new secret. With no overlap the old secret stops
working at once; with an overlap of N seconds its hash moves to `previous_token_hash`, which
the key lookup accepts until `previous_token_valid_until`. Only the secret replaced last
survives: rotating again inside the window ends the older one at once. Revoking, expiring or
deleting the key ends both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from app.auth import api_keys
from app.auth.access_inputs import MAX_OVERLAP_SECONDS, KeyCreate, KeyUpdate
from app.auth.api_keys import ApiKey
from app.errors import BadRequest, NotFound, RoleNotAssignable
from app.metadata import roles
from app.metadata.roles import Role


def _not_found(key_id: UUID) -> NotFound:
    return NotFound("API key not found", id=str(key_id))


async def assignable_role(
    conn: asyncpg.Connection, workspace_id: UUID, role_id: UUID | None
) -> Role:
    """The role a key of this workspace may act with, locked against its deletion until the
    transaction ends (Note [role held by keys] in app.metadata.role_changes)."""
    if role_id is None:
        raise BadRequest("roleId should not be empty: an API key acts with exactly one role")
    role = await roles.get_role(conn, role_id, workspace_id, lock="SHARE")
    if role is None:
        raise NotFound("Role not found", id=str(role_id))
    if not role.can_be_assigned_to_api_keys:
        raise RoleNotAssignable(f"Role '{role.label}' cannot be assigned to API keys")
    return role


async def create(
    conn: asyncpg.Connection, *, secret: str, workspace_id: UUID, spec: KeyCreate
) -> tuple[ApiKey, str]:
    role = await assignable_role(conn, workspace_id, spec.role_id)
    key, token = await api_keys.create_api_key(
        conn,
        secret=secret,
        workspace_id=workspace_id,
        name=spec.name,
        role_id=role.id,
        expires_at=spec.expires_at,
    )
    if spec.revoked:
        key = await revoke(conn, workspace_id, key.id)
    return key, token


async def list_keys(conn: asyncpg.Connection, workspace_id: UUID) -> list[ApiKey]:
    return await api_keys.list_api_keys(conn, workspace_id)


async def find(conn: asyncpg.Connection, workspace_id: UUID, key_id: UUID) -> ApiKey | None:
    row = await conn.fetchrow(
        "SELECT * FROM core.api_key WHERE id = $1 AND workspace_id = $2", key_id, workspace_id
    )
    return api_keys.key_from_row(row) if row else None


async def get(
    conn: asyncpg.Connection, workspace_id: UUID, key_id: UUID, *, lock: bool = False
) -> ApiKey:
    """The key, or NotFound; `lock` holds its row until the transaction ends."""
    row = await conn.fetchrow(
        "SELECT * FROM core.api_key WHERE id = $1 AND workspace_id = $2"
        + (" FOR UPDATE" if lock else ""),
        key_id,
        workspace_id,
    )
    if row is None:
        raise _not_found(key_id)
    return api_keys.key_from_row(row)


async def update(
    conn: asyncpg.Connection, workspace_id: UUID, key_id: UUID, spec: KeyUpdate
) -> ApiKey:
    """Rename, re-date (`expiresAt` null: never expires), revoke. A revoked key stays revoked."""
    key = await get(conn, workspace_id, key_id, lock=True)
    if spec.revoke is False and key.revoked_at is not None:
        raise BadRequest("A revoked API key cannot be restored; create a new key instead")
    if spec.expires_at is not None and spec.expires_at <= datetime.now(UTC):
        raise BadRequest("expiresAt must be in the future (to stop a key now, revoke it)")
    row = await conn.fetchrow(
        "UPDATE core.api_key SET name = coalesce($3, name), "
        "expires_at = CASE WHEN $4 THEN $5 ELSE expires_at END, "
        "revoked_at = CASE WHEN $6 THEN coalesce(revoked_at, now()) ELSE revoked_at END, "
        "updated_at = now() WHERE id = $1 AND workspace_id = $2 RETURNING *",
        key_id,
        workspace_id,
        spec.name,
        spec.expires_at_sent,
        spec.expires_at,
        bool(spec.revoke),
    )
    return api_keys.key_from_row(row)


async def revoke(conn: asyncpg.Connection, workspace_id: UUID, key_id: UUID) -> ApiKey:
    """Stop the key now; revoking a revoked key changes nothing."""
    row = await conn.fetchrow(
        "UPDATE core.api_key SET revoked_at = coalesce(revoked_at, now()), "
        "updated_at = CASE WHEN revoked_at IS NULL THEN now() ELSE updated_at END "
        "WHERE id = $1 AND workspace_id = $2 RETURNING *",
        key_id,
        workspace_id,
    )
    if row is None:
        raise _not_found(key_id)
    return api_keys.key_from_row(row)


async def rotate(
    conn: asyncpg.Connection,
    *,
    secret: str,
    workspace_id: UUID,
    key_id: UUID,
    overlap_seconds: int = 0,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new secret for the key (Note [key rotation]). `expires_at`, when given, can only bring
    the key's expiry nearer: Twenty's generateApiKeyToken signs it into the token while the
    key's own expiresAt still applies, so the earlier of the two is what holds."""
    if not 0 <= overlap_seconds <= MAX_OVERLAP_SECONDS:
        raise BadRequest(f"overlapSeconds must be between 0 and {MAX_OVERLAP_SECONDS}")
    now = datetime.now(UTC)
    if expires_at is not None and expires_at <= now:
        raise BadRequest("expiresAt must be in the future")
    key = await get(conn, workspace_id, key_id, lock=True)
    if key.revoked_at is not None:
        raise BadRequest("This API Key is revoked: create a new key instead")
    if key.expires_at is not None and key.expires_at <= now:
        raise BadRequest("This API key has expired: create a new key instead")
    token = api_keys.new_token()
    row = await conn.fetchrow(
        "UPDATE core.api_key SET "
        "previous_token_hash = CASE WHEN $3::int > 0 THEN token_hash END, "
        "previous_token_valid_until = CASE WHEN $3::int > 0 "
        "    THEN now() + make_interval(secs => $3::int) END, "
        "token_hash = $4, token_hint = $5, "
        "expires_at = CASE WHEN $6::timestamptz IS NULL THEN expires_at "
        "    ELSE least(coalesce(expires_at, $6), $6) END, "
        "updated_at = now() WHERE id = $1 AND workspace_id = $2 RETURNING *",
        key_id,
        workspace_id,
        overlap_seconds,
        api_keys.hash_token(secret, token),
        api_keys.token_hint(token),
        expires_at,
    )
    return api_keys.key_from_row(row), token


async def assign_role(
    conn: asyncpg.Connection, workspace_id: UUID, key_id: UUID, role_id: UUID
) -> ApiKey:
    """The key acts with `role_id` from its next request on."""
    await get(conn, workspace_id, key_id, lock=True)
    role = await assignable_role(conn, workspace_id, role_id)
    row = await conn.fetchrow(
        "UPDATE core.api_key SET role_id = $3, updated_at = now() "
        "WHERE id = $1 AND workspace_id = $2 RETURNING *",
        key_id,
        workspace_id,
        role.id,
    )
    return api_keys.key_from_row(row)


async def delete(conn: asyncpg.Connection, workspace_id: UUID, key_id: UUID) -> ApiKey:
    """Remove the key's row (its secrets with it); the key as it was."""
    row = await conn.fetchrow(
        "DELETE FROM core.api_key WHERE id = $1 AND workspace_id = $2 RETURNING *",
        key_id,
        workspace_id,
    )
    if row is None:
        raise _not_found(key_id)
    return api_keys.key_from_row(row)
