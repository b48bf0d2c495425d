"""Aggregates over the records a filter selects: Twenty's keys, computed in one SQL statement.

Every non-relation field `x` offers `countUniqueValuesX`, `countEmptyX`, `countNotEmptyX`,
`percentageEmptyX`, `percentageNotEmptyX`; NUMBER adds `min/max/avg/sumX`; CURRENCY adds
`min/max/avg/sumXAmountMicros`; DATE and DATE_TIME add `minX`/`maxX`; BOOLEAN adds
`countTrueX`/`countFalseX`; and `totalCount` counts the records. Only the keys asked for are
computed, each as one column of one statement (or one statement grouped by parent, for the
one-to-many connections of a page).

Note [aggregate emptiness]: as Twenty, a value is empty when its sub-columns concatenate to ''
(NULL and '' alike; a composite is empty when all the sub-fields Twenty considers are); array
columns are empty when they hold no element. On no records at all, every aggregate but
`totalCount` is NULL, and percentages are fractions between 0 and 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.catalog.access import Access, Action
from app.db.sqltext import ident, qualified
from app.errors import InvalidParameter
from app.metadata.enums import FieldType
from app.metadata.field_types import ScalarKind, column_name, dump_scalar, handler_for
from app.metadata.field_types.kinds import json_sql
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import plan, sql


class AggregateOp(StrEnum):
    COUNT = "COUNT"
    COUNT_UNIQUE_VALUES = "COUNT_UNIQUE_VALUES"
    COUNT_EMPTY = "COUNT_EMPTY"
    COUNT_NOT_EMPTY = "COUNT_NOT_EMPTY"
    PERCENTAGE_EMPTY = "PERCENTAGE_EMPTY"
    PERCENTAGE_NOT_EMPTY = "PERCENTAGE_NOT_EMPTY"
    COUNT_TRUE = "COUNT_TRUE"
    COUNT_FALSE = "COUNT_FALSE"
    MIN = "MIN"
    MAX = "MAX"
    AVG = "AVG"
    SUM = "SUM"


class ResultType(StrEnum):
    """What an aggregate returns: a count, a number, or a date-time."""

    INT = "INT"
    FLOAT = "FLOAT"
    DATE_TIME = "DATE_TIME"


@dataclass(frozen=True, slots=True)
class Aggregate:
    key: str
    op: AggregateOp
    result: ResultType
    description: str
    columns: tuple[tuple[str, ScalarKind], ...] = ()  # what emptiness and counts look at
    value_column: tuple[str, ScalarKind] | None = None  # what min/max/avg/sum/countTrue read
    field: str | None = None  # the field it reads (None: totalCount)


# Twenty's getSubfieldsForAggregateOperation: the sub-fields a composite's emptiness considers.
_AGGREGATED_SUB_FIELDS: dict[FieldType, tuple[str, ...]] = {
    FieldType.CURRENCY: ("amountMicros", "currencyCode"),
    FieldType.FULL_NAME: ("firstName", "lastName"),
    FieldType.ADDRESS: (
        "addressStreet1",
        "addressStreet2",
        "addressCity",
        "addressPostcode",
        "addressState",
        "addressCountry",
        "addressLat",
        "addressLng",
    ),
    FieldType.LINKS: ("primaryLinkUrl",),
    FieldType.ACTOR: ("workspaceMemberId", "source"),
    FieldType.EMAILS: ("primaryEmail",),
    FieldType.PHONES: ("primaryPhoneNumber", "primaryPhoneCountryCode", "primaryPhoneCallingCode"),
    FieldType.RICH_TEXT_V2: ("blocknote", "markdown"),
}

_INT, _FLOAT = ResultType.INT, ResultType.FLOAT
_COUNTS = (
    ("countUniqueValues", AggregateOp.COUNT_UNIQUE_VALUES, _INT, "Number of unique values"),
    ("countEmpty", AggregateOp.COUNT_EMPTY, _INT, "Number of empty values"),
    ("countNotEmpty", AggregateOp.COUNT_NOT_EMPTY, _INT, "Number of non-empty values"),
    ("percentageEmpty", AggregateOp.PERCENTAGE_EMPTY, _FLOAT, "Percentage of empty values"),
    (
        "percentageNotEmpty",
        AggregateOp.PERCENTAGE_NOT_EMPTY,
        _FLOAT,
        "Percentage of non-empty values",
    ),
)
_NUMERIC = (
    ("min", AggregateOp.MIN, "Minimum amount contained in the field"),
    ("max", AggregateOp.MAX, "Maximum amount contained in the field"),
    ("avg", AggregateOp.AVG, "Average amount contained in the field"),
    ("sum", AggregateOp.SUM, "Sum of amounts contained in the field"),
)

TOTAL_COUNT = Aggregate(
    "totalCount", AggregateOp.COUNT, ResultType.INT, "Total number of records in the connection"
)


def _capitalize(name: str) -> str:
    return name[:1].upper() + name[1:]


def _columns(field: FieldMeta) -> tuple[tuple[str, ScalarKind], ...]:
    handler = handler_for(field.type)
    wanted = _AGGREGATED_SUB_FIELDS.get(field.type)
    return tuple(
        (column.name, column.kind)
        for column in handler.columns(field)
        if wanted is None or column.sub_field in wanted
    )


def _field_aggregates(field: FieldMeta) -> list[Aggregate]:
    name = _capitalize(field.name)
    columns = _columns(field)
    out = [
        Aggregate(
            f"{prefix}{name}", op, result, f"{text} for {field.name}", columns, field=field.name
        )
        for prefix, op, result, text in _COUNTS
    ]
    if field.type in (FieldType.DATE, FieldType.DATE_TIME):
        value = columns[0]
        out.append(
            Aggregate(
                f"min{name}",
                AggregateOp.MIN,
                ResultType.DATE_TIME,
                f"Earliest date contained in the field {field.name}",
                value_column=value,
                field=field.name,
            )
        )
        out.append(
            Aggregate(
                f"max{name}",
                AggregateOp.MAX,
                ResultType.DATE_TIME,
                f"Latest date contained in the field {field.name}",
                value_column=value,
                field=field.name,
            )
        )
    elif field.type is FieldType.BOOLEAN:
        value = columns[0]
        out.append(
            Aggregate(
                f"countTrue{name}",
                AggregateOp.COUNT_TRUE,
                ResultType.INT,
                f"Count of true values in the field {field.name}",
                value_column=value,
                field=field.name,
            )
        )
        out.append(
            Aggregate(
                f"countFalse{name}",
                AggregateOp.COUNT_FALSE,
                ResultType.INT,
                f"Count of false values in the field {field.name}",
                value_column=value,
                field=field.name,
            )
        )
    elif field.type in (FieldType.NUMBER, FieldType.CURRENCY):
        suffix = "AmountMicros" if field.type is FieldType.CURRENCY else ""
        value = (
            (column_name(field.name, "amountMicros"), ScalarKind.NUMERIC)
            if field.type is FieldType.CURRENCY
            else columns[0]
        )
        out.extend(
            Aggregate(
                f"{prefix}{name}{suffix}",
                op,
                ResultType.FLOAT,
                f"{text} {field.name}",
                value_column=value,
                field=field.name,
            )
            for prefix, op, text in _NUMERIC
        )
    return out


def available(obj: ObjectMeta) -> dict[str, Aggregate]:
    """Every aggregate `obj` offers, by key, in Twenty's order (totalCount first)."""
    out = {TOTAL_COUNT.key: TOTAL_COUNT}
    for field in obj.fields:
        if field.is_active and field.type is not FieldType.RELATION:
            for aggregate in _field_aggregates(field):
                out[aggregate.key] = aggregate
    return out


