"""Root resolvers: every core operation, through the same query engine as REST.

Each root field reads its selection into a read tree, runs on its own pooled connection (a
mutation in its own transaction, so it is all-or-nothing), and hands back records or pages
that the output types' resolvers shape. The same rules as REST hold: soft-deleted records stay
hidden unless a filter names `deletedAt`; `createdBy` is stamped from the API key; a batch
larger than the configured maximum is refused; bulk writes need a non-empty filter; and the
engine applies the key's role (`context.access`): a selection naming a field, relation or
aggregate the role may not read is FORBIDDEN (one schema per workspace serves every role, as
Twenty's does; the selection, not the schema, is checked), before any write runs.

Resolver parameters are the GraphQL arguments under their GraphQL names (`upsertOn`,
`conflictPriorityIndex`), as graphql-core passes them.

Note [write results]: a write returns the columns the selection needs (`nested.write_paths`)
and `nested.attach` then reads the relations the client asked for, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLResolveInfo, get_named_type

from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.db.database import Database
from app.errors import MissingFilter, TooManyRecords
from app.graphql.core import arguments
from app.graphql.core.selection import SelectionReader
from app.metadata.model import ObjectMeta
from app.query import ast, duplicates, engine, merge, nested
from app.query import group_by as grouping
from app.query.actors import api_key_actor
from app.query.json_sql import Limits
from app.query.reader import read_objects
from app.query.tree import ConnectionRead, Page, RecordRead


@dataclass(frozen=True, slots=True)
class CoreContext:
    """What every resolver of one request needs."""

    db: Database
    catalog: Catalog
    access: Access  # what the key's role may do (app.catalog.access)
    actor_name: str
    limits: Limits
    batch_max_records: int
    mutation_max_records: int | None = None  # a bulk write by filter touches at most this many


Records = list[dict[str, Any]]


def _context(info: GraphQLResolveInfo) -> CoreContext:
    context: CoreContext = info.context
    return context


def _record_read(obj: ObjectMeta, info: GraphQLResolveInfo) -> RecordRead:
    record_type = get_named_type(info.return_type)
    assert isinstance(record_type, GraphQLObjectType)
    reader = SelectionReader.of(info, _context(info).catalog)
    return reader.record(obj, record_type, info.field_nodes)


def _filter(info: GraphQLResolveInfo, value: Any) -> ast.Filter | None:
    argument = info.parent_type.fields[info.field_name].args["filter"]
    filter_type = get_named_type(argument.type)
    assert isinstance(filter_type, GraphQLInputObjectType)
    return arguments.to_filter(value, filter_type)


def _non_empty(node: ast.Filter | None) -> ast.Filter:
    """Twenty's guard on bulk writes (spec §1.6): `{}` would touch every record."""
    if node is None or arguments.is_empty(node):
        raise MissingFilter("A non-empty filter is required")
    return node


# ---- reads ---------------------------------------------------------------------------------


async def find_many(obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, **args: Any) -> Page:
    context = _context(info)
    connection_type = get_named_type(info.return_type)
    assert isinstance(connection_type, GraphQLObjectType)
    field = info.parent_type.fields[info.field_name]
    reader = SelectionReader.of(info, context.catalog)
    read = reader.connection(obj, connection_type, info.field_nodes, args, field.args)
    async with context.db.connection() as conn:
        return await read_objects(
            conn, context.catalog, obj, read, access=context.access, limits=context.limits
        )


async def find_one(
    obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, filter: Any
) -> dict[str, Any] | None:
    """The first record the filter matches, or null (Twenty has no `id` argument here)."""
    context = _context(info)
    read = ConnectionRead(filter=_filter(info, filter), first=1, records=_record_read(obj, info))
    async with context.db.connection() as conn:
        page = await read_objects(
            conn, context.catalog, obj, read, access=context.access, limits=context.limits
        )
    return page.records[0] if page.records else None


