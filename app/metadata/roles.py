"""Roles of a workspace: the seeded Admin and Member, and lookups by id or label.

Object- and field-level permissions attach to these rows (see the permissions issue); a key
carries one role and inherits what it may do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg

ADMIN = "Admin"
MEMBER = "Member"


@dataclass(frozen=True, slots=True)
class Role:
    id: UUID
    workspace_id: UUID
    label: str
    description: str | None
    icon: str | None
    is_editable: bool
    can_update_all_settings: bool
    can_access_all_tools: bool
    can_read_all_object_records: bool
    can_update_all_object_records: bool
    can_soft_delete_all_object_records: bool
    can_destroy_all_object_records: bool
    can_be_assigned_to_users: bool
    can_be_assigned_to_agents: bool
    can_be_assigned_to_api_keys: bool
    created_at: datetime
    updated_at: datetime


def role_from_row(row: Any) -> Role:
    return Role(**{name: row[name] for name in Role.__slots__})


_SEEDS = (
    # label, description, editable, settings, read, update, soft delete, destroy
    (ADMIN, "Admin role", False, True, True, True, True, True),
    (MEMBER, "Member role", True, False, True, True, True, True),
)


async def seed_roles(conn: asyncpg.Connection, workspace_id: UUID) -> list[Role]:
    rows = []
    for label, description, editable, settings, read, update, soft, destroy in _SEEDS:
        rows.append(
            await conn.fetchrow(
                "INSERT INTO core.role (id, workspace_id, label, description, is_editable, "
                "can_update_all_settings, can_read_all_object_records, "
                "can_update_all_object_records, can_soft_delete_all_object_records, "
                "can_destroy_all_object_records) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
                uuid.uuid4(),
                workspace_id,
                label,
                description,
                editable,
                settings,
                read,
                update,
                soft,
                destroy,
            )
        )
    return [role_from_row(r) for r in rows]


async def role_by_label(conn: asyncpg.Connection, workspace_id: UUID, label: str) -> Role | None:
    row = await conn.fetchrow(
        "SELECT * FROM core.role WHERE workspace_id = $1 AND label = $2", workspace_id, label
    )
    return role_from_row(row) if row else None


async def get_role(
    conn: asyncpg.Connection,
    role_id: UUID,
    workspace_id: UUID | None = None,
    *,
    lock: Literal["SHARE", "UPDATE"] | None = None,
) -> Role | None:
    """The role, when it exists (and belongs to `workspace_id`, when given); `lock` holds its
    row FOR SHARE (giving it to a key) or FOR UPDATE (changing it) until the transaction ends."""
    row = await conn.fetchrow(
        "SELECT * FROM core.role WHERE id = $1 AND ($2::uuid IS NULL OR workspace_id = $2)"
        + (f" FOR {lock}" if lock else ""),
        role_id,
        workspace_id,
    )
    return role_from_row(row) if row else None


async def list_roles(conn: asyncpg.Connection, workspace_id: UUID) -> list[Role]:
    """Every role of the workspace, seeded ones first, then by label."""
    rows = await conn.fetch(
        "SELECT * FROM core.role WHERE workspace_id = $1 ORDER BY is_editable, label",
        workspace_id,
    )
    return [role_from_row(r) for r in rows]
