"""Layouts: the JSON a read answers with, described as data, for PostgreSQL to build.

A transport describes the document it sends; app/query/json_sql.py renders the description
into the statement that builds it (Note [JSON built in PostgreSQL] in
app/metadata/field_types/kinds.py). Two levels:

A record (`RecordRead.layout`) is a list of (response key, entry):

    Value(field)                  the field's API value; a many-to-one relation: its join id
    Value(field, "firstName")     one sub-field of a composite
    Composite(field, entries)     a composite with the sub-fields a client picked
    Const("Person")               a literal (GraphQL's __typename)
    Related("company")            the to-one or to-many read the record asks for under that key

A page of records (`ConnectionRead.layout`) is a tree of `Obj`, `Each` (an array over the
page's rows), `Const` and `Slot`s:

    REST   Obj((("data", Obj((("people", Each(RECORD)),))), ("totalCount", TOTAL_COUNT),
               ("pageInfo", Obj((("hasNextPage", HAS_NEXT_PAGE), …)))))
    GraphQL  Obj((("edges", Each(Obj((("node", RECORD), ("cursor", CURSOR))))),
                 ("totalCount", TOTAL_COUNT)))

Slots inside `Each` are per row (`RECORD`, `CURSOR`); outside it, per page (the page info,
`TOTAL_COUNT` and `Slot("aggregate", key)` for any other aggregate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.metadata.model import FieldMeta


@dataclass(frozen=True, slots=True)
class Const:
    value: Any  # a JSON scalar: str, int, float, bool or None


@dataclass(frozen=True, slots=True)
class Value:
    field: FieldMeta
    sub_field: str | None = None


@dataclass(frozen=True, slots=True)
class Composite:
    field: FieldMeta
    entries: tuple[tuple[str, Value | Const], ...]


@dataclass(frozen=True, slots=True)
class Related:
    key: str  # the `key` of a ToOne or ToMany of the same RecordRead


RecordEntry = Value | Composite | Const | Related


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    key: str | None = None  # the aggregate's key, for Slot("aggregate", key)


@dataclass(frozen=True, slots=True)
class Obj:
    entries: tuple[tuple[str, PageNode], ...]


@dataclass(frozen=True, slots=True)
class Each:
    item: PageNode


PageNode = Obj | Each | Const | Slot

RECORD = Slot("record")
CURSOR = Slot("cursor")
TOTAL_COUNT = Slot("totalCount")
HAS_NEXT_PAGE = Slot("hasNextPage")
HAS_PREVIOUS_PAGE = Slot("hasPreviousPage")
START_CURSOR = Slot("startCursor")
END_CURSOR = Slot("endCursor")


def aggregate(key: str) -> Slot:
    return TOTAL_COUNT if key == "totalCount" else Slot("aggregate", key)


def page_info() -> Obj:
    """Relay's (and Twenty's) `pageInfo`."""
    return Obj(
        (
            ("hasNextPage", HAS_NEXT_PAGE),
            ("hasPreviousPage", HAS_PREVIOUS_PAGE),
            ("startCursor", START_CURSOR),
            ("endCursor", END_CURSOR),
        )
    )


def slots(node: PageNode, *, in_arrays: bool = True) -> set[Slot]:
    """Every slot a layout uses (what the statement must compute); without `in_arrays`, only
    the page-level ones."""
    if isinstance(node, Slot):
        return {node}
    if isinstance(node, Obj):
        found: set[Slot] = set()
        for _, child in node.entries:
            found |= slots(child, in_arrays=in_arrays)
        return found
    if isinstance(node, Each):
        return slots(node.item) if in_arrays else set()
    return set()
