"""Changes to a workspace's roles: create, update, delete.

Rules (Twenty's, and one of ours):
- a label is unique within its workspace (trimmed, inner spaces collapsed);
- a role that is not editable (the seeded Admin) can be neither changed nor deleted, and its
  permissions cannot be set: RoleNotEditable, "Role is not editable";
- ours: a role still held by API keys cannot be deleted, nor closed to API keys
  (`canBeAssignedToApiKeys: false`): RoleInUse, naming how many keys hold it. We refuse rather
  than move the keys to another role silently: which role a key acts with decides what it may
  do, so only a caller should change it (assignRoleToApiKey).

Functions take a connection and never commit. Another workspace's role is not found.

Note [role held by keys]: a change locks the role's row FOR UPDATE before counting its keys,
and giving a role to a key locks it FOR SHARE (key_lifecycle.assignable_role), so a key cannot
be given a role that a concurrent transaction is deleting or closing to keys: whichever comes
second waits, then sees the other's result (the key counted, or the role gone).
"""

from __future__ import annotations

import uuid
from uuid import UUID

import asyncpg

from app.errors import DuplicateEntry, NotFound, RoleInUse, RoleNotEditable
from app.metadata import roles
from app.metadata.role_specs import RoleValues
from app.metadata.roles import Role


async def existing_role(
    conn: asyncpg.Connection, workspace_id: UUID, role_id: UUID, *, lock: bool = False
) -> Role:
    role = await roles.get_role(conn, role_id, workspace_id, lock="UPDATE" if lock else None)
    if role is None:
        raise NotFound("Role not found", id=str(role_id))
    return role


async def editable_role(conn: asyncpg.Connection, workspace_id: UUID, role_id: UUID) -> Role:
    """The role, locked until the transaction ends (Note [role held by keys])."""
    role = await existing_role(conn, workspace_id, role_id, lock=True)
    if not role.is_editable:
        raise RoleNotEditable("Role is not editable", id=str(role_id))
    return role


async def key_count(conn: asyncpg.Connection, role_id: UUID) -> int:
    """Keys holding the role, revoked ones included: every key keeps a role (Twenty's
    `ApiKey.role` is non-null), so none may lose it to ON DELETE SET NULL."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM core.api_key WHERE role_id = $1", role_id
    )
    return count


def _in_use(role: Role, keys: int, doing: str) -> RoleInUse:
    held = f"{keys} API key{'s' if keys != 1 else ''}"
    return RoleInUse(
        f"Role '{role.label}' is assigned to {held}; assign them another role (or delete "
        f"them) before {doing}",
        id=str(role.id),
        apiKeys=keys,
    )


async def _label_is_free(
    conn: asyncpg.Connection, workspace_id: UUID, label: str, but: UUID | None = None
) -> None:
    taken = await conn.fetchval(
        "SELECT 1 FROM core.role WHERE workspace_id = $1 AND label = $2 "
        "AND ($3::uuid IS NULL OR id <> $3)",
        workspace_id,
        label,
        but,
    )
    if taken:
        raise DuplicateEntry(f"A role with label '{label}' already exists", label=label)


async def create_role(conn: asyncpg.Connection, workspace_id: UUID, values: RoleValues) -> Role:
    columns = dict(values.columns)
    await _label_is_free(conn, workspace_id, columns["label"])
    role_id = values.id or uuid.uuid4()
    if await conn.fetchval("SELECT 1 FROM core.role WHERE id = $1", role_id):
        raise DuplicateEntry(f"A role with id '{role_id}' already exists", id=str(role_id))
    names = ["id", "workspace_id", *columns]
    placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    row = await conn.fetchrow(
        f"INSERT INTO core.role ({', '.join(names)}) VALUES ({placeholders}) RETURNING *",
        role_id,
        workspace_id,
        *columns.values(),
    )
    return roles.role_from_row(row)


async def update_role(
    conn: asyncpg.Connection, workspace_id: UUID, role_id: UUID, values: RoleValues
) -> Role:
    role = await editable_role(conn, workspace_id, role_id)
    columns = dict(values.columns)
    if "label" in columns:
        await _label_is_free(conn, workspace_id, columns["label"], but=role_id)
    if columns.get("can_be_assigned_to_api_keys") is False:
        keys = await key_count(conn, role_id)
        if keys:
            raise _in_use(role, keys, "closing it to API keys")
    if not columns:
        return role
    sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=3))
    row = await conn.fetchrow(
        f"UPDATE core.role SET {sets}, updated_at = now() "
        "WHERE id = $1 AND workspace_id = $2 RETURNING *",
        role_id,
        workspace_id,
        *columns.values(),
    )
    return roles.role_from_row(row)


async def delete_role(conn: asyncpg.Connection, workspace_id: UUID, role_id: UUID) -> Role:
    """Delete the role and its object and field permissions (ON DELETE CASCADE)."""
    role = await editable_role(conn, workspace_id, role_id)
    keys = await key_count(conn, role_id)
    if keys:
        raise _in_use(role, keys, "deleting it")
    await conn.execute(
        "DELETE FROM core.role WHERE id = $1 AND workspace_id = $2", role_id, workspace_id
    )
    return role