async def find_duplicates(
    obj: ObjectMeta,
    _root: Any,
    info: GraphQLResolveInfo,
    ids: list[str] | None = None,
    data: list[Any] | None = None,
) -> list[Page]:
    context = _context(info)
    if len(data or ids or ()) > context.batch_max_records:  # before parsing a single id
        maximum = context.batch_max_records
        raise TooManyRecords(f"Maximum number of records to find duplicates of is {maximum}.")
    connection_type = get_named_type(info.return_type)
    assert isinstance(connection_type, GraphQLObjectType)
    request = SelectionReader.of(info, context.catalog).connection(
        obj, connection_type, info.field_nodes, {}
    )
    read = request.records or RecordRead(obj, ())
    nested.authorize(context.catalog, read, context.access)
    options = engine.ReadOptions(fields=nested.write_paths(read))
    async with context.db.connection() as conn:
        found = await duplicates.find_duplicates(
            conn,
            context.catalog,
            obj,
            data=data,
            ids=[UUID(i) for i in ids[: context.batch_max_records + 1]]
            if ids is not None
            else None,
            options=options,
            access=context.access,
            max_inputs=context.batch_max_records,
        )
        everyone = [record for _, records in found for record in records]
        await nested.attach(
            conn, context.catalog, read, everyone, context.limits, access=context.access
        )
    return [
        Page(records, [None] * len(records), aggregates={"totalCount": total})
        for total, records in found
    ]


async def group_by(
    obj: ObjectMeta,
    _root: Any,
    info: GraphQLResolveInfo,
    groupBy: list[Any],
    filter: Any = None,
    orderBy: list[Any] | None = None,
    orderByForRecords: list[Any] | None = None,
    viewId: str | None = None,
    limit: int | None = None,
) -> list[Page]:
    """One page per group: its dimension values and the aggregates selected, and, when
    `edges` are selected, a sample of its records (app.query.group_by). `viewId` is accepted
    for Twenty's clients; views are not applied."""
    context = _context(info)
    connection_type = get_named_type(info.return_type)
    assert isinstance(connection_type, GraphQLObjectType)
    request = SelectionReader.of(info, context.catalog).connection(
        obj, connection_type, info.field_nodes, {}
    )
    read = request.records
    if read is not None:
        nested.authorize(context.catalog, read, context.access)
    options = engine.ReadOptions(fields=nested.write_paths(read)) if read else engine.ReadOptions()
    size = context.limits.default if limit is None else limit
    async with context.db.connection() as conn:
        groups = await grouping.group_by(
            conn,
            context.catalog,
            obj,
            dimensions_spec=groupBy,
            aggregate_keys=request.aggregates,
            filter=_filter(info, filter),
            order_spec=orderBy,
            records_order=arguments.to_order_by(orderByForRecords),
            include_records=read is not None,
            limit=max(0, min(size, context.limits.maximum)),
            options=options,
            access=context.access,
        )
        if read is not None:
            samples = [record for group in groups for record in group.get("records", [])]
            await nested.attach(
                conn, context.catalog, read, samples, context.limits, access=context.access
            )
    pages = []
    for group in groups:
        records = group.pop("records", [])
        pages.append(Page(records, [None] * len(records), aggregates=group))
    return pages


# ---- writes --------------------------------------------------------------------------------

Write = Callable[[asyncpg.Connection, engine.ReadOptions], Awaitable[Records]]


async def _write(obj: ObjectMeta, info: GraphQLResolveInfo, run: Write) -> Records:
    """Run one write in its own transaction and read what the selection needs (Note [write
    results]). A selection the role may not read is refused before the write runs; the write
    itself checks the object's flag and the fields it sets."""
    context = _context(info)
    read = _record_read(obj, info)
    nested.authorize(context.catalog, read, context.access)
    options = engine.ReadOptions(fields=nested.write_paths(read))
    async with context.db.transaction() as conn:
        records = await run(conn, options)
        await nested.attach(
            conn, context.catalog, read, records, context.limits, access=context.access
        )
    return records


