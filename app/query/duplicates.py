"""Find duplicates: records that share every field of one of the object's duplicate criteria.

Criteria are lists of dotted paths (`("name.firstName", "name.lastName")`,
`("emails.primaryEmail",)`); a criterion applies to an input only when all its values are
non-empty. A record is never its own duplicate. A criterion over a field the caller's role may
not read is not applied: matching on it would tell what the hidden values are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.db.sqltext import ident
from app.errors import BadRequest, TooManyRecords
from app.metadata.model import ObjectMeta
from app.query import engine, plan, shape, sql, writes
from app.query.resolve import ColumnRef, resolve_column


def criteria(catalog: Catalog, obj: ObjectMeta, access: Access) -> list[list[ColumnRef]]:
    """The object's criteria the role may apply, as columns; a custom object without any
    matches on `name`."""
    groups = obj.duplicate_criteria or ((("name",) if obj.field_named("name") else ()),)
    resolved = []
    for group in groups:
        if not group:
            continue
        refs = [
            resolve_column(
                catalog, obj, tuple(path.split(".")), context="duplicate criteria", access=None
            )
            for path in group
        ]
        if all(access.can_read_field(ref.field) for ref in refs):
            resolved.append(refs)
    return resolved


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


async def find_duplicates(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    *,
    data: Sequence[Any] | None,
    ids: Sequence[UUID] | None,
    options: engine.ReadOptions,
    access: Access,
    max_inputs: int | None = None,
) -> list[tuple[int, list[dict[str, Any]]]]:
    """For each input record (or id), (total count, duplicates) in input order; at most
    `max_inputs` inputs (one statement each), like a batch."""
    access.require(obj, Action.READ)
    if data is not None and ids is not None:
        raise BadRequest('You cannot provide both "data" and "ids" arguments')
    given = len(data if data is not None else ids or ())
    if max_inputs is not None and given > max_inputs:
        raise TooManyRecords(f"Maximum number of records to find duplicates of is {max_inputs}.")
    if ids is None and not data:
        raise BadRequest('The "data" condition can not be empty when "ids" input not provided')
    groups = criteria(catalog, obj, access)
    selection = plan.plan_selection(
        catalog, obj, access=access, depth=options.depth, fields=options.fields
    )
    columns = sorted({ref.column for group in groups for ref in group})
    inputs: list[tuple[UUID | None, dict[str, Any]]] = []
    if ids is not None:
        if not ids:
            return []
        rows = await conn.fetch(
            f"SELECT {sql.select_list(['id', *columns])} FROM "
            f'{sql.table(catalog.schema, obj.table_name)} t WHERE t."id" = ANY($1::uuid[]) '
            'AND t."deletedAt" IS NULL',
            list(ids),
        )
        by_id = {row["id"]: dict(row) for row in rows}
        inputs = [(i, by_id.get(i, {})) for i in ids]
    else:
        assert data is not None
        inputs = [
            (None, writes.body_values(obj, body, creating=True, access=None, index=n))
            for n, body in enumerate(data)
        ]
    results: list[tuple[int, list[dict[str, Any]]]] = []
    for own_id, values in inputs:
        params = sql.Params()
        branches = []
        for group in groups:
            if any(_empty(values.get(ref.column)) for ref in group):
                continue
            branches.append(
                "("
                + " AND ".join(
                    sql.condition_sql(
                        f"t.{ident(ref.column)}", ref.kind, "eq", values[ref.column], params
                    )
                    for ref in group
                )
                + ")"
            )
        if not branches:
            results.append((0, []))
            continue
        where = ['t."deletedAt" IS NULL', "(" + " OR ".join(branches) + ")"]
        if own_id is not None:
            where.append(f't."id" <> {params.add(own_id, "uuid")}')
        statement = (
            f"SELECT {sql.select_list(selection.columns)} FROM "
            f"{sql.table(catalog.schema, obj.table_name)} t WHERE {' AND '.join(where)} "
            'ORDER BY t."createdAt", t."id"'
        )
        rows = await conn.fetch(statement, *params.values)
        embedded = await engine.embedded_for(conn, catalog, selection, rows)
        results.append(
            (len(rows), shape.to_records(selection, rows, embedded, omit_nulls=options.omit_nulls))
        )
    return results