def pick(obj: ObjectMeta, keys: Sequence[str], *, access: Access) -> list[Aggregate]:
    """The aggregates named by `keys`, in that order; an unknown key is refused by name, and
    so is one over a field the role may not read (PERMISSION_DENIED naming the field)."""
    access.require(obj, Action.READ)
    offered = available(obj)
    chosen = []
    for key in dict.fromkeys(keys):
        aggregate = offered.get(key)
        if aggregate is None:
            raise InvalidParameter(
                f"Unknown aggregate '{key}' on object '{obj.name_singular}'", field=key
            )
        field = obj.field_named(aggregate.field) if aggregate.field else None
        if field is not None:
            access.require_read_field(obj, field)
        chosen.append(aggregate)
    return chosen


# ---- SQL -----------------------------------------------------------------------------------


def _value(columns: Sequence[tuple[str, ScalarKind]], alias: str) -> str:
    """The value emptiness is judged on (Note [aggregate emptiness]); NULL when empty."""
    parts = []
    for name, kind in columns:
        column = f"{alias}.{ident(name)}"
        if kind in (ScalarKind.TEXT_ARRAY, ScalarKind.MULTI_SELECT):
            column = f"array_to_string({column}, ',')"
        parts.append(column)
    return f"NULLIF(CONCAT({', '.join(parts)}), '')"


