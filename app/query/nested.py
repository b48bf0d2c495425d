"""Write results with their relations: what a write returned, completed through the reader.

A write (create, update, delete, restore, merge) returns its records' own columns; a GraphQL
selection may also ask for relations at any depth (`createPerson { company { name } }`), and
for the search vector, which writes never return. `attach` reads those with the one reader
(app.query.reader), in the write's transaction:

    the written records, by id (soft-deleted too): missing fields and one-to-many pages
    each many-to-one target, by id: its records with their own relations

Note [relation keys]: related records go on their parent under the response key chosen by
the client. Every id a level needs is read before any key is assigned, so a key that happens
to shadow a column the write returned (`id: company { … }`) cannot derail it.

Permissions: a read tree names its fields and relations explicitly, so anything in it the
role may not read (a field, a relation field, a related object, a filter, ordering or aggregate
of a nested connection) is refused with PERMISSION_DENIED, never silently dropped: the client
asked for it. `authorize` checks a whole tree before a write runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.errors import InvalidParameter
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import aggregate, ast, plan
from app.query.json_sql import Limits
from app.query.reader import read_objects
from app.query.tree import ConnectionRead, Page, RecordRead, ToMany


def authorize(catalog: Catalog, read: RecordRead, access: Access) -> None:
    """PERMISSION_DENIED if anything the tree reads is closed to the role (before a write runs,
    so a refused selection writes nothing)."""
    _authorize_level(read, access)
    for one in read.to_one:
        authorize(catalog, one.read, access)
    for many in read.to_many:
        authorize_connection(catalog, _target(catalog, many.field), many.connection, access)


def authorize_connection(
    catalog: Catalog, obj: ObjectMeta, request: ConnectionRead, access: Access
) -> None:
    access.require(obj, Action.READ)
    plan.plan_filter(catalog, obj, request.filter, access=access)
    plan.plan_order(catalog, obj, request.order_by, access=access)
    if request.aggregates:
        aggregate.pick(obj, request.aggregates, access=access)
    if request.records is not None:
        authorize(catalog, request.records, access)


def _authorize_level(read: RecordRead, access: Access) -> None:
    """One level: its object, its fields, its relation fields and the objects they lead to."""
    access.require(read.obj, Action.READ)
    for field in read.fields:
        access.require_read_field(read.obj, field)
    for one in read.to_one:
        access.require_read_field(read.obj, one.field)
        access.require(one.read.obj, Action.READ)
    for many in read.to_many:
        access.require_read_field(read.obj, many.field)
        if many.connection.records is not None:
            access.require(many.connection.records.obj, Action.READ)


def selection_for(read: RecordRead) -> plan.Selection:
    """The columns a level reads: its fields plus the join columns its to-one relations need."""
    fields = list(read.fields)
    for relation in read.to_one:
        if relation.field not in fields:
            fields.append(relation.field)
    return plan.Selection(read.obj, tuple(fields))


def write_paths(read: RecordRead) -> tuple[tuple[str, ...], ...]:
    """The `fields` a write returns for `read`: what `attach` needs, bar the search vector
    (which writes never return; `attach` reads it when asked)."""
    returnable = {f.name for f in plan.output_fields(read.obj)}
    return tuple((f.name,) for f in selection_for(read).fields if f.name in returnable)


# ---- relations ---------------------------------------------------------------------------


async def attach(
    conn: asyncpg.Connection,
    catalog: Catalog,
    read: RecordRead,
    records: list[dict[str, Any]],
    limits: Limits,
    *,
    access: Access,
) -> None:
    """Put on `records` (as a write returned them) the fields and relations `read` asks for
    that they lack (Note [relation keys]). A record the write destroyed keeps what it
    returned: its many-to-one targets still read, its one-to-many pages are empty."""
    _authorize_level(read, access)
    if not records:
        return
    links = [
        (record.get("id"), [record.get(r.field.join_column or "") for r in read.to_one])
        for record in records
    ]
    missing = tuple(f for f in read.fields if (f.join_column or f.name) not in records[0])
    own: dict[str, dict[str, Any]] = {}
    if missing or read.to_many:
        level = RecordRead(read.obj, missing, to_many=read.to_many)
        page = await _read_ids(conn, catalog, level, _ids(records, "id"), access, any_state=True)
        own = {r["id"]: r for r in page.records}
    targets = []
    for one in read.to_one:
        page = await _read_ids(
            conn, catalog, one.read, _ids(records, one.field.join_column), access
        )
        targets.append({r["id"]: r for r in page.records})
    for record, (record_id, joins) in zip(records, links, strict=True):
        found = own.get(record_id) if isinstance(record_id, str) else None
        for field in missing:
            key = field.join_column or field.name
            record[key] = found.get(key) if found else None
        for one, join, by_id in zip(read.to_one, joins, targets, strict=True):
            record[one.key] = by_id.get(join) if isinstance(join, str) else None
        for many in read.to_many:
            record[many.key] = found[many.key] if found else _empty_page(many)


async def _read_ids(
    conn: asyncpg.Connection,
    catalog: Catalog,
    read: RecordRead,
    ids: Sequence[str],
    access: Access,
    *,
    any_state: bool = False,
) -> Page:
    """The records of `ids` as `read` describes them; soft-deleted ones too with `any_state`
    (a filter naming `deletedAt` lifts the live-only rule)."""
    if not ids:
        return Page()
    node: ast.Filter = ast.FilterTerm(("id",), "in", tuple(ids))
    if any_state:
        either = (ast.FilterTerm(("deletedAt",), "is", s) for s in ("NULL", "NOT_NULL"))
        node = ast.And((node, ast.Or(tuple(either))))
    request = ConnectionRead(filter=node, first=len(ids), records=read)
    limits = Limits(default=len(ids), maximum=len(ids))
    return await read_objects(conn, catalog, read.obj, request, access=access, limits=limits)


def _ids(records: Sequence[dict[str, Any]], key: str | None) -> list[str]:
    if key is None:
        return []
    return list(dict.fromkeys(r[key] for r in records if isinstance(r.get(key), str)))


def _empty_page(relation: ToMany) -> Page:
    """What a parent without related records shows: no records, counts of 0, other aggregates
    None."""
    chosen = relation.connection.aggregates
    return Page(aggregates={k: (0 if k == aggregate.TOTAL_COUNT.key else None) for k in chosen})


def _target(catalog: Catalog, field: FieldMeta) -> ObjectMeta:
    target = (
        catalog.by_id(field.relation_target_object_id) if field.relation_target_object_id else None
    )
    if target is None or not target.is_active:
        raise InvalidParameter(f"The relation '{field.name}' points at no active object")
    return target
