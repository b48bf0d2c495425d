"""Plans to SQL text with numbered parameters, for asyncpg. Pure: no I/O, no catalog lookups.

Every identifier goes through `ident` (validated and quoted); every value is a bind parameter
with an explicit cast, so statements are prepared once per shape and values never reach SQL
text. The root table is always aliased `t`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.db.sqltext import ident, qualified
from app.metadata.field_types import ScalarKind
from app.query.plan import AllOf, AnyOf, Condition, NoneOf, OrderKey, Predicate, Selection
from app.query.resolve import ColumnRef

_CMP = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(slots=True)
class Params:
    values: list[Any] = field(default_factory=list)

    def add(self, value: Any, sql_type: str) -> str:
        self.values.append(value)
        return f"${len(self.values)}::{sql_type}"


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    params: tuple[Any, ...]


def table(schema: str, selection_obj_table: str) -> str:
    return qualified(schema, selection_obj_table)


def select_list(columns: Iterable[str], alias: str = "t") -> str:
    return ", ".join(f"{alias}.{ident(c)}" for c in columns)


# ---- expressions -------------------------------------------------------------------------


def column_expr(schema: str, ref: ColumnRef, alias: str = "t") -> str:
    """The column as seen from the root row; through a relation, a correlated sub-select that
    reads a soft-deleted related record as no record (NULL), as filters and embeds do."""
    if ref.hop is None:
        return f"{alias}.{ident(ref.column)}"
    join = ref.hop.field.join_column
    assert join is not None
    return (
        f"(SELECT r.{ident(ref.column)} FROM {qualified(schema, ref.hop.target.table_name)} r "
        f'WHERE r."id" = {alias}.{ident(join)} AND r."deletedAt" IS NULL)'
    )


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def condition_sql(column: str, kind: ScalarKind, op: str, value: Any, params: Params) -> str:
    sql_type = kind.sql_type
    if op == "is":
        return f"{column} IS NULL" if value == "NULL" else f"{column} IS NOT NULL"
    if op in _CMP:
        return f"{column} {_CMP[op]} {params.add(value, sql_type)}"
    if op == "in":
        return f"{column} = ANY({params.add(list(value), sql_type + '[]')})"
    text_column = f"{column}::text" if kind is ScalarKind.JSON else column
    if op == "like":
        return f"{text_column} LIKE {params.add(value, 'text')}"
    if op == "ilike":
        return f"{text_column} ILIKE {params.add(value, 'text')}"
    if op == "startsWith":
        return f"{text_column} LIKE {params.add(_like_escape(value) + '%', 'text')}"
    if op == "endsWith":
        return f"{text_column} LIKE {params.add('%' + _like_escape(value), 'text')}"
    if op == "containsAny":
        return f"{column} && {params.add(list(value), 'text[]')}"
    if op == "contains":
        return f"{column} @> {params.add(list(value), 'text[]')}"
    if op == "not_contains":
        return f"NOT coalesce({column} && {params.add(list(value), 'text[]')}, false)"
    if op == "containsExactly":
        placeholder = params.add(sorted(set(value)), "text[]")
        return f"({column} @> {placeholder} AND {column} <@ {placeholder})"
    if op == "containsIlike":
        items = [params.add(v, "text") for v in value]
        tests = " OR ".join(f"x ILIKE {p}" for p in items) or "false"
        return f"EXISTS (SELECT 1 FROM unnest({column}) AS x WHERE {tests})"
    if op == "isEmptyArray":
        empty = f"coalesce(cardinality({column}), 0) = 0"
        return empty if value else f"NOT ({empty})"
    if op == "search":
        return f"{column} @@ plainto_tsquery('simple', {params.add(value, 'text')})"
    raise ValueError(f"unsupported operator {op}")


def predicate_sql(schema: str, node: Predicate, params: Params, alias: str = "t") -> str:
    if isinstance(node, Condition):
        ref = node.ref
        if ref.hop is None:
            return condition_sql(
                f"{alias}.{ident(ref.column)}", ref.kind, node.op, node.value, params
            )
        join = ref.hop.field.join_column
        assert join is not None
        # Through a relation, a missing or soft-deleted related record reads as NULL (as in
        # `column_expr`): `company.employees[is]:NULL` also matches people with no company.
        exists = "EXISTS"
        if node.op == "is" and node.value == "NULL":
            exists, inner = "NOT EXISTS", f"r.{ident(ref.column)} IS NOT NULL"
        else:
            inner = condition_sql(f"r.{ident(ref.column)}", ref.kind, node.op, node.value, params)
        return (
            f"{exists} (SELECT 1 FROM {qualified(schema, ref.hop.target.table_name)} r "
            f'WHERE r."id" = {alias}.{ident(join)} AND r."deletedAt" IS NULL AND {inner})'
        )
    if isinstance(node, AllOf):
        parts = [predicate_sql(schema, c, params, alias) for c in node.children]
        return "(" + " AND ".join(parts) + ")" if parts else "true"
    if isinstance(node, AnyOf):
        parts = [predicate_sql(schema, c, params, alias) for c in node.children]
        return "(" + " OR ".join(parts) + ")" if parts else "false"
    assert isinstance(node, NoneOf)
    return f"NOT coalesce({predicate_sql(schema, node.child, params, alias)}, false)"


def where_sql(
    schema: str, predicate: Predicate | None, with_deleted: bool, params: Params, alias: str = "t"
) -> list[str]:
    parts = [] if with_deleted else [f'{alias}."deletedAt" IS NULL']
    if predicate is not None:
        parts.append(predicate_sql(schema, predicate, params, alias))
    return parts


# ---- ordering and cursors ----------------------------------------------------------------


def _direction(key: OrderKey, backwards: bool) -> tuple[bool, bool]:
    """(descending, nulls_first) as the SQL runs; backwards pages run the order reversed."""
    descending, nulls_first = key.direction.descending, key.direction.nulls_first
    if backwards:
        return not descending, not nulls_first
    return descending, nulls_first


def order_sql(schema: str, keys: Sequence[OrderKey], backwards: bool, alias: str = "t") -> str:
    parts = []
    for key in keys:
        descending, nulls_first = _direction(key, backwards)
        term = f"{column_expr(schema, key.ref, alias)} {'DESC' if descending else 'ASC'}"
        # A column that is never NULL (the primary key, createdAt, …) sorts the same wherever
        # NULLs would go; leaving the placement out lets one index `(key, id)` serve both
        # directions (Note [sort indexes] in app/metadata/ddl.py).
        if not key.never_null:
            term += f" NULLS {'FIRST' if nulls_first else 'LAST'}"
        parts.append(term)
    return ", ".join(parts)


def cursor_sql(
    schema: str,
    keys: Sequence[OrderKey],
    values: Sequence[Any],
    backwards: bool,
    params: Params,
    alias: str = "t",
) -> str:
    """Rows strictly after `values` in the (possibly reversed) order: a keyset predicate that
    is correct for every direction and NULL placement; a row comparison where one is, so that
    the sort index bounds the scan (Note [sort indexes])."""
    row = _row_comparison(schema, keys, values, backwards, params, alias)
    if row is not None:
        return row
    branches = []
    for i, key in enumerate(keys):
        terms = [
            _equal(column_expr(schema, k.ref, alias), k.ref.kind, v, params)
            for k, v in zip(keys[:i], values[:i], strict=True)
        ]
        terms.append(_beyond(schema, key, values[i], backwards, params, alias))
        branches.append("(" + " AND ".join(terms) + ")")
    return "(" + " OR ".join(branches) + ")"


def _row_comparison(
    schema: str,
    keys: Sequence[OrderKey],
    values: Sequence[Any],
    backwards: bool,
    params: Params,
    alias: str,
) -> str | None:
    """`(k1, …, id) > ($1, …, $n)` (`<` descending) when it means "after the cursor": every key
    on the root row and in one direction, and no NULL the comparison would mishandle. A NULL
    key compares as unknown, so a nullable key qualifies only when its cursor value is not NULL
    and NULLs come before it in this scan (they are then rightly left out); otherwise None."""
    directions = set()
    for key, value in zip(keys, values, strict=True):
        descending, nulls_first = _direction(key, backwards)
        directions.add(descending)
        if key.ref.hop is not None or len(directions) > 1:
            return None
        if not key.never_null and (value is None or not nulls_first):
            return None
    left = ", ".join(column_expr(schema, k.ref, alias) for k in keys)
    right = ", ".join(params.add(v, k.ref.kind.sql_type) for k, v in zip(keys, values, strict=True))
    return f"({left}) {'<' if directions.pop() else '>'} ({right})"


def _equal(column: str, kind: ScalarKind, value: Any, params: Params) -> str:
    if value is None:
        return f"{column} IS NULL"
    return f"{column} = {params.add(value, kind.sql_type)}"


def _beyond(
    schema: str, key: OrderKey, value: Any, backwards: bool, params: Params, alias: str
) -> str:
    column = column_expr(schema, key.ref, alias)
    descending, nulls_first = _direction(key, backwards)
    if value is None:
        return f"{column} IS NOT NULL" if nulls_first else "false"
    comparison = f"{column} {'<' if descending else '>'} {params.add(value, key.ref.kind.sql_type)}"
    return comparison if nulls_first else f"({comparison} OR {column} IS NULL)"


# ---- statements --------------------------------------------------------------------------


def render_by_ids(schema: str, selection: Selection, ids: Sequence[Any]) -> Statement:
    """Related records for a whole page in one statement (no N+1)."""
    return Statement(
        f"SELECT {select_list(selection.columns)} FROM "
        f"{qualified(schema, selection.obj.table_name)} t "
        f'WHERE t."id" = ANY($1::uuid[]) AND t."deletedAt" IS NULL',
        (list(ids),),
    )
