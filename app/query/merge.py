"""Merge records: one survivor takes the others' values where its own are empty, inherits their
relations, and the others are soft-deleted. A dry run computes the result and writes nothing.

Rules (Twenty's, as far as its tests show them): 2 to 9 distinct ids; the record at
`conflictPriorityIndex` wins every conflict; an empty field of the winner (null, '', [], or a
composite whose parts are all empty) takes the first non-empty value among the others, in
the order given; one-to-many relations pointing at the others are re-pointed at the winner.

Permissions: a merge updates the winner and soft-deletes the others, so the role needs both
flags on the object, and update on every relation it re-points (checked up front, whatever the
data). A field the role may not write keeps the winner's own value: a merge never writes what
the role could not write itself, nor reveals a hidden value through an error.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.db.sqltext import ident
from app.errors import BadRequest, RecordNotFound
from app.metadata.enums import FieldType, RelationType
from app.metadata.field_types import handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import engine, outbox, plan, reader, shape, sql

MAX_MERGE_RECORDS = 9
_NOT_MERGED = frozenset(
    {"id", "createdAt", "updatedAt", "deletedAt", "position", "createdBy", "searchVector"}
)


def _mergeable(obj: ObjectMeta) -> list[FieldMeta]:
    return [
        f
        for f in obj.fields
        if f.is_active
        and f.name not in _NOT_MERGED
        and f.type is not FieldType.TS_VECTOR
        and not (f.type is FieldType.RELATION and f.relation_type is RelationType.ONE_TO_MANY)
    ]


def _is_empty(value: Any) -> bool:
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, dict):
        return all(_is_empty(v) for v in value.values())
    return False


def check_count(count: int) -> None:
    """2 to MAX_MERGE_RECORDS ids: checked before the ids are even parsed."""
    if count < 2:
        raise BadRequest("At least 2 record ids are required to merge")
    if count > MAX_MERGE_RECORDS:
        raise BadRequest(f"Cannot merge more than {MAX_MERGE_RECORDS} records at once")


def _validate(ids: Sequence[UUID], priority: int) -> None:
    check_count(len(ids))
    if len(set(ids)) != len(ids):
        raise BadRequest("Record ids to merge must be distinct")
    if not 0 <= priority < len(ids):
        raise BadRequest(
            f"conflictPriorityIndex must be between 0 and {len(ids) - 1}, got {priority}"
        )


async def merge_records(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    *,
    ids: Sequence[UUID],
    priority: int,
    dry_run: bool,
    options: engine.ReadOptions,
    access: Access,
) -> dict[str, Any]:
    access.require(obj, Action.UPDATE)
    access.require(obj, Action.SOFT_DELETE)
    relations = _relations(catalog, obj)
    for target, inverse in relations:
        access.require_update_field(target, inverse)
    _validate(ids, priority)
    selection = plan.plan_selection(
        catalog, obj, access=access, depth=options.depth, fields=options.fields
    )
    full = plan.Selection(obj, plan.output_fields(obj))
    rows = await conn.fetch(
        f"SELECT {sql.select_list(full.columns)} FROM {sql.table(catalog.schema, obj.table_name)} "
        't WHERE t."id" = ANY($1::uuid[]) AND t."deletedAt" IS NULL FOR UPDATE',
        list(ids),
    )
    by_id = {row["id"]: dict(row) for row in rows}
    missing = [str(i) for i in ids if i not in by_id]
    if missing:
        raise RecordNotFound("Record not found", ids=missing)
    winner_id = ids[priority]
    ordered = [by_id[winner_id], *(by_id[i] for i in ids if i != winner_id)]
    merged: dict[str, Any] = {}
    for field in _mergeable(obj):
        if not access.can_update_field(field):
            continue
        handler = handler_for(field.type)
        columns = [c.name for c in handler.columns(field)]
        for row in ordered:
            if not _is_empty(handler.from_db(field, row)):
                merged.update({c: row[c] for c in columns})
                break
    if dry_run:
        preview = {**ordered[0], **merged, "id": uuid.uuid4()}
        embedded = await engine.embedded_for(conn, catalog, selection, [preview])
        return shape.to_record(selection, preview, embedded, omit_nulls=options.omit_nulls)
    losers = [i for i in ids if i != winner_id]
    before = outbox.images_of(obj, [ordered[0]])
    await _repoint_relations(conn, catalog, relations, winner_id, losers)
    table = sql.table(catalog.schema, obj.table_name)
    await conn.execute(
        f'UPDATE {table} SET "deletedAt" = now(), "updatedAt" = now() WHERE "id" = ANY($1::uuid[])',
        losers,
    )
    if merged:
        types = engine.column_types(obj)
        params = sql.Params()
        sets = [f"{ident(c)} = {params.add(v, types[c])}" for c, v in merged.items()]
        await conn.execute(
            f'UPDATE {table} SET {", ".join(sets)}, "updatedAt" = now() '
            f'WHERE "id" = {params.add(winner_id, "uuid")}',
            *params.values,
        )
    # Events (Note [transactional outbox]): the winner updated, the others soft-deleted.
    await outbox.record(conn, catalog, obj, "updated", [{"id": winner_id}], before)
    await outbox.record(conn, catalog, obj, "deleted", [{"id": i} for i in losers])
    record = await reader.read_record(conn, catalog, obj, winner_id, options, access=access)
    assert record is not None
    return record


def _relations(catalog: Catalog, obj: ObjectMeta) -> list[tuple[ObjectMeta, FieldMeta]]:
    """The objects whose records point at `obj`, with the many-to-one field that points."""
    out = []
    for field in obj.fields:
        if field.relation_type is not RelationType.ONE_TO_MANY:
            continue
        inverse = (
            catalog.field_by_id(field.relation_target_field_id)
            if (field.relation_target_field_id)
            else None
        )
        target = (
            catalog.by_id(field.relation_target_object_id)
            if (field.relation_target_object_id)
            else None
        )
        if inverse is None or target is None or inverse.join_column is None:
            continue
        out.append((target, inverse))
    return out


async def _repoint_relations(
    conn: asyncpg.Connection,
    catalog: Catalog,
    relations: Sequence[tuple[ObjectMeta, FieldMeta]],
    winner: UUID,
    losers: Sequence[UUID],
) -> None:
    """Every many-to-one link to a merged-away record now points at the winner (each
    re-pointed record is `updated`, for webhooks)."""
    for target, inverse in relations:
        assert inverse.join_column is not None
        join = ident(inverse.join_column)
        before = await outbox.lock_before(
            conn, catalog, target, ("updated",), f"t.{join} = ANY($1::uuid[])", [list(losers)]
        )
        await conn.execute(
            f"UPDATE {sql.table(catalog.schema, target.table_name)} SET {join} = $1 "
            f"WHERE {join} = ANY($2::uuid[])",
            winner,
            list(losers),
        )
        if before:
            moved = [{"id": record_id} for record_id in before]
            await outbox.record(conn, catalog, target, "updated", moved, before)
