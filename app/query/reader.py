"""The reader: every record read of every transport, answered as JSON text PostgreSQL builds.

A transport hands read trees (app.query.tree) with layouts (app.query.layout); the reader
renders them into one statement (app.query.json_sql), sends it, and returns its one value,
the answer's JSON text, which the transport passes on without decoding it.

    text = await reader.read_page(conn, catalog, person, request, access=…, limits=…)
    # '{"data" : {"people" : […]}, "totalCount" : 100000, …}'     (REST's layout)
    text = await reader.read(conn, catalog, [("people", person, request)], access=…, limits=…)
    # '{"people" : {"edges" : […]}}'     (GraphQL: an object keyed by response key)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

import asyncpg

from app import encoding
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.db.sqltext import json_object
from app.memo import MAX_KEPT_KEY, Memo
from app.metadata.model import ObjectMeta
from app.query import ast, engine, layout, plan, sql
from app.query.counts import CountCache
from app.query.json_sql import Limits, Renderer, json_literal
from app.query.layout import Const
from app.query.tree import ConnectionRead, Page, RecordRead, ToOne


@dataclass(frozen=True, slots=True)
class Compiled:
    """A read's one statement, and the table its errors are reported against."""

    statement: sql.Statement
    table: str


# A page under its response key, or a constant (GraphQL's `__typename` beside them).
Root = tuple[str, ObjectMeta, ConnectionRead] | tuple[str, Const]


async def read(
    conn: asyncpg.Connection,
    catalog: Catalog,
    roots: Sequence[Root],
    *,
    access: Access,
    limits: Limits,
) -> str:
    """The JSON object of several pages, by response key, in one statement."""
    return await run(conn, compile_read(catalog, roots, access=access, limits=limits))


def compile_read(
    catalog: Catalog, roots: Sequence[Root], *, access: Access, limits: Limits
) -> Compiled:
    """The statement `read` sends for `roots`: a value of its inputs only (the catalog
    snapshot, the caller's access, the limits and the read trees), so a transport may keep it
    for requests that repeat (Note [compiled queries] in app.graphql.core.fast)."""
    renderer = Renderer(catalog, access, limits)
    pairs = []
    table = ""
    for root in roots:
        if len(root) == 2:
            pairs.append((root[0], json_literal(root[1].value)))
        else:
            key, obj, request = root
            pairs.append((key, f"({renderer.page(obj, request)})"))
            table = table or obj.table_name
    return Compiled(renderer.statement(json_object(pairs)), table)


async def run(conn: asyncpg.Connection, compiled: Compiled) -> str:
    """The JSON text of a compiled read."""
    rows = await engine.fetch(conn, compiled.statement, compiled.table)
    text: str = rows[0][0]
    return text


async def read_page(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    request: ConnectionRead,
    *,
    access: Access,
    limits: Limits,
    counts: CountCache | None = None,
) -> str:
    """The JSON of one page, shaped by `request.layout`; with `counts`, a filtered total is
    reused while the object is unchanged (Note [count reuse])."""
    renderer = Renderer(catalog, access, limits, counts)
    statement = renderer.root_statement(obj, request)
    row = (await engine.fetch(conn, statement, obj.table_name))[0]
    if renderer.probe is not None and counts is not None and row[1] is not None:
        counts.put(renderer.probe, row[1], row[2])
    text: str = row[0]
    return text


# Note [kept statements]: a REST read is a value of the request's query string (filter, order,
# page, fields, depth), the object, the catalog snapshot, the caller's access and the limits;
# rendering it (planning the filter and order, walking the layout, building SQL text) costs
# more than sending it. So the rendered statement is kept in a memo under exactly those
# (objects by identity, while they live: a new catalog version is a new entry). Two reads are
# treated apart: one whose statement carries a remembered count (Note [count reuse]: its
# parameters are the count's state) is never kept, but rendered every time; and a get-one,
# whose query string does not hold its id, is kept once per selection with a stand-in id in
# the id's parameter slot, swapped for the requested id on each use. A query string longer than
# app.memo.MAX_KEPT_KEY is rendered every time: distinct large requests must not fill memory.
_KEPT = Memo(max_entries=2048)
_STAND_IN = UUID(int=0)  # the nil UUID: never a record's id (ids are random UUIDs)
_NOT_KEPT = object()


async def read_kept_page(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    key: str,
    build: Callable[[], ConnectionRead],
    *,
    access: Access,
    limits: Limits,
    counts: CountCache | None = None,
) -> str:
    """`read_page` of the request `build` makes, `key` standing for it (Note [kept
    statements]): built and rendered on the first call only."""

    def render() -> sql.Statement | object:
        renderer = Renderer(catalog, access, limits, counts)
        statement = renderer.root_statement(obj, build())
        return _NOT_KEPT if renderer.probe is not None else statement

    keep = len(key) <= MAX_KEPT_KEY
    kept = _KEPT.get((catalog, access, obj), ("page", key, limits), render, keep=keep)
    if isinstance(kept, sql.Statement):
        row = (await engine.fetch(conn, kept, obj.table_name))[0]
        text: str = row[0]
        return text
    return await read_page(conn, catalog, obj, build(), access=access, limits=limits, counts=counts)