async def create_many(
    obj: ObjectMeta,
    _root: Any,
    info: GraphQLResolveInfo,
    data: list[Any],
    upsert: bool | None = None,
    upsertOn: str | None = None,
) -> Records:
    context = _context(info)
    if len(data) > context.batch_max_records:
        raise TooManyRecords(f"Maximum number of records to upsert is {context.batch_max_records}.")
    if not data:
        return []

    async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
        return await engine.create(
            conn,
            context.catalog,
            obj,
            data,
            actor=api_key_actor(context.actor_name),
            options=options,
            access=context.access,
            upsert=bool(upsert),
            upsert_on=arguments.upsert_path(upsertOn),
        )

    return await _write(obj, info, run)


async def create_one(
    obj: ObjectMeta,
    root: Any,
    info: GraphQLResolveInfo,
    data: Any,
    upsert: bool | None = None,
    upsertOn: str | None = None,
) -> dict[str, Any]:
    records = await create_many(obj, root, info, [data], upsert=upsert, upsertOn=upsertOn)
    return records[0]


async def update_one(
    obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, id: str, data: Any
) -> dict[str, Any]:
    context = _context(info)

    async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
        return await engine.update(
            conn,
            context.catalog,
            obj,
            data,
            record_id=UUID(id),
            options=options,
            access=context.access,
        )

    return (await _write(obj, info, run))[0]


async def update_many(
    obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, data: Any, filter: Any
) -> Records:
    context = _context(info)
    node = _non_empty(_filter(info, filter))

    async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
        return await engine.update(
            conn,
            context.catalog,
            obj,
            data,
            filter=node,
            options=options,
            access=context.access,
            max_records=context.mutation_max_records,
        )

    return await _write(obj, info, run)


def _delete_by_id(soft: bool) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def resolve(
        obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, id: str
    ) -> dict[str, Any]:
        context = _context(info)

        async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
            return await engine.delete(
                conn,
                context.catalog,
                obj,
                soft=soft,
                record_id=UUID(id),
                options=options,
                access=context.access,
            )

        return (await _write(obj, info, run))[0]

    return resolve


def _delete_by_filter(soft: bool) -> Callable[..., Awaitable[Records]]:
    async def resolve(
        obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, filter: Any
    ) -> Records:
        context = _context(info)
        node = _non_empty(_filter(info, filter))

        async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
            return await engine.delete(
                conn,
                context.catalog,
                obj,
                soft=soft,
                filter=node,
                options=options,
                access=context.access,
                max_records=context.mutation_max_records,
            )

        return await _write(obj, info, run)

    return resolve


delete_one = _delete_by_id(soft=True)
destroy_one = _delete_by_id(soft=False)
delete_many = _delete_by_filter(soft=True)
destroy_many = _delete_by_filter(soft=False)


async def restore_one(
    obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, id: str
) -> dict[str, Any]:
    context = _context(info)

    async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
        return await engine.restore(
            conn, context.catalog, obj, record_id=UUID(id), options=options, access=context.access
        )

    return (await _write(obj, info, run))[0]


async def restore_many(
    obj: ObjectMeta, _root: Any, info: GraphQLResolveInfo, filter: Any
) -> Records:
    context = _context(info)
    node = _non_empty(_filter(info, filter))

    async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
        return await engine.restore(
            conn,
            context.catalog,
            obj,
            filter=node,
            options=options,
            access=context.access,
            max_records=context.mutation_max_records,
        )

    return await _write(obj, info, run)


async def merge_many(
    obj: ObjectMeta,
    _root: Any,
    info: GraphQLResolveInfo,
    ids: list[str],
    conflictPriorityIndex: int,
    dryRun: bool | None = None,
) -> dict[str, Any]:
    context = _context(info)
    merge.check_count(len(ids))

    async def run(conn: asyncpg.Connection, options: engine.ReadOptions) -> Records:
        record = await merge.merge_records(
            conn,
            context.catalog,
            obj,
            ids=[UUID(i) for i in ids],
            priority=conflictPriorityIndex,
            dry_run=bool(dryRun),
            options=options,
            access=context.access,
        )
        return [record]

    return (await _write(obj, info, run))[0]
