"""Reads and writes the metadata rows of the `core` schema (objects, fields, workspaces).

Services take a connection and never commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from app.metadata.enums import FieldType, OnDelete, RelationType
from app.metadata.model import FieldMeta, FieldOption, ObjectMeta


@dataclass(frozen=True, slots=True)
class Workspace:
    id: UUID
    name: str
    schema_name: str
    metadata_version: int
    created_at: datetime


def _workspace(row: Mapping[str, Any]) -> Workspace:
    return Workspace(
        id=row["id"],
        name=row["name"],
        schema_name=row["schema_name"],
        metadata_version=row["metadata_version"],
        created_at=row["created_at"],
    )


async def get_workspace(conn: asyncpg.Connection, workspace_id: UUID) -> Workspace | None:
    row = await conn.fetchrow("SELECT * FROM core.workspace WHERE id = $1", workspace_id)
    return _workspace(row) if row else None


async def find_workspace(conn: asyncpg.Connection, id_or_name: str) -> Workspace | None:
    """By name, or by id when the text is a UUID."""
    try:
        as_id: UUID | None = UUID(id_or_name)
    except ValueError:
        as_id = None
    row = await conn.fetchrow(
        "SELECT * FROM core.workspace WHERE name = $1 OR id = $2", id_or_name, as_id
    )
    return _workspace(row) if row else None


async def list_workspaces(conn: asyncpg.Connection) -> list[Workspace]:
    rows = await conn.fetch("SELECT * FROM core.workspace ORDER BY created_at")
    return [_workspace(r) for r in rows]


async def insert_workspace(
    conn: asyncpg.Connection, workspace_id: UUID, name: str, schema_name: str
) -> Workspace:
    row = await conn.fetchrow(
        "INSERT INTO core.workspace (id, name, schema_name) VALUES ($1, $2, $3) RETURNING *",
        workspace_id,
        name,
        schema_name,
    )
    return _workspace(row)


async def bump_version(conn: asyncpg.Connection, workspace_id: UUID) -> int:
    """version += 1 and NOTIFY every process (delivered when the transaction commits)."""
    version: int = await conn.fetchval(
        "UPDATE core.workspace SET metadata_version = metadata_version + 1, updated_at = now() "
        "WHERE id = $1 RETURNING metadata_version",
        workspace_id,
    )
    await conn.execute("SELECT pg_notify('crm_catalog', $1)", f"{workspace_id}:{version}")
    return version


_OBJECT_COLUMNS = (
    "id, workspace_id, name_singular, name_plural, label_singular, label_plural, description, "
    "icon, is_custom, is_active, is_system, is_searchable, label_identifier_field_metadata_id, "
    "image_identifier_field_metadata_id, duplicate_criteria, is_label_synced_with_name, "
    "shortcut, color"
)
_FIELD_COLUMNS = (
    "id, workspace_id, object_metadata_id, position, name, label, type, description, icon, "
    "is_custom, is_active, is_system, is_nullable, is_unique, is_ui_read_only, default_value, "
    "options, settings, relation_target_object_metadata_id, relation_target_field_metadata_id, "
    "is_label_synced_with_name, is_indexed"
)
_OBJECT_COUNT = _OBJECT_COLUMNS.count(",") + 1
_FIELD_COUNT = _FIELD_COLUMNS.count(",") + 1


def _object_values(obj: ObjectMeta) -> tuple[Any, ...]:
    return (
        obj.id,
        obj.workspace_id,
        obj.name_singular,
        obj.name_plural,
        obj.label_singular,
        obj.label_plural,
        obj.description,
        obj.icon,
        obj.is_custom,
        obj.is_active,
        obj.is_system,
        obj.is_searchable,
        obj.label_identifier_field_id,
        obj.image_identifier_field_id,
        [list(c) for c in obj.duplicate_criteria],
        obj.is_label_synced_with_name,
        obj.shortcut,
        obj.color,
    )


def _field_values(workspace_id: UUID, position: int, field: FieldMeta) -> tuple[Any, ...]:
    settings = dict(field.settings)
    if field.relation_type is not None:
        settings["relationType"] = field.relation_type.value
    if field.on_delete is not None:
        settings["onDelete"] = field.on_delete.value
    return (
        field.id,
        workspace_id,
        field.object_id,
        position,
        field.name,
        field.label,
        field.type.value,
        field.description,
        field.icon,
        field.is_custom,
        field.is_active,
        field.is_system,
        field.is_nullable,
        field.is_unique,
        field.is_ui_read_only,
        field.default_value,
        [o.to_json() for o in field.options] if field.options else None,
        settings,
        field.relation_target_object_id,
        field.relation_target_field_id,
        field.is_label_synced_with_name,
        field.is_indexed,
    )


async def insert_objects(conn: asyncpg.Connection, objects: Sequence[ObjectMeta]) -> None:
    """Insert objects and all their fields (two round trips for the whole model)."""
    await conn.executemany(
        f"INSERT INTO core.object_metadata ({_OBJECT_COLUMNS}) "
        f"VALUES ({', '.join(f'${i}' for i in range(1, _OBJECT_COUNT + 1))})",
        [_object_values(o) for o in objects],
    )
    await insert_fields(
        conn,
        [(o.workspace_id, i, f) for o in objects for i, f in enumerate(o.fields)],
    )


async def insert_fields(
    conn: asyncpg.Connection, fields: Iterable[tuple[UUID, int, FieldMeta]]
) -> None:
    await conn.executemany(
        f"INSERT INTO core.field_metadata ({_FIELD_COLUMNS}) "
        f"VALUES ({', '.join(f'${i}' for i in range(1, _FIELD_COUNT + 1))})",
        [_field_values(ws, pos, f) for ws, pos, f in fields],
    )


# Enum members by value: a dict lookup, cheaper than calling the enum for every loaded row.
_FIELD_TYPES = {t.value: t for t in FieldType}
_RELATION_TYPES = {t.value: t for t in RelationType}
_ON_DELETES = {t.value: t for t in OnDelete}


def _options(raw: list[Mapping[str, Any]] | None) -> tuple[FieldOption, ...]:
    if not raw:
        return ()
    return tuple(
        FieldOption(
            id=str(o.get("id")),
            label=o["label"],
            value=o["value"],
            color=o.get("color", "gray"),
            position=int(o.get("position", i)),
        )
        for i, o in enumerate(raw)
    )


def field_from_row(row: Mapping[str, Any]) -> FieldMeta:
    """A field as stored. Runs for every field of every catalog load: keep it lean."""
    settings = dict(row["settings"] or {})
    relation_type = settings.get("relationType")
    on_delete = settings.get("onDelete")
    return FieldMeta(
        id=row["id"],
        object_id=row["object_metadata_id"],
        name=row["name"],
        label=row["label"],
        type=_FIELD_TYPES[row["type"]],
        description=row["description"],
        icon=row["icon"],
        is_custom=row["is_custom"],
        is_active=row["is_active"],
        is_system=row["is_system"],
        is_nullable=row["is_nullable"],
        is_unique=row["is_unique"],
        is_ui_read_only=row["is_ui_read_only"],
        default_value=row["default_value"],
        options=_options(row["options"]),
        settings=settings,
        relation_type=_RELATION_TYPES[relation_type] if relation_type else None,
        relation_target_object_id=row["relation_target_object_metadata_id"],
        relation_target_field_id=row["relation_target_field_metadata_id"],
        on_delete=_ON_DELETES[on_delete] if on_delete else None,
        is_label_synced_with_name=row["is_label_synced_with_name"],
        is_indexed=row["is_indexed"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def load_objects(conn: asyncpg.Connection, workspace_id: UUID) -> list[ObjectMeta]:
    """The whole model of a workspace: two queries, fields in their stored order."""
    object_rows = await conn.fetch(
        f"SELECT {_OBJECT_COLUMNS}, created_at, updated_at FROM core.object_metadata "
        "WHERE workspace_id = $1 "
        "ORDER BY created_at, name_singular",
        workspace_id,
    )
    field_rows = await conn.fetch(
        f"SELECT {_FIELD_COLUMNS}, created_at, updated_at FROM core.field_metadata "
        "WHERE workspace_id = $1 "
        "ORDER BY object_metadata_id, position, created_at",
        workspace_id,
    )
    fields: dict[UUID, list[FieldMeta]] = defaultdict(list)
    for row in field_rows:
        fields[row["object_metadata_id"]].append(field_from_row(row))
    return [
        ObjectMeta(
            id=row["id"],
            workspace_id=row["workspace_id"],
            name_singular=row["name_singular"],
            name_plural=row["name_plural"],
            label_singular=row["label_singular"],
            label_plural=row["label_plural"],
            fields=tuple(fields[row["id"]]),
            description=row["description"],
            icon=row["icon"],
            is_custom=row["is_custom"],
            is_active=row["is_active"],
            is_system=row["is_system"],
            is_searchable=row["is_searchable"],
            label_identifier_field_id=row["label_identifier_field_metadata_id"],
            image_identifier_field_id=row["image_identifier_field_metadata_id"],
            duplicate_criteria=tuple(tuple(c) for c in row["duplicate_criteria"] or ()),
            is_label_synced_with_name=row["is_label_synced_with_name"],
            shortcut=row["shortcut"],
            color=row["color"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
        for row in object_rows
    ]


# ---- changes to existing rows (the metadata service; the caller owns the transaction) -------


async def lock_workspace(conn: asyncpg.Connection, workspace_id: UUID) -> Workspace | None:
    """The workspace row, locked until the transaction ends: metadata changes of one workspace
    run one at a time, each validated against the model the previous one committed."""
    row = await conn.fetchrow("SELECT * FROM core.workspace WHERE id = $1 FOR UPDATE", workspace_id)
    return _workspace(row) if row else None


async def next_field_position(conn: asyncpg.Connection, object_id: UUID) -> int:
    position: int = await conn.fetchval(
        "SELECT coalesce(max(position), -1) + 1 FROM core.field_metadata "
        "WHERE object_metadata_id = $1",
        object_id,
    )
    return position


async def update_object(conn: asyncpg.Connection, obj: ObjectMeta) -> None:
    """Rewrite every column of an object's row (its fields are written separately)."""
    names = [c.strip() for c in _OBJECT_COLUMNS.split(",")][2:]
    sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(names, start=2))
    await conn.execute(
        f"UPDATE core.object_metadata SET {sets}, updated_at = now() WHERE id = $1",
        obj.id,
        *_object_values(obj)[2:],
    )


async def update_field(conn: asyncpg.Connection, workspace_id: UUID, field: FieldMeta) -> None:
    """Rewrite every column of a field's row but its position."""
    names = [c.strip() for c in _FIELD_COLUMNS.split(",")]
    values = _field_values(workspace_id, 0, field)
    keep = [i for i, name in enumerate(names) if name not in ("id", "workspace_id", "position")]
    sets = ", ".join(f"{names[i]} = ${n}" for n, i in enumerate(keep, start=2))
    await conn.execute(
        f"UPDATE core.field_metadata SET {sets}, updated_at = now() WHERE id = $1",
        field.id,
        *(values[i] for i in keep),
    )


async def delete_fields(conn: asyncpg.Connection, field_ids: Sequence[UUID]) -> None:
    await conn.execute("DELETE FROM core.field_metadata WHERE id = ANY($1::uuid[])", field_ids)


async def delete_object(conn: asyncpg.Connection, object_id: UUID) -> None:
    """The object's row; its own fields go with it (ON DELETE CASCADE)."""
    await conn.execute("DELETE FROM core.object_metadata WHERE id = $1", object_id)
