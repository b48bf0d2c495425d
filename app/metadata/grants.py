"""The permission rows of one workspace, as stored: roles, object grants and field grants.

Read in the transaction that reads the workspace's model, so a catalog snapshot's model and
its permissions always agree (app.catalog.access turns these rows into per-role answers).
A flag of None in an object or field grant means "inherit" (spec §6.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """A role's broad flags."""

    id: UUID
    label: str
    can_update_all_settings: bool
    can_read_all_object_records: bool
    can_update_all_object_records: bool
    can_soft_delete_all_object_records: bool
    can_destroy_all_object_records: bool


@dataclass(frozen=True, slots=True)
class ObjectGrant:
    """One role's flags on one object; None inherits the role's `*_all_object_records`."""

    role_id: UUID
    object_id: UUID
    can_read: bool | None
    can_update: bool | None
    can_soft_delete: bool | None
    can_destroy: bool | None


@dataclass(frozen=True, slots=True)
class FieldGrant:
    """One role's flags on one field; None inherits (allowed)."""

    role_id: UUID
    field_id: UUID
    can_read: bool | None
    can_update: bool | None


@dataclass(frozen=True, slots=True)
class Grants:
    roles: tuple[RoleGrant, ...] = ()
    objects: tuple[ObjectGrant, ...] = ()
    fields: tuple[FieldGrant, ...] = ()


NO_GRANTS = Grants()


async def load_grants(conn: asyncpg.Connection, workspace_id: UUID) -> Grants:
    """Every role of the workspace with its object and field grants (three statements)."""
    roles = await conn.fetch(
        "SELECT id, label, can_update_all_settings, can_read_all_object_records, "
        "can_update_all_object_records, can_soft_delete_all_object_records, "
        "can_destroy_all_object_records FROM core.role WHERE workspace_id = $1 ORDER BY label",
        workspace_id,
    )
    objects = await conn.fetch(
        "SELECT role_id, object_metadata_id, can_read_object_records, "
        "can_update_object_records, can_soft_delete_object_records, "
        "can_destroy_object_records FROM core.object_permission WHERE workspace_id = $1",
        workspace_id,
    )
    fields = await conn.fetch(
        "SELECT role_id, field_metadata_id, can_read_field_value, can_update_field_value "
        "FROM core.field_permission WHERE workspace_id = $1",
        workspace_id,
    )
    return Grants(
        roles=tuple(RoleGrant(**dict(row)) for row in roles),
        objects=tuple(
            ObjectGrant(
                role_id=row["role_id"],
                object_id=row["object_metadata_id"],
                can_read=row["can_read_object_records"],
                can_update=row["can_update_object_records"],
                can_soft_delete=row["can_soft_delete_object_records"],
                can_destroy=row["can_destroy_object_records"],
            )
            for row in objects
        ),
        fields=tuple(
            FieldGrant(
                role_id=row["role_id"],
                field_id=row["field_metadata_id"],
                can_read=row["can_read_field_value"],
                can_update=row["can_update_field_value"],
            )
            for row in fields
        ),
    )
