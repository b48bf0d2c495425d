"""The tree loader: a page of records with relations at any depth, one statement per relation.

`read_connection` reads a root page (and its aggregates); `attach` then walks the read tree
level by level. For every relation it sends one statement for all the records of the level:

    many-to-one   SELECT … FROM company t WHERE t.id = ANY($ids)
    one-to-many   SELECT * FROM (SELECT …, row_number() OVER (PARTITION BY t."companyId"
                                 ORDER BY …) AS __rn FROM person t WHERE t."companyId" = ANY($ids)
                                 AND <filter> AND <cursor>) w
                  WHERE w.__rn > <offset> AND w.__rn <= <offset + limit + 1>
                                                         -- a page per parent, never N+1
    aggregates    SELECT t."companyId", count(*), … GROUP BY t."companyId"

Note [relation keys]: related records go on their parent under the response key chosen by
the client. Every id a level needs is read before any key is assigned, so a key that happens
to shadow a column the loader reads (`id: company { … }`) cannot derail it.

Permissions: a read tree names its fields and relations explicitly, so anything in it the
role may not read (a field, a relation field, a related object, a filter, ordering or aggregate
of a nested connection) is refused with PERMISSION_DENIED, never silently dropped: the client
asked for it. `authorize` checks a whole tree before a write runs; the loader checks each level
as it reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.db.sqltext import ident, qualified
from app.errors import InvalidParameter
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import aggregate, ast, cursor, engine, plan, shape, sql
from app.query.json_sql import Limits
from app.query.tree import ConnectionRead, Page, RecordRead, ToMany, ToOne


@dataclass(frozen=True, slots=True)
class _Slice:
    limit: int
    offset: int
    backwards: bool
    after: tuple[Any, ...] | None
    before: tuple[Any, ...] | None


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


def _slice(request: ConnectionRead, order: Sequence[plan.OrderKey], limits: Limits) -> _Slice:
    if request.first is not None and request.last is not None:
        raise InvalidParameter("Use either 'first' or 'last', not both")
    if request.after is not None and request.before is not None:
        raise InvalidParameter("Use either 'after' or 'before', not both")
    if request.last is not None and request.after is not None:
        raise InvalidParameter("'last' pages backwards: use it with 'before', not 'after'")
    size = request.first if request.first is not None else request.last
    if size is not None and size < 0:
        name = "first" if request.first is not None else "last"
        raise InvalidParameter(f"'{name}' must be zero or more, got {size}", parameter=name)
    if request.offset is not None and request.offset < 0:
        raise InvalidParameter(f"'offset' must be zero or more, got {request.offset}")
    limit = min(limits.default if size is None else size, limits.maximum)
    return _Slice(
        limit=limit,
        offset=request.offset or 0,
        backwards=request.last is not None or request.before is not None,
        after=cursor.decode(request.after, order) if request.after else None,
        before=cursor.decode(request.before, order) if request.before else None,
    )


def _finish(
    rows: list[Any], window: _Slice, order: Sequence[plan.OrderKey], sig: str
) -> tuple[list[Any], list[str | None], bool, bool]:
    """Trim the look-ahead row, restore forward order; (rows, cursors, next, previous)."""
    more = len(rows) > window.limit
    rows = rows[: window.limit]
    if window.backwards:
        rows.reverse()
    cursors: list[str | None] = [cursor.encode(order, row, sig) for row in rows]
    skipped = window.offset > 0
    if window.backwards:
        return rows, cursors, window.before is not None or skipped, more
    return rows, cursors, more, window.after is not None or skipped


# ---- roots -------------------------------------------------------------------------------


async def read_connection(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    request: ConnectionRead,
    limits: Limits,
    *,
    access: Access,
) -> Page:
    """A root page with its relations, and its aggregates: at most two statements for the root,
    then one per relation per level."""
    access.require(obj, Action.READ)
    where = plan.plan_filter(catalog, obj, request.filter, access=access)
    with_deleted = ast.mentions_field(request.filter, "deletedAt")
    chosen = aggregate.pick(obj, request.aggregates, access=access) if request.aggregates else []
    order = plan.plan_order(catalog, obj, request.order_by, access=access)  # checked even unused
    page = Page()
    if request.records is not None:
        authorize(catalog, request.records, access)
        window = _slice(request, order, limits)
        selection = selection_for(request.records)
        read = plan.ReadPlan(
            schema=catalog.schema,
            selection=selection,
            where=where,
            with_deleted=with_deleted,
            order=order,
            page=plan.Page(
                limit=window.limit,
                after=window.after,
                before=window.before,
                from_end=window.backwards and window.before is None,
            ),
        )
        statement = sql.render_read(read)
        if window.offset:
            statement = sql.Statement(f"{statement.sql} OFFSET {window.offset}", statement.params)
        rows = await engine.fetch(conn, statement, obj.table_name)
        rows, page.cursors, page.has_next_page, page.has_previous_page = _finish(
            rows, window, order, cursor.signature(order)
        )
        page.records = shape.to_records(selection, rows)
        await attach(conn, catalog, request.records, page.records, limits, access=access)
    if chosen:
        statement = aggregate.render(catalog.schema, obj, chosen, where, with_deleted=with_deleted)
        result = await engine.fetch(conn, statement, obj.table_name)
        page.aggregates = aggregate.values(chosen, result[0] if result else None)
    return page


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
    """Read the relations `read` asks for and put them on `records` (Note [relation keys])."""
    _authorize_level(read, access)
    if not records:
        return
    await _fill_missing(conn, catalog, read, records)
    # Every key a level reads, per record, before any relation key is assigned.
    links = [
        (record.get("id"), [record.get(r.field.join_column or "") for r in read.to_one])
        for record in records
    ]
    loaded_one = [
        await _load_one(conn, catalog, r, _ids(records, r.field.join_column), limits, access)
        for r in read.to_one
    ]
    parent_ids = _ids(records, "id") if read.to_many else []
    loaded_many = [
        await _load_many(conn, catalog, r, parent_ids, limits, access) for r in read.to_many
    ]
    for record, (parent, targets) in zip(records, links, strict=True):
        for one, target, by_id in zip(read.to_one, targets, loaded_one, strict=True):
            record[one.key] = by_id.get(target) if isinstance(target, str) else None
        for many, pages in zip(read.to_many, loaded_many, strict=True):
            page = pages.get(parent) if isinstance(parent, str) else None
            record[many.key] = page or _empty_page(many)


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


async def _load_one(
    conn: asyncpg.Connection,
    catalog: Catalog,
    relation: ToOne,
    ids: list[str],
    limits: Limits,
    access: Access,
) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    selection = selection_for(relation.read)
    statement = sql.render_by_ids(catalog.schema, selection, [UUID(i) for i in ids])
    rows = await engine.fetch(conn, statement, relation.read.obj.table_name)
    children = shape.to_records(selection, rows)
    await attach(conn, catalog, relation.read, children, limits, access=access)
    return {child["id"]: child for child in children}


async def _load_many(
    conn: asyncpg.Connection,
    catalog: Catalog,
    relation: ToMany,
    parent_ids: list[str],
    limits: Limits,
    access: Access,
) -> dict[str, Page]:
    """One page per parent (and its aggregates), for all parents in one statement each."""
    target = _target(catalog, relation.field)
    inverse = (
        catalog.field_by_id(relation.field.relation_target_field_id)
        if relation.field.relation_target_field_id
        else None
    )
    if inverse is None or inverse.join_column is None:
        raise InvalidParameter(f"The relation '{relation.field.name}' has no inverse join column")
    join = inverse.join_column
    request = relation.connection
    access.require(target, Action.READ)
    where = plan.plan_filter(catalog, target, request.filter, access=access)
    with_deleted = ast.mentions_field(request.filter, "deletedAt")
    chosen = aggregate.pick(target, request.aggregates, access=access) if request.aggregates else []
    uuids = [UUID(i) for i in parent_ids]
    pages: dict[str, Page] = {}
    if request.records is not None and uuids:
        order = plan.plan_order(catalog, target, request.order_by, access=access)
        window = _slice(request, order, limits)
        selection = selection_for(request.records)
        statement = _render_windowed(
            catalog.schema, selection, join, uuids, where, with_deleted, order, window
        )
        rows = await engine.fetch(conn, statement, target.table_name)
        sig = cursor.signature(order)
        grouped: dict[str, list[Any]] = {}
        for row in rows:
            grouped.setdefault(str(row["__parent"]), []).append(row)
        children: list[dict[str, Any]] = []
        for parent, group in grouped.items():
            kept, cursors, has_next, has_previous = _finish(group, window, order, sig)
            records = shape.to_records(selection, kept)
            children.extend(records)
            pages[parent] = Page(records, cursors, has_next, has_previous)
        await attach(conn, catalog, request.records, children, limits, access=access)
    if chosen and uuids:
        statement = aggregate.render(
            catalog.schema, target, chosen, where, with_deleted=with_deleted, parent=(join, uuids)
        )
        found = {
            str(row["__parent"]): row
            for row in await engine.fetch(conn, statement, target.table_name)
        }
        for parent in parent_ids:
            pages.setdefault(parent, Page()).aggregates = aggregate.values(
                chosen, found.get(parent)
            )
    return pages


def _render_windowed(
    schema: str,
    selection: plan.Selection,
    join: str,
    parent_ids: list[UUID],
    where: plan.Predicate | None,
    with_deleted: bool,
    order: Sequence[plan.OrderKey],
    window: _Slice,
) -> sql.Statement:
    """Up to `limit + 1` rows per parent, ranked by the page order (or its reverse)."""
    params = sql.Params()
    conditions = [f"t.{ident(join)} = ANY({params.add(parent_ids, 'uuid[]')})"]
    conditions += sql.where_sql(schema, where, with_deleted, params)
    values = window.before if window.backwards else window.after
    if values is not None:
        conditions.append(sql.cursor_sql(schema, order, values, window.backwards, params))
    order_columns = [f'{sql.column_expr(schema, k.ref)} AS "__o{i}"' for i, k in enumerate(order)]
    ranking = sql.order_sql(schema, order, window.backwards)
    inner = (
        f"SELECT {sql.select_list(selection.columns)}, {', '.join(order_columns)}, "
        f't.{ident(join)} AS "__parent", '
        f'row_number() OVER (PARTITION BY t.{ident(join)} ORDER BY {ranking}) AS "__rn" '
        f"FROM {qualified(schema, selection.obj.table_name)} t WHERE {' AND '.join(conditions)}"
    )
    first, last = window.offset, window.offset + window.limit + 1
    text = (
        f'SELECT * FROM ({inner}) w WHERE w."__rn" > {int(first)} AND w."__rn" <= {int(last)} '
        'ORDER BY w."__parent", w."__rn"'
    )
    return sql.Statement(text, tuple(params.values))


async def _fill_missing(
    conn: asyncpg.Connection, catalog: Catalog, read: RecordRead, records: list[dict[str, Any]]
) -> None:
    """Records from a write carry what the write returned; read any field still missing (the
    search vector, which writes never return) by id, soft-deleted rows included."""
    sample = records[0]
    missing = [f for f in read.fields if (f.join_column or f.name) not in sample]
    if not missing:
        return
    selection = plan.Selection(read.obj, tuple(missing))
    ids = [UUID(r["id"]) for r in records if isinstance(r.get("id"), str)]
    statement = sql.Statement(
        f"SELECT {sql.select_list(selection.columns)} FROM "
        f'{qualified(catalog.schema, read.obj.table_name)} t WHERE t."id" = ANY($1::uuid[])',
        (ids,),
    )
    rows = await engine.fetch(conn, statement, read.obj.table_name)
    found = {r["id"]: r for r in shape.to_records(selection, rows)}
    for record in records:
        extra = found.get(record.get("id")) or {}
        for field in missing:
            key = field.join_column or field.name
            record[key] = extra.get(key)


def write_paths(read: RecordRead) -> tuple[tuple[str, ...], ...]:
    """The `fields` a write returns for `read`: what `attach` needs, bar the search vector
    (which writes never return; `attach` reads it when asked)."""
    returnable = {f.name for f in plan.output_fields(read.obj)}
    return tuple((f.name,) for f in selection_for(read).fields if f.name in returnable)
