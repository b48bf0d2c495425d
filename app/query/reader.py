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

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

import asyncpg

from app import encoding
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.db.sqltext import json_object
from app.metadata.model import ObjectMeta
from app.query import ast, engine, layout, plan
from app.query.counts import CountCache
from app.query.json_sql import Limits, Renderer, json_literal
from app.query.layout import Const
from app.query.tree import ConnectionRead, Page, RecordRead, ToOne

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
    rows = await engine.fetch(conn, renderer.statement(json_object(pairs)), table)
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
