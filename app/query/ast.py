"""The neutral query: filters and orderings as every transport parses them, names unresolved.

A transport (REST query text, GraphQL arguments) produces these types; only the planner resolves
their names against the workspace catalog and types their values. So a path here is raw text
(``("name", "firstName")``) and a value is the string the client sent: the parser never knows
whether ``"1"`` is meant as a number.

    Filter := FilterTerm(path, op, value)
            | And(children) | Or(children) | Not(child)

Values by operator: ``in`` and ``containsAny`` carry ``tuple[str, ...]``; ``is`` carries
``"NULL"`` or ``"NOT_NULL"``; every other operator carries one ``str``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class FilterTerm:
    """One comparison: ``FilterTerm(("name", "firstName"), "eq", "John")``."""

    path: tuple[str, ...]
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Filter


Filter = FilterTerm | And | Or | Not


class Direction(StrEnum):
    """Twenty's four sort directions; the value is the wire spelling."""

    AscNullsFirst = "AscNullsFirst"
    AscNullsLast = "AscNullsLast"
    DescNullsFirst = "DescNullsFirst"
    DescNullsLast = "DescNullsLast"

    @property
    def descending(self) -> bool:
        return self.value.startswith("Desc")

    @property
    def nulls_first(self) -> bool:
        return self.value.endswith("NullsFirst")


@dataclass(frozen=True, slots=True)
class OrderTerm:
    """One sort key: ``OrderTerm(("name", "firstName"), Direction.AscNullsLast)``."""

    path: tuple[str, ...]
    direction: Direction


def terms(filter: Filter | None) -> Iterator[FilterTerm]:
    """Every comparison in `filter`, depth first, left to right."""
    stack: list[Filter] = [] if filter is None else [filter]
    while stack:
        node = stack.pop()
        match node:
            case FilterTerm():
                yield node
            case And(children) | Or(children):
                stack.extend(reversed(children))
            case Not(child):
                stack.append(child)


def mentions_field(filter: Filter | None, name: str) -> bool:
    """Whether any comparison starts at field `name` (a filter on ``deletedAt`` shows
    soft-deleted rows)."""
    return any(term.path[0] == name for term in terms(filter) if term.path)
