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
from uuid import UUID

import asyncpg

from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.metadata.model import ObjectMeta
from app.query import ast, engine, plan
from app.query.counts import CountCache
from app.query.json_sql import Limits, Renderer, build_object, json_literal
from app.query.layout import Const
from app.query.tree import ConnectionRead, RecordRead, ToOne

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
    rows = await engine.fetch(conn, renderer.statement(build_object(pairs)), table)
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