def expression(aggregate: Aggregate, alias: str = "t") -> str:
    """The SQL expression of one aggregate over the rows of `alias`."""
    op = aggregate.op
    if op is AggregateOp.COUNT:
        return "count(*)"
    if aggregate.value_column is not None:
        column = f"{alias}.{ident(aggregate.value_column[0])}"
        if op is AggregateOp.COUNT_TRUE:
            return f"CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE {column}) END"
        if op is AggregateOp.COUNT_FALSE:
            return f"CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE NOT {column}) END"
        if op in (AggregateOp.SUM, AggregateOp.AVG):
            # Exact arithmetic: a sum of doubles overflows (an error) long before a numeric.
            return f"{op.value.lower()}({column}::numeric)"
        return f"{op.value.lower()}({column})"
    value = _value(aggregate.columns, alias)
    body = {
        AggregateOp.COUNT_UNIQUE_VALUES: f"count(DISTINCT {value})",
        AggregateOp.COUNT_EMPTY: f"count(*) - count({value})",
        AggregateOp.COUNT_NOT_EMPTY: f"count({value})",
        AggregateOp.PERCENTAGE_EMPTY: f"(count(*) - count({value}))::numeric / count(*)",
        AggregateOp.PERCENTAGE_NOT_EMPTY: f"count({value})::numeric / count(*)",
    }[op]
    return f"CASE WHEN count(*) = 0 THEN NULL ELSE {body} END"


def json_expression(aggregate: Aggregate, alias: str) -> str:
    """`expression` as its API value, for PostgreSQL's JSON builders: what `values` makes of a
    result row, built in the database (Note [JSON built in PostgreSQL])."""
    value = expression(aggregate, alias)
    if aggregate.result is ResultType.FLOAT:
        return f"({value})::float8"
    if aggregate.result is ResultType.DATE_TIME:
        assert aggregate.value_column is not None
        return json_sql(aggregate.value_column[1], f"({value})")
    return value


def render(
    schema: str,
    obj: ObjectMeta,
    aggregates: Sequence[Aggregate],
    where: plan.Predicate | None,
    *,
    with_deleted: bool,
    parent: tuple[str, Sequence[Any]] | None = None,
) -> sql.Statement:
    """One statement computing `aggregates` as columns `__a0`, `__a1`, …; with `parent`
    (a join column and the parent ids) one row per parent, keyed `__parent`."""
    params = sql.Params()
    conditions = sql.where_sql(schema, where, with_deleted, params)
    outputs = [f'{expression(a)} AS "__a{i}"' for i, a in enumerate(aggregates)]
    group = ""
    if parent is not None:
        column, ids = parent
        conditions.insert(0, f"t.{ident(column)} = ANY({params.add(list(ids), 'uuid[]')})")
        outputs.insert(0, f't.{ident(column)} AS "__parent"')
        group = f" GROUP BY t.{ident(column)}"
    text = f"SELECT {', '.join(outputs)} FROM {qualified(schema, obj.table_name)} t"
    if conditions:
        text += " WHERE " + " AND ".join(conditions)
    return sql.Statement(text + group, tuple(params.values))


def values(aggregates: Sequence[Aggregate], row: Mapping[str, Any] | None) -> dict[str, Any]:
    """The API values of one result row (None: the empty set, where only counts are 0)."""
    out: dict[str, Any] = {}
    for i, aggregate in enumerate(aggregates):
        raw = row[f"__a{i}"] if row is not None else None
        if row is None and aggregate.op is AggregateOp.COUNT:
            raw = 0
        out[aggregate.key] = _convert(aggregate, raw)
    return out


def _convert(aggregate: Aggregate, raw: Any) -> Any:
    if raw is None:
        return None
    if aggregate.result is ResultType.INT:
        return int(raw)
    if aggregate.result is ResultType.DATE_TIME:
        assert aggregate.value_column is not None
        return dump_scalar(aggregate.value_column[1], raw)
    if isinstance(raw, Decimal):
        if abs(raw) >= 10**15:
            return raw  # exact (Note [exact numbers]); GraphQL's Float rounds it itself
        return int(raw) if raw == raw.to_integral_value() else float(raw)
    return dump_scalar(ScalarKind.FLOAT, raw)
