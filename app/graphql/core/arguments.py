"""GraphQL argument values to the engine's neutral query: filters and orderings.

    {name: {firstName: {eq: "Ada"}}, or: [{city: {in: ["Paris"]}}, {not: {jobTitle: {is: NULL}}}]}
      -> And(FilterTerm(("name", "firstName"), "eq", "Ada"),
             Or(FilterTerm(("city",), "in", ("Paris",)),
                Not(FilterTerm(("jobTitle",), "is", "NULL"))))
    [{name: {lastName: AscNullsLast}}, {createdAt: DescNullsFirst}]
      -> (OrderTerm(("name", "lastName"), AscNullsLast), OrderTerm(("createdAt",), DescNullsFirst))

The input types tell operators from nesting (an `OPERATORS` type holds operators; any other
input object nests a path: a composite's sub-fields or, ours, a related record's fields), so
no name is guessed. Values stay as GraphQL coerced them; the planner types them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from graphql import GraphQLInputObjectType, get_named_type

from app.errors import InvalidFilter
from app.graphql.core.roles import Kind, role_of
from app.query import ast

_LIST_OPERATORS = frozenset(
    {"in", "containsAny", "containsExactly", "contains", "not_contains", "containsIlike"}
)
_UNSUPPORTED = frozenset({"regex", "iregex"})


def to_filter(
    value: Mapping[str, Any] | None,
    input_type: GraphQLInputObjectType,
    prefix: tuple[str, ...] = (),
) -> ast.Filter | None:
    """The neutral filter of a `…FilterInput` value; None when there is none."""
    if value is None:
        return None
    children: list[ast.Filter] = []
    for key, item in value.items():
        if item is None:
            continue
        field_type = get_named_type(input_type.fields[key].type)
        assert isinstance(field_type, GraphQLInputObjectType)
        if key in ("and", "or") and _logical(input_type):
            parts = tuple(
                part
                for element in item
                if (part := to_filter(element, field_type, prefix)) is not None
            )
            children.append(ast.And(parts) if key == "and" else ast.Or(parts))
        elif key == "not" and _logical(input_type):
            inner = to_filter(item, field_type, prefix)
            if inner is not None:
                children.append(ast.Not(inner))
        elif _is_operators(field_type):
            children.extend(_terms((*prefix, key), item))
        else:
            nested = to_filter(item, field_type, (*prefix, key))
            if nested is not None:
                children.append(nested)
    return children[0] if len(children) == 1 else ast.And(tuple(children))


def _logical(input_type: GraphQLInputObjectType) -> bool:
    """Record filters have `and`/`or`/`not`; a composite's filter input has none."""
    return "and" in input_type.fields


def _is_operators(input_type: GraphQLInputObjectType) -> bool:
    role = role_of(input_type)
    return role is not None and role.kind is Kind.OPERATORS


def _terms(path: tuple[str, ...], operators: Mapping[str, Any]) -> Iterator[ast.FilterTerm]:
    where = ".".join(path)
    for op, operand in operators.items():
        if op in _UNSUPPORTED:
            raise InvalidFilter(f'Operator "{op}" is not supported', field=where)
        if operand is None:
            raise InvalidFilter(
                f"'filter' invalid: operator '{op}' on '{where}' needs a value; "
                "use {is: NULL} to match empty values",
                field=where,
            )
        yield ast.FilterTerm(path, op, tuple(operand) if op in _LIST_OPERATORS else operand)


def is_empty(node: ast.Filter | None) -> bool:
    """True when a filter compares nothing (`{}`, `{and: []}`): bulk writes refuse it."""
    return next(ast.terms(node), None) is None


def to_order_by(items: Sequence[Mapping[str, Any] | None] | None) -> tuple[ast.OrderTerm, ...]:
    terms: list[ast.OrderTerm] = []
    for item in items or ():
        if item is not None:
            for key, value in item.items():
                terms.extend(_order_terms((key,), value))
    return tuple(terms)


def _order_terms(path: tuple[str, ...], value: Any) -> Iterator[ast.OrderTerm]:
    if isinstance(value, str):
        yield ast.OrderTerm(path, ast.Direction(value))
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _order_terms((*path, key), inner)


def upsert_path(text: str | None) -> tuple[str, ...] | None:
    """`"emails.primaryEmail"` -> ("emails", "primaryEmail")."""
    return tuple(text.split(".")) if text else None
