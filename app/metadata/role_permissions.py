"""Object and field permissions of a role: the rows of `core.object_permission` and
`core.field_permission`, read and upserted.

A permission value of None means "inherit": an object permission falls back to the role's
`can*AllObjectRecords` flag, a field permission to its object's read / update permission
(enforcement lives with the planner; this module only keeps the rows). A row whose values are
all None says nothing, so an upsert that leaves every value None deletes it.

Functions take a connection and never commit. Every id is checked against the caller's
workspace first: an object or field of another workspace is not found.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from app.errors import BadRequest, MetadataNotFound
from app.metadata.role_specs import FieldPermissionSpec, ObjectPermissionSpec


@dataclass(frozen=True, slots=True)
class ObjectPermission:
    id: UUID
    role_id: UUID
    object_id: UUID
    can_read: bool | None
    can_update: bool | None
    can_soft_delete: bool | None
    can_destroy: bool | None


@dataclass(frozen=True, slots=True)
class FieldPermission:
    id: UUID
    role_id: UUID
    object_id: UUID
    field_id: UUID
    can_read: bool | None
    can_update: bool | None


def _object_permission(row: Any) -> ObjectPermission:
    return ObjectPermission(
        id=row["id"],
        role_id=row["role_id"],
        object_id=row["object_metadata_id"],
        can_read=row["can_read_object_records"],
        can_update=row["can_update_object_records"],
        can_soft_delete=row["can_soft_delete_object_records"],
        can_destroy=row["can_destroy_object_records"],
    )


def _field_permission(row: Any) -> FieldPermission:
    return FieldPermission(
        id=row["id"],
        role_id=row["role_id"],
        object_id=row["object_metadata_id"],
        field_id=row["field_metadata_id"],
        can_read=row["can_read_field_value"],
        can_update=row["can_update_field_value"],
    )


async def object_permissions(
    conn: asyncpg.Connection, workspace_id: UUID, role_id: UUID | None = None
) -> list[ObjectPermission]:
    """The workspace's object permissions (of one role, when given)."""
    rows = await conn.fetch(
        "SELECT * FROM core.object_permission WHERE workspace_id = $1 "
        "AND ($2::uuid IS NULL OR role_id = $2) ORDER BY created_at, object_metadata_id",
        workspace_id,
        role_id,
    )
    return [_object_permission(r) for r in rows]


async def field_permissions(
    conn: asyncpg.Connection, workspace_id: UUID, role_id: UUID | None = None
) -> list[FieldPermission]:
    """The workspace's field permissions (of one role, when given)."""
    rows = await conn.fetch(
        "SELECT * FROM core.field_permission WHERE workspace_id = $1 "
        "AND ($2::uuid IS NULL OR role_id = $2) ORDER BY created_at, field_metadata_id",
        workspace_id,
        role_id,
    )
    return [_field_permission(r) for r in rows]


def _once(ids: Sequence[UUID], name: str) -> None:
    repeated = [str(i) for i, n in Counter(ids).items() if n > 1]
    if repeated:
        raise BadRequest(f"{name} {', '.join(repeated)} appears more than once")


# System objects other than these are not subject to permissions (app.catalog.access), and
# Twenty refuses grants on them.
_PERMISSIONED_SYSTEM_OBJECTS = frozenset({"workspaceMember"})


async def _check_objects(
    conn: asyncpg.Connection, workspace_id: UUID, object_ids: Sequence[UUID], kind: str
) -> None:
    """Every object is the workspace's and may carry permissions."""
    rows = await conn.fetch(
        "SELECT id, is_system, name_singular FROM core.object_metadata "
        "WHERE workspace_id = $1 AND id = ANY($2::uuid[])",
        workspace_id,
        list(object_ids),
    )
    found = {r["id"]: r for r in rows}
    for object_id in object_ids:
        row = found.get(object_id)
        if row is None:
            raise MetadataNotFound("Object metadata not found", id=str(object_id))
        if row["is_system"] and row["name_singular"] not in _PERMISSIONED_SYSTEM_OBJECTS:
            raise BadRequest(f"Cannot add {kind} permission on system object", id=str(object_id))


