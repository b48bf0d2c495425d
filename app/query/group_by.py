"""Group by: records bucketed by field values (dates by granularity), with aggregates per
group and, on request, a sample of each group's records — two statements in all.

    dimensions   [{"stage": true}, {"closeDate": {"granularity": "DAY_OF_THE_WEEK"}},
                  {"amount": {"currencyCode": true}}]
    order        [{"stage": "DescNullsLast"}, {"aggregate": {"totalCount": "DescNullsFirst"}},
                  {"closeDate": {"orderBy": "AscNullsFirst", "granularity": "DAY"}}]

Note [group-by numbers]: as Twenty's REST (PostgreSQL numerics through node-postgres), the
min/max/avg/sum aggregates of a group come back as strings ("1000000000000"); counts stay
numbers. `limit` caps both the groups returned and the records sampled per group.

Grouping, ordering or aggregating by a field the role may not read is refused by name
(PERMISSION_DENIED); sampled records show what a find would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.db.sqltext import ident
from app.errors import InvalidParameter
from app.metadata.field_types import ScalarKind, dump_scalar
from app.metadata.model import ObjectMeta
from app.query import aggregate, ast, engine, plan, shape, sql
from app.query.resolve import ColumnRef, resolve_column

GRANULARITIES = (
    "NONE",
    "DAY",
    "WEEK",
    "MONTH",
    "QUARTER",
    "YEAR",
    "DAY_OF_THE_WEEK",
    "MONTH_OF_THE_YEAR",
    "QUARTER_OF_THE_YEAR",
)
_FORMATS = {
    "DAY": ("day", "YYYY-MM-DD"),
    "WEEK": ("week", "YYYY-MM-DD"),
    "MONTH": ("month", "YYYY-MM"),
    "QUARTER": ("quarter", 'YYYY-"Q"Q'),
    "YEAR": ("year", "YYYY"),
    "DAY_OF_THE_WEEK": (None, "FMDay"),
    "MONTH_OF_THE_YEAR": (None, "FMMonth"),
    "QUARTER_OF_THE_YEAR": (None, '"Q"Q'),
}
_DATE_KINDS = (ScalarKind.DATE, ScalarKind.DATE_TIME)


@dataclass(frozen=True, slots=True)
class Dimension:
    ref: ColumnRef
    granularity: str | None

    @property
    def expression(self) -> str:
        column = f"t.{ident(self.ref.column)}"
        if self.granularity is None or self.granularity == "NONE":
            return column
        if self.ref.kind is ScalarKind.DATE_TIME:
            column = f"({column} AT TIME ZONE 'UTC')"
        trunc, pattern = _FORMATS[self.granularity]
        if trunc is not None:
            column = f"date_trunc('{trunc}', {column})"
        return f"to_char({column}, '{pattern}')"

    def dump(self, value: Any) -> Any:
        if self.granularity not in (None, "NONE"):
            return value
        return dump_scalar(self.ref.kind, value)


def _invalid(message: str, parameter: str = "group_by") -> InvalidParameter:
    return InvalidParameter(message, parameter=parameter)


def plan_dimensions(
    catalog: Catalog, obj: ObjectMeta, spec: Any, access: Access
) -> list[Dimension]:
    if not isinstance(spec, list) or not spec:
        raise _invalid("'group_by' must be a non-empty array of objects")
    dimensions = []
    for item in spec:
        if not isinstance(item, dict) or len(item) != 1:
            raise _invalid(f"Invalid group_by item {item!r}: one field per object")
        ((name, value),) = item.items()
        dimensions.append(_dimension(catalog, obj, name, value, access))
    return dimensions


def _dimension(
    catalog: Catalog, obj: ObjectMeta, name: str, value: Any, access: Access
) -> Dimension:
    if value is True:
        return Dimension(
            resolve_column(
                catalog, obj, (name,), context="group_by", access=access, allow_hop=False
            ),
            None,
        )
    if not isinstance(value, dict) or not value:
        raise _invalid(f"Invalid group_by value for '{name}': use true or an object")
    if "granularity" in value:
        ref = resolve_column(
            catalog, obj, (name,), context="group_by", access=access, allow_hop=False
        )
        granularity = value["granularity"]
        if ref.kind not in _DATE_KINDS:
            raise _invalid(f"'{name}' is not a date field: granularity does not apply")
        if granularity not in GRANULARITIES:
            raise _invalid(
                f"Invalid granularity '{granularity}' for '{name}'. "
                f"Allowed values are {', '.join(GRANULARITIES)}"
            )
        return Dimension(ref, granularity)
    ((sub, flag),) = value.items() if len(value) == 1 else ((None, None),)
    if sub is None or flag is not True:
        raise _invalid(
            f"Invalid group_by value for '{name}': name one sub-field, e.g. "
            f'{{"{name}": {{"subField": true}}}}'
        )
    return Dimension(
        resolve_column(
            catalog, obj, (name, sub), context="group_by", access=access, allow_hop=False
        ),
        None,
    )


def _order_sql(
    order_spec: Any,
    dimensions: Sequence[Dimension],
    aggregates: dict[str, aggregate.Aggregate],
    obj: ObjectMeta,
    access: Access,
) -> list[str]:
    if order_spec is None:
        return [f"{d.expression} ASC NULLS FIRST" for d in dimensions]
    if not isinstance(order_spec, list):
        raise _invalid("'order_by' must be an array of objects", "order_by")
    parts = []
    for item in order_spec:
        if not isinstance(item, dict) or len(item) != 1:
            raise _invalid(f"Invalid order_by item {item!r}", "order_by")
        ((name, value),) = item.items()
        if name == "aggregate":
            if not isinstance(value, dict) or len(value) != 1:
                raise _invalid("'aggregate' order takes one aggregate name", "order_by")
            ((key, direction),) = value.items()
            chosen = aggregates.get(key) or aggregate.pick(obj, [key], access=access)[0]
            parts.append(f"{aggregate.expression(chosen)} {_direction(direction)}")
            continue
        granularity = None
        if isinstance(value, dict):
            granularity, value = value.get("granularity"), value.get("orderBy")
        match = next(
            (
                d
                for d in dimensions
                if d.ref.field.name == name
                and (granularity is None or d.granularity == granularity)
            ),
            None,
        )
        if match is None:
            raise _invalid(
                f"Cannot order groups by '{name}': it is not a group_by field", "order_by"
            )
        parts.append(f"{match.expression} {_direction(value)}")
    return parts


def _direction(text: Any) -> str:
    try:
        direction = ast.Direction(text)
    except ValueError:
        raise _invalid(
            f"'order_by' direction '{text}' invalid. Allowed values are "
            + ", ".join(d.value for d in ast.Direction),
            "order_by",
        ) from None
    return (
        f"{'DESC' if direction.descending else 'ASC'} "
        f"NULLS {'FIRST' if direction.nulls_first else 'LAST'}"
    )


def _as_text(chosen: aggregate.Aggregate, value: Any) -> Any:
    """Note [group-by numbers]."""
    numeric = chosen.op in (
        aggregate.AggregateOp.MIN,
        aggregate.AggregateOp.MAX,
        aggregate.AggregateOp.AVG,
        aggregate.AggregateOp.SUM,
    )
    if numeric and value is not None and chosen.result is not aggregate.ResultType.DATE_TIME:
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return value


async def group_by(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    *,
    dimensions_spec: Any,
    aggregate_keys: Sequence[str] | None,
    filter: ast.Filter | None,
    order_spec: Any,
    records_order: Sequence[ast.OrderTerm],
    include_records: bool,
    limit: int,
    options: engine.ReadOptions,
    access: Access,
) -> list[dict[str, Any]]:
    access.require(obj, Action.READ)
    dimensions = plan_dimensions(catalog, obj, dimensions_spec, access)
    chosen = aggregate.pick(obj, list(aggregate_keys or ["totalCount"]), access=access)
    where = plan.plan_filter(catalog, obj, filter, access=access)
    with_deleted = ast.mentions_field(filter, "deletedAt")
    dims = [f'{d.expression} AS "__d{i}"' for i, d in enumerate(dimensions)]
    order = _order_sql(order_spec, dimensions, {a.key: a for a in chosen}, obj, access)

    def groups_sql(outputs: Sequence[str], params: sql.Params) -> str:
        """The groups returned: `outputs` of each, filtered, ordered and limited."""
        conditions = sql.where_sql(catalog.schema, where, with_deleted, params)
        text = f"SELECT {', '.join(outputs)} FROM {sql.table(catalog.schema, obj.table_name)} t"
        if conditions:
            text += " WHERE " + " AND ".join(conditions)
        text += " GROUP BY " + ", ".join(str(i + 1) for i in range(len(dimensions)))
        return text + " ORDER BY " + ", ".join(order) + f" LIMIT {int(limit)}"

    samples_plan = (
        _samples_plan(catalog, obj, records_order, options, access) if include_records else None
    )
    params = sql.Params()
    outputs = dims + [f'{aggregate.expression(a)} AS "__a{i}"' for i, a in enumerate(chosen)]
    rows = await engine.fetch(
        conn, sql.Statement(groups_sql(outputs, params), tuple(params.values)), obj.table_name
    )
    groups = []
    keys = []
    for row in rows:
        key = tuple(row[f"__d{i}"] for i in range(len(dimensions)))
        keys.append(key)
        group: dict[str, Any] = {
            "groupByDimensionValues": [d.dump(v) for d, v in zip(dimensions, key, strict=True)]
        }
        for a, (name, value) in zip(chosen, aggregate.values(chosen, row).items(), strict=True):
            group[name] = _as_text(a, value)
        groups.append(group)
    if samples_plan is not None and groups:
        samples = await _samples(
            conn, catalog, samples_plan, dimensions, where, with_deleted, limit, options, groups_sql
        )
        for key, group in zip(keys, groups, strict=True):
            group["records"] = samples.get(key, [])
    return groups


def _samples_plan(
    catalog: Catalog,
    obj: ObjectMeta,
    records_order: Sequence[ast.OrderTerm],
    options: engine.ReadOptions,
    access: Access,
) -> tuple[plan.Selection, tuple[plan.OrderKey, ...]]:
    """What the sampled records show and how they are ordered (planned, hence checked,
    before the groups are read)."""
    selection = plan.plan_selection(
        catalog, obj, access=access, depth=options.depth, fields=options.fields
    )
    return selection, plan.plan_order(catalog, obj, records_order, access=access)


async def _samples(
    conn: asyncpg.Connection,
    catalog: Catalog,
    planned: tuple[plan.Selection, tuple[plan.OrderKey, ...]],
    dimensions: Sequence[Dimension],
    where: plan.Predicate | None,
    with_deleted: bool,
    limit: int,
    options: engine.ReadOptions,
    groups_sql: Callable[[Sequence[str], sql.Params], str],
) -> Mapping[tuple[Any, ...], list[dict[str, Any]]]:
    """Up to `limit` records of each group returned (and of no other), in one windowed
    statement."""
    selection, order = planned
    obj = selection.obj
    params = sql.Params()
    keys = groups_sql([f'{d.expression} AS "__d{i}"' for i, d in enumerate(dimensions)], params)
    conditions = sql.where_sql(catalog.schema, where, with_deleted, params)
    conditions += [
        f'{d.expression} IS NOT DISTINCT FROM g."__d{i}"' for i, d in enumerate(dimensions)
    ]
    partition = ", ".join(d.expression for d in dimensions)
    dims = ", ".join(f'{d.expression} AS "__d{i}"' for i, d in enumerate(dimensions))
    inner = (
        f"SELECT {sql.select_list(selection.columns)}, {dims}, row_number() OVER "
        f"(PARTITION BY {partition} ORDER BY {sql.order_sql(catalog.schema, order, False)}) "
        f'AS "__rn" FROM {sql.table(catalog.schema, obj.table_name)} t JOIN g ON '
        + " AND ".join(conditions)
    )
    statement = sql.Statement(
        f'WITH g AS ({keys}) SELECT * FROM ({inner}) s WHERE s."__rn" <= {int(limit)} '
        'ORDER BY s."__rn"',
        tuple(params.values),
    )
    rows = await engine.fetch(conn, statement, obj.table_name)
    embedded = await engine.embedded_for(conn, catalog, selection, rows)
    out: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        key = tuple(row[f"__d{i}"] for i in range(len(dimensions)))
        out.setdefault(key, []).append(
            shape.to_record(selection, row, embedded, omit_nulls=options.omit_nulls)
        )
    return out
