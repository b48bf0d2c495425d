"""Bounds on the size of one query, checked by the planner for every transport alike.

A query beyond one is refused with 400 QUERY_TOO_LARGE naming the bound, before any SQL is
built: PostgreSQL takes at most 32 767 bind parameters and 1 664 sort keys per statement, and
long before that a single request would hold a connection for seconds.

    MAX_FILTER_TERMS     comparisons in one filter (and/or/not included)
    MAX_FILTER_DEPTH     and/or/not nested in one another
    MAX_LIST_VALUES      values of one `in` / `containsAny` / … list
    MAX_ORDER_TERMS      order_by terms
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