async def read_record_json(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    record_id: UUID,
    key: str,
    build: Callable[[], RecordRead],
    *,
    access: Access,
) -> str:
    """The JSON of one live record (`build`'s selection, `key` standing for it), or 'null'."""

    def render() -> tuple[sql.Statement, int] | None:
        request = ConnectionRead(
            filter=by_id(_STAND_IN), first=1, records=build(), layout=layout.RECORD
        )
        statement = Renderer(catalog, access, Limits()).root_statement(obj, request)
        slots = [i for i, v in enumerate(statement.params) if str(v) == str(_STAND_IN)]
        return (statement, slots[0]) if len(slots) == 1 else None

    kept = _KEPT.get((catalog, access, obj), ("one", key), render, keep=len(key) <= MAX_KEPT_KEY)
    if kept is None:  # the stand-in is not alone in the parameters: render with the real id
        request = ConnectionRead(
            filter=by_id(record_id), first=1, records=build(), layout=layout.RECORD
        )
        return await read_page(conn, catalog, obj, request, access=access, limits=Limits())
    statement, slot = kept
    params = list(statement.params)
    params[slot] = type(params[slot])(str(record_id))
    row = (await engine.fetch(conn, sql.Statement(statement.sql, tuple(params)), obj.table_name))[0]
    text: str = row[0]
    return text


async def read_objects(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    request: ConnectionRead,
    *,
    access: Access,
    limits: Limits,
) -> Page:
    """A page as Python objects, for a transport that shapes them itself (graphql-core's
    executor): records keyed by field name, relation reads under their keys (a one-to-many
    as a `Page`), the page's cursors, page info and aggregates."""
    laid_out = _objects_page(request)
    text = await read_page(conn, catalog, obj, laid_out, access=access, limits=limits)
    return _page(encoding.loads(text), request)  # exact numbers, as the JSON has them


def _objects_page(request: ConnectionRead) -> ConnectionRead:
    aggregates = layout.Obj(tuple((key, layout.aggregate(key)) for key in request.aggregates))
    page = layout.Obj(
        (
            ("records", layout.Each(layout.RECORD)),
            ("cursors", layout.Each(layout.CURSOR)),
            ("hasNextPage", layout.HAS_NEXT_PAGE),
            ("hasPreviousPage", layout.HAS_PREVIOUS_PAGE),
            ("aggregates", aggregates),
        )
    )
    records = _objects_record(request.records) if request.records is not None else None
    return replace(request, records=records, layout=page)


def _objects_record(read: RecordRead) -> RecordRead:
    return replace(
        read,
        layout=None,
        to_one=tuple(replace(one, read=_objects_record(one.read)) for one in read.to_one),
        to_many=tuple(
            replace(many, connection=_objects_page(many.connection)) for many in read.to_many
        ),
    )


def _page(data: dict[str, Any], request: ConnectionRead) -> Page:
    read = request.records
    records = [_record(r, read) for r in data["records"]] if read is not None else []
    return Page(
        records=records,
        cursors=data["cursors"],
        has_next_page=data["hasNextPage"],
        has_previous_page=data["hasPreviousPage"],
        aggregates=data["aggregates"],
    )


def _record(record: dict[str, Any], read: RecordRead) -> dict[str, Any]:
    for one in read.to_one:
        if record.get(one.key) is not None:
            _record(record[one.key], one.read)
    for many in read.to_many:
        record[many.key] = _page(record[many.key], many.connection)
    return record


async def read_record(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    record_id: UUID,
    options: engine.ReadOptions,
    *,
    access: Access,
) -> dict[str, Any] | None:
    """One live record as REST shows it (its read options), as a Python object; None if
    there is none."""
    request = ConnectionRead(
        filter=by_id(record_id), first=1, records=selection_read(catalog, obj, options, access)
    )
    page = await read_objects(conn, catalog, obj, request, access=access, limits=Limits())
    return page.records[0] if page.records else None


def by_id(record_id: UUID) -> ast.Filter:
    return ast.FilterTerm(("id",), "eq", str(record_id))


def record_read(selection: plan.Selection, *, omit_nulls: bool = False) -> RecordRead:
    """A REST selection (its fields, and at depth 1 its embedded relations) as a read tree."""
    to_one = tuple(
        ToOne(relation.name, relation, RecordRead(target.obj, target.fields))
        for relation, target in selection.embeds
    )
    return RecordRead(selection.obj, selection.fields, to_one=to_one, omit_nulls=omit_nulls)


def selection_read(
    catalog: Catalog, obj: ObjectMeta, options: engine.ReadOptions, access: Access
) -> RecordRead:
    """What a REST record shows, from its read options (`depth`, `fields`, nulls omitted)."""
    selection = plan.plan_selection(
        catalog, obj, access=access, depth=options.depth, fields=options.fields
    )
    return record_read(selection, omit_nulls=options.omit_nulls)
