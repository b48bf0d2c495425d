"""Bounds on the size of one query, checked by the planner for every transport alike.

A query beyond one is refused with 400 QUERY_TOO_LARGE naming the bound, before any SQL is
built: PostgreSQL takes at most 32 767 bind parameters and 1 664 sort keys per statement, and
long before that a single request would hold a connection for seconds.

    MAX_FILTER_TERMS     comparisons in one filter (and/or/not included)
    MAX_FILTER_DEPTH     and/or/not nested in one another
    MAX_LIST_VALUES      values of one `in` / `containsAny` / … list
    MAX_ORDER_TERMS      order_by terms

and on one write: a bulk update, delete, destroy or restore by filter touches at most
`max_records` (MUTATION_MAXIMUM_AFFECTED_RECORDS, Twenty's setting, default 100). As Twenty's
`atMost`, a call that would touch more is refused whole, nothing written; the statement itself
names at most `max_records + 1` rows, so the refusal costs no more than that (`capped`).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import QueryTooLarge
from app.query import ast

MAX_FILTER_TERMS = 1000
MAX_FILTER_DEPTH = 32
MAX_LIST_VALUES = 5000
MAX_ORDER_TERMS = 16


def check_filter(node: ast.Filter | None) -> None:
    """Walk `node` once, without recursion (a hostile filter is deep)."""
    if node is None:
        return
    count = 0
    stack: list[tuple[ast.Filter, int]] = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_FILTER_TERMS:
            raise QueryTooLarge(
                f"'filter' invalid: more than {MAX_FILTER_TERMS} conditions",
                hint="split the request, or use an 'in' list",
                bound="MAX_FILTER_TERMS",
            )
        if depth > MAX_FILTER_DEPTH:
            raise QueryTooLarge(
                f"'filter' invalid: conditions are nested more than {MAX_FILTER_DEPTH} deep",
                bound="MAX_FILTER_DEPTH",
            )
        match item:
            case ast.FilterTerm(path, _, value):
                if isinstance(value, list | tuple) and len(value) > MAX_LIST_VALUES:
                    raise QueryTooLarge(
                        f"'filter' invalid: the list for '{'.'.join(path)}' has "
                        f"{len(value)} values, more than {MAX_LIST_VALUES}",
                        field=".".join(path),
                        bound="MAX_LIST_VALUES",
                    )
            case ast.And(children) | ast.Or(children):
                stack.extend((child, depth + 1) for child in children)
            case ast.Not(child):
                stack.append((child, depth + 1))


def check_order(terms: Sequence[ast.OrderTerm]) -> None:
    if len(terms) > MAX_ORDER_TERMS:
        raise QueryTooLarge(
            f"'order_by' invalid: {len(terms)} terms, more than {MAX_ORDER_TERMS}",
            bound="MAX_ORDER_TERMS",
        )


def capped(where: str, table: str, cap: int) -> str:
    """`where` (over alias `t`) narrowed to the first `cap + 1` rows it names."""
    return f't."id" IN (SELECT t."id" FROM {table} t WHERE {where} LIMIT {int(cap) + 1})'


def check_affected(count: int, cap: int | None, operation: str) -> None:
    """Refuse (the caller's transaction rolls back) a bulk write that touched over `cap`."""
    if cap is not None and count > cap:
        raise QueryTooLarge(
            f"This bulk {operation} would affect more than {cap} records; nothing was changed",
            hint="narrow the filter, or repeat the call on smaller parts "
            "(MUTATION_MAXIMUM_AFFECTED_RECORDS sets the limit)",
            bound="MUTATION_MAXIMUM_AFFECTED_RECORDS",
        )
