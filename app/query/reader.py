"""The reader: every record read of every transport, answered as JSON text PostgreSQL builds.

A transport hands read trees (app.query.tree) with layouts (app.query.layout); the reader
renders them into one statement (app.query.json_sql), sends it, and returns its one value,
the answer's JSON text, which the transport passes on without decoding it.

    text = await reader.read(conn, catalog, [("people", person, request)], access=…, limits=…)
    # '{"people" : {"edges" : […]}}'   (several roots: one object keyed by response key)
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.metadata.model import ObjectMeta
from app.query import ast, engine, plan
from app.query.json_sql import Limits, Renderer, build_object
from app.query.tree import ConnectionRead, RecordRead, ToOne

Root = tuple[str, ObjectMeta, ConnectionRead]


async def read(
    conn: asyncpg.Connection,
    catalog: Catalog,
    roots: Sequence[Root],
    *,
    access: Access,
    limits: Limits,
) -> str:
    """The JSON of one page (one root: its layout) or of several (an object by root key)."""
    renderer = Renderer(catalog, access, limits)
    pages = [(key, f"({renderer.page(obj, request)})") for key, obj, request in roots]
    expression = pages[0][1] if len(pages) == 1 and pages[0][0] == "" else build_object(pages)
    statement = renderer.statement(expression)
    table = roots[0][1].table_name if roots else ""
    rows = await engine.fetch(conn, statement, table)
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
) -> str:
    """The JSON of one page, shaped by `request.layout`."""
    return await read(conn, catalog, [("", obj, request)], access=access, limits=limits)


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