async def upsert_object_permissions(
    conn: asyncpg.Connection,
    workspace_id: UUID,
    role_id: UUID,
    specs: Sequence[ObjectPermissionSpec],
) -> None:
    """Set each listed object's four permissions (absent or null: inherit)."""
    _once([s.object_id for s in specs], "objectMetadataId")
    for spec in specs:
        writes = (spec.can_update, spec.can_soft_delete, spec.can_destroy)
        if spec.can_read is False and True in writes:
            raise BadRequest("Cannot give update permission to non-readable object")
    await _check_objects(conn, workspace_id, [s.object_id for s in specs], "object")
    for spec in specs:
        values = (spec.can_read, spec.can_update, spec.can_soft_delete, spec.can_destroy)
        if all(v is None for v in values):
            await conn.execute(
                "DELETE FROM core.object_permission WHERE role_id = $1 AND object_metadata_id = $2",
                role_id,
                spec.object_id,
            )
            continue
        await conn.execute(
            "INSERT INTO core.object_permission (id, workspace_id, role_id, object_metadata_id, "
            "can_read_object_records, can_update_object_records, "
            "can_soft_delete_object_records, can_destroy_object_records) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (role_id, object_metadata_id) DO UPDATE SET "
            "can_read_object_records = EXCLUDED.can_read_object_records, "
            "can_update_object_records = EXCLUDED.can_update_object_records, "
            "can_soft_delete_object_records = EXCLUDED.can_soft_delete_object_records, "
            "can_destroy_object_records = EXCLUDED.can_destroy_object_records, "
            "updated_at = now()",
            uuid.uuid4(),
            workspace_id,
            role_id,
            spec.object_id,
            *values,
        )


async def upsert_field_permissions(
    conn: asyncpg.Connection,
    workspace_id: UUID,
    role_id: UUID,
    specs: Sequence[FieldPermissionSpec],
) -> None:
    """Set each listed field's read / update permission (absent or null: inherit)."""
    _once([s.field_id for s in specs], "fieldMetadataId")
    for spec in specs:
        if spec.can_read is False and spec.can_update is True:
            raise BadRequest("Cannot give update permission to non-readable field")
    rows = await conn.fetch(
        "SELECT id, object_metadata_id FROM core.field_metadata "
        "WHERE workspace_id = $1 AND id = ANY($2::uuid[])",
        workspace_id,
        [s.field_id for s in specs],
    )
    owner = {r["id"]: r["object_metadata_id"] for r in rows}
    for spec in specs:
        if spec.field_id not in owner:
            raise MetadataNotFound("Field metadata not found", id=str(spec.field_id))
        if owner[spec.field_id] != spec.object_id:
            raise BadRequest(
                f"Field {spec.field_id} does not belong to object {spec.object_id}",
                id=str(spec.field_id),
            )
    await _check_objects(conn, workspace_id, list({s.object_id for s in specs}), "field")
    for spec in specs:
        if spec.can_read is None and spec.can_update is None:
            await conn.execute(
                "DELETE FROM core.field_permission WHERE role_id = $1 AND field_metadata_id = $2",
                role_id,
                spec.field_id,
            )
            continue
        await conn.execute(
            "INSERT INTO core.field_permission (id, workspace_id, role_id, object_metadata_id, "
            "field_metadata_id, can_read_field_value, can_update_field_value) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (role_id, field_metadata_id) DO UPDATE SET "
            "can_read_field_value = EXCLUDED.can_read_field_value, "
            "can_update_field_value = EXCLUDED.can_update_field_value, updated_at = now()",
            uuid.uuid4(),
            workspace_id,
            role_id,
            spec.object_id,
            spec.field_id,
            spec.can_read,
            spec.can_update,
        )
