"""The query engine: one implementation of every record operation, for every transport.

Each operation runs plan → sql → execute → shape on a connection the caller owns (the caller
opens the transaction, so a batch is all-or-nothing). Related records are fetched with one
statement per relation for a whole page, never one per record.

Every operation takes the caller's `access` and checks it before any statement is sent: the
object flag the operation needs (Note [permission rules] in app/catalog/access.py), then, as
the planner resolves them, every field it reads, filters, sorts or writes.

Every write records its webhook events on the same connection, so in its transaction (Note
[transactional outbox] in app/query/outbox.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from app import encoding
from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.db.sqltext import ident
from app.errors import DuplicateEntry, InvalidParameter, MissingFilter, RecordNotFound
from app.metadata import ddl
from app.metadata.field_types import Column, ScalarKind, handler_for
from app.metadata.model import ObjectMeta
from app.query import ast, bounds, dberrors, locks, outbox, plan, shape, sql, trace, writes
from app.query.resolve import resolve_column


@dataclass(frozen=True, slots=True)
class ReadOptions:
    depth: int = 0
    fields: tuple[tuple[str, ...], ...] | None = None
    omit_nulls: bool = False


async def _fetch(conn: asyncpg.Connection, statement: sql.Statement, table: str) -> list[Any]:
    trace.notify(statement.sql, statement.params)
    try:
        rows: list[Any] = await conn.fetch(statement.sql, *statement.params)
    except asyncpg.PostgresError as exc:
        translated = dberrors.translate(exc, table)
        if translated is exc:
            raise  # not the client's fault: logged and answered by app/failures.py
        raise translated from None
    return rows


fetch = _fetch  # the one way a statement is sent: traced, and errors translated


async def embedded_for(
    conn: asyncpg.Connection, catalog: Catalog, selection: plan.Selection, rows: Sequence[Any]
) -> dict[str, dict[Any, dict[str, Any]]]:
    """For each depth-1 relation, the related records of the whole page, by id."""
    out: dict[str, dict[Any, dict[str, Any]]] = {}
    for relation, target in selection.embeds:
        join = relation.join_column
        assert join is not None
        ids = list({row[join] for row in rows if row[join] is not None})
        if not ids:
            out[relation.name] = {}
            continue
        statement = sql.render_by_ids(catalog.schema, target, ids)
        related = await _fetch(conn, statement, target.obj.table_name)
        out[relation.name] = {r["id"]: shape.to_record(target, r) for r in related}
    return out


async def _shape(
    conn: asyncpg.Connection,
    catalog: Catalog,
    selection: plan.Selection,
    rows: Sequence[Any],
    options: ReadOptions,
) -> list[dict[str, Any]]:
    embedded = await embedded_for(conn, catalog, selection, rows) if selection.embeds else None
    return shape.to_records(selection, rows, embedded, omit_nulls=options.omit_nulls)


def _selection(
    catalog: Catalog, obj: ObjectMeta, options: ReadOptions, access: Access
) -> plan.Selection:
    return plan.plan_selection(
        catalog, obj, access=access, depth=options.depth, fields=options.fields
    )


# ---- writes ------------------------------------------------------------------------------


async def _returning(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    statement_sql: str,
    params: Sequence[Any],
    options: ReadOptions,
    access: Access,
) -> list[dict[str, Any]]:
    selection = _selection(catalog, obj, options, access)
    full = f"{statement_sql} RETURNING {sql.select_list(selection.columns)}"
    rows = await _fetch(conn, sql.Statement(full, tuple(params)), obj.table_name)
    return await _shape(conn, catalog, selection, rows, options)


def column_types(obj: ObjectMeta) -> dict[str, str]:
    types = {}
    for f in obj.fields:
        for column in handler_for(f.type).columns(f):
            types[column.name] = column.kind.sql_type
    return types


async def create(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    bodies: Sequence[Any],
    *,
    actor: Mapping[str, Any],
    options: ReadOptions,
    access: Access,
    upsert: bool = False,
    upsert_on: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """Insert (or, with `upsert`, insert-or-update) every record in one statement per shape.

    Records come back in input order. An upsert matches on `id`, or on the unique field
    `upsert_on` names (a composite stands for its unique sub-field: `emails` is
    `emails.primaryEmail`); soft-deleted records never match. Creating (and upserting) needs
    the object's update flag, and every key of every body must be a field the role may write.
    Events: `created`, or for an upsert `created`/`updated` as it happened (Note
    [transactional outbox]).
    """
    access.require(obj, Action.UPDATE)
    rows = writes.create_rows(obj, bodies, actor=actor, access=access)
    if not upsert:
        created = await _insert(conn, catalog, obj, rows, options, access, conflict=None)
        await outbox.record(conn, catalog, obj, "created", created)
        return created
    key = upsert_on or ("id",)
    column = _upsert_column(catalog, obj, key, access)
    _refuse_repeated_keys(rows, column, ".".join(key))
    # Note [upsert lock order]: keys locked in one order, rows sent sorted by key.
    values = [row.values.get(column.name) for row in rows]
    await locks.key_locks(conn, f"{catalog.schema}.{obj.table_name}.{column.name}", values)
    order = sorted(range(len(rows)), key=lambda i: str(values[i]))
    before = await outbox.lock_upsert_targets(conn, catalog, obj, column, values)
    # Records that set different fields are upserted separately, so that a field one record
    # leaves out is never overwritten with its default.
    groups: dict[frozenset[str], list[int]] = {}
    for index in order:
        groups.setdefault(rows[index].provided, []).append(index)
    results: list[dict[str, Any]] = [{} for _ in rows]
    for provided, indexes in groups.items():
        group = [rows[i] for i in indexes]
        records = await _insert(
            conn, catalog, obj, group, options, access, conflict=(column, provided)
        )
        if len(records) != len(group):
            raise _soft_deleted_conflict(obj, group, records)
        for index, record in zip(indexes, records, strict=True):
            results[index] = record
    await outbox.record_upsert(conn, catalog, obj, results, before)
    return results


def _upsert_column(
    catalog: Catalog, obj: ObjectMeta, path: tuple[str, ...], access: Access
) -> Column:
    """The column an upsert matches on: `id`, or the column a unique field is unique on (a
    field the role may read: matching on it would tell whether a value exists)."""
    field = obj.field_named(path[0])
    if field is not None and len(path) == 1 and handler_for(field.type).is_composite:
        path = (path[0], ddl.unique_column(field).sub_field or "")
    ref = resolve_column(catalog, obj, path, context="upsert_on", access=access, allow_hop=False)
    if ref.column == "id":
        return Column("id", ScalarKind.UUID, None)
    unique = ddl.unique_column(ref.field) if ref.field.is_unique else None
    if unique is None or unique.name != ref.column:
        hint = None
        if unique is not None and unique.sub_field is not None:
            hint = f"upsert on '{ref.field.name}.{unique.sub_field}'"
        raise InvalidParameter(
            f"'upsert_on' must name a unique field; '{ref.path}' is not unique",
            hint=hint,
            field=ref.path,
        )
    return unique


def _soft_deleted_conflict(
    obj: ObjectMeta, group: Sequence[writes.RowValues], records: Sequence[dict[str, Any]]
) -> DuplicateEntry:
    """An upsert whose `id` is a soft-deleted record's: updating a record nobody can see would
    answer with a record that stays hidden, so it is refused like any taken id."""
    returned = {record["id"] for record in records}
    missing = (str(row.values["id"]) for row in group if str(row.values["id"]) not in returned)
    hidden = next(missing, "?")
    return DuplicateEntry(
        "A duplicate entry was detected",
        hint=f"record {hidden} is soft-deleted: restore it with "
        f"PATCH /rest/{obj.name_plural}/{hidden}/restore, or destroy it, before upserting",
        field="id",
    )


def _refuse_repeated_keys(rows: Sequence[writes.RowValues], column: Column, key: str) -> None:
    """Two records of one upsert may not match the same record: PostgreSQL cannot update a row
    twice in one statement, and across statements the second would silently win."""
    seen: dict[Any, int] = {}
    for index, row in enumerate(rows):
        value = row.values.get(column.name)
        if value is None or value == "":
            continue
        if value in seen:
            raise DuplicateEntry(
                "A duplicate entry was detected",
                hint=f"records {seen[value]} and {index} both upsert on {key} = '{value}'",
                field=key,
            )
        seen[value] = index


async def _insert(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    rows: Sequence[writes.RowValues],
    options: ReadOptions,
    access: Access,
    *,
    conflict: tuple[Column, frozenset[str]] | None,
) -> list[dict[str, Any]]:
    columns = list(rows[0].values)
    params = sql.Params()
    statement = (
        f"INSERT INTO {sql.table(catalog.schema, obj.table_name)} AS t "
        f"({', '.join(ident(c) for c in columns)}) {_unnested(obj, columns, rows, params)}"
    )
    if conflict is not None:
        column, provided = conflict
        updates = [c for c in columns if c in provided and c not in ("id", "createdAt")]
        # The index predicate follows the parenthesised target, as PostgreSQL's grammar has it.
        target = f"({ident(column.name)})"
        if column.name != "id":
            target += f" WHERE {ddl.unique_predicate(column)}"
        sets = [f"{ident(c)} = EXCLUDED.{ident(c)}" for c in updates]
        sets.append('"updatedAt" = EXCLUDED."updatedAt"')
        # A soft-deleted row can only conflict on `id` (unique indexes skip them); it is left
        # alone and missing from RETURNING, which `create` reports.
        statement += (
            f' ON CONFLICT {target} DO UPDATE SET {", ".join(sets)} WHERE t."deletedAt" IS NULL'
        )
    return await _returning(conn, catalog, obj, statement, params.values, options, access)


def _unnested(
    obj: ObjectMeta, columns: Sequence[str], rows: Sequence[writes.RowValues], params: sql.Params
) -> str:
    """The rows to insert as a SELECT over one array parameter per column.

    Note [inserts by column]: a 60-record batch of a 40-column object as `VALUES (…), (…)` is
    2,400 parameters, each encoded and bound on its own and each a node PostgreSQL parses and
    plans; as `unnest($1::uuid[], $2::text[], …) WITH ORDINALITY` it is one parameter per
    column and a statement text that does not grow with the batch (bench: batch-create cost
    per request down by about a quarter). Arrays of arrays cannot be ragged in PostgreSQL, so a
    list column (text[]) travels as its JSON text, and a jsonb column as text, each cast back
    in the SELECT. The rows are inserted in input order (`ORDER BY` the ordinality), which is
    the order RETURNING gives them back in.
    """
    types = column_types(obj)
    arrays, outputs = [], []
    for i, column in enumerate(columns):
        values = [row.values.get(column) for row in rows]
        sql_type, name = types[column], f"u.c{i}"
        if sql_type == "jsonb":
            texts = [None if v is None else encoding.dumps(v).decode() for v in values]
            arrays.append(params.add(texts, "text[]"))
            outputs.append(f"{name}::jsonb")
        elif sql_type.endswith("[]"):
            texts = [None if v is None else encoding.dumps(list(v)).decode() for v in values]
            arrays.append(params.add(texts, "text[]"))
            elements = f"jsonb_array_elements_text({name}::jsonb) WITH ORDINALITY AS a(e, n)"
            outputs.append(
                f"CASE WHEN {name} IS NULL THEN NULL "
                f"ELSE ARRAY(SELECT a.e FROM {elements} ORDER BY a.n)::{sql_type} END"
            )
        else:
            arrays.append(params.add(values, f"{sql_type}[]"))
            outputs.append(name)
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    return (
        f"SELECT {', '.join(outputs)} FROM unnest({', '.join(arrays)}) "
        f"WITH ORDINALITY AS u({names}, ord) ORDER BY u.ord"
    )


def _required_filter(node: ast.Filter | None, operation: str) -> None:
    if node is None or (isinstance(node, (ast.And, ast.Or)) and not node.children):
        raise MissingFilter(f"Filters are mandatory for bulk {operation} operations")


async def update(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    body: Any,
    *,
    record_id: UUID | None = None,
    filter: ast.Filter | None = None,
    options: ReadOptions,
    access: Access,
    max_records: int | None = None,
) -> list[dict[str, Any]]:
    """Update one record by id (404 if absent) or every record matching a mandatory filter."""
    access.require(obj, Action.UPDATE)
    if record_id is None:
        _required_filter(filter, "update")
    values = writes.update_values(obj, body, access=access)
    types = column_types(obj)
    params = sql.Params()
    where = _target_where(
        catalog, obj, params, record_id=record_id, filter=filter, access=access, cap=max_records
    )
    before = await outbox.lock_before(conn, catalog, obj, ("updated",), where, params.values)
    sets = [f"{ident(c)} = {params.add(v, types[c])}" for c, v in values.items()]
    statement = (
        f"UPDATE {sql.table(catalog.schema, obj.table_name)} AS t SET {', '.join(sets)} "
        f"WHERE {where}"
    )
    records = await _returning(conn, catalog, obj, statement, params.values, options, access)
    _written(records, record_id, max_records, "update")
    await outbox.record(conn, catalog, obj, "updated", records, before)
    return records


def _written(
    records: list[dict[str, Any]], record_id: UUID | None, cap: int | None, operation: str
) -> list[dict[str, Any]]:
    """The records a write touched: one by id (404 when absent), or at most `cap` by filter."""
    if record_id is None:
        bounds.check_affected(len(records), cap, operation)
    elif not records:
        raise RecordNotFound("Record not found", id=str(record_id))
    return records


def _target_where(
    catalog: Catalog,
    obj: ObjectMeta,
    params: sql.Params,
    *,
    record_id: UUID | None,
    filter: ast.Filter | None,
    access: Access,
    deleted: bool | None = False,
    cap: int | None = None,
) -> str:
    """Rows an id or a filter names; `deleted` False/True/None = live/soft-deleted/either.
    With `cap`, a filter names at most `cap + 1` rows (bounds.check_affected refuses more)."""
    parts = []
    if record_id is not None:
        parts.append(f't."id" = {params.add(record_id, "uuid")}')
    if filter is not None:
        predicate = plan.plan_filter(catalog, obj, filter, access=access)
        if predicate is not None:
            parts.append(sql.predicate_sql(catalog.schema, predicate, params))
        if deleted is False and ast.mentions_field(filter, "deletedAt"):
            deleted = None
    if deleted is True:
        parts.append('t."deletedAt" IS NOT NULL')
    elif deleted is False:
        parts.append('t."deletedAt" IS NULL')
    where = " AND ".join(parts) or "true"
    if cap is not None and record_id is None:
        return bounds.capped(where, sql.table(catalog.schema, obj.table_name), cap)
    return where


async def delete(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    *,
    soft: bool,
    record_id: UUID | None = None,
    filter: ast.Filter | None = None,
    options: ReadOptions,
    access: Access,
    max_records: int | None = None,
) -> list[dict[str, Any]]:
    """Soft delete (set deletedAt) or destroy, one by id (404 if absent) or many by filter."""
    access.require(obj, Action.SOFT_DELETE if soft else Action.DESTROY)
    if record_id is None:
        _required_filter(filter, "delete" if soft else "destroy")
    params = sql.Params()
    table = sql.table(catalog.schema, obj.table_name)
    before = None
    if soft:
        where = _target_where(
            catalog, obj, params, record_id=record_id, filter=filter, access=access, cap=max_records
        )
        statement = (
            f'UPDATE {table} AS t SET "deletedAt" = now(), "updatedAt" = now() WHERE {where}'
        )
    else:
        where = _target_where(
            catalog,
            obj,
            params,
            record_id=record_id,
            filter=filter,
            access=access,
            deleted=None if record_id is not None else False,
            cap=max_records,
        )
        before = await outbox.lock_before(conn, catalog, obj, ("destroyed",), where, params.values)
        statement = f"DELETE FROM {table} AS t WHERE {where}"
    records = await _returning(conn, catalog, obj, statement, params.values, options, access)
    _written(records, record_id, max_records, "delete" if soft else "destroy")
    await outbox.record(conn, catalog, obj, "deleted" if soft else "destroyed", records, before)
    return records


async def restore(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    *,
    record_id: UUID | None = None,
    filter: ast.Filter | None = None,
    options: ReadOptions,
    access: Access,
    max_records: int | None = None,
) -> list[dict[str, Any]]:
    """Undo soft deletes: a write, and the inverse of a soft delete, so both flags are needed
    (Note [permission rules])."""
    access.require(obj, Action.UPDATE)
    access.require(obj, Action.SOFT_DELETE)
    if record_id is None:
        _required_filter(filter, "restore")
    params = sql.Params()
    where = _target_where(
        catalog,
        obj,
        params,
        record_id=record_id,
        filter=filter,
        access=access,
        deleted=True,
        cap=max_records,
    )
    statement = (
        f"UPDATE {sql.table(catalog.schema, obj.table_name)} AS t "
        f'SET "deletedAt" = NULL, "updatedAt" = now() WHERE {where}'
    )
    records = await _returning(conn, catalog, obj, statement, params.values, options, access)
    _written(records, record_id, max_records, "restore")
    await outbox.record(conn, catalog, obj, "restored", records)
    return records
