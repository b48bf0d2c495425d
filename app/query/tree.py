"""Read trees: what to read of a record and of its relations, at any depth, and what comes back.

A transport that can ask for nested data (GraphQL) describes it with these types; the loader
(app.query.nested) reads one level at a time, one statement per relation for a whole page.

    ConnectionRead(
        filter, order_by, first=20,
        records=RecordRead(
            person, fields=(name, company),
            to_one=(ToOne("company", company_field, RecordRead(company, (company_name,))),),
        ),
        aggregates=("totalCount",),
    )

Related records are put on their parent record under the response `key` the client chose, so
two differently filtered reads of one relation can sit side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.metadata.model import FieldMeta, ObjectMeta
from app.query import ast
from app.query.layout import PageNode, RecordEntry


@dataclass(frozen=True, slots=True)
class RecordRead:
    """What to read of each record of `obj`: its own fields (a many-to-one field stands for its
    join column) and its relations."""

    obj: ObjectMeta
    fields: tuple[FieldMeta, ...]
    to_one: tuple[ToOne, ...] = ()
    to_many: tuple[ToMany, ...] = ()
    # The record's JSON (app.query.layout); None: Twenty's REST record (`id`, every field, a
    # many-to-one as its join column, then each to-one under its key).
    layout: tuple[tuple[str, RecordEntry], ...] | None = None
    omit_nulls: bool = False  # REST's omit_null_values: leave out the keys whose value is null


@dataclass(frozen=True, slots=True)
class ToOne:
    """A many-to-one relation, read as one record (or None) under `key`."""

    key: str
    field: FieldMeta
    read: RecordRead


@dataclass(frozen=True, slots=True)
class ToMany:
    """A one-to-many relation, read as one `Page` per parent under `key`."""

    key: str
    field: FieldMeta
    connection: ConnectionRead


@dataclass(frozen=True, slots=True)
class ConnectionRead:
    """A page of records and aggregates over the records a filter selects.

    `records` is None when only aggregates are wanted (no page is read); `aggregates` names the
    aggregate keys to compute (app.query.aggregate), none when empty.
    """

    filter: ast.Filter | None = None
    order_by: tuple[ast.OrderTerm, ...] = ()
    first: int | None = None
    last: int | None = None
    offset: int | None = None
    after: str | None = None
    before: str | None = None
    records: RecordRead | None = None
    aggregates: tuple[str, ...] = ()
    layout: PageNode | None = None  # the page's JSON (app.query.layout), for the JSON reader


@dataclass(slots=True)
class Page:
    """One page of records with their cursors, and the aggregates asked for."""

    records: list[dict[str, Any]] = field(default_factory=list)
    cursors: list[str | None] = field(default_factory=list)
    has_next_page: bool = False
    has_previous_page: bool = False
    aggregates: dict[str, Any] = field(default_factory=dict)

    @property
    def start_cursor(self) -> str | None:
        return self.cursors[0] if self.cursors else None

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None
