"""Read trees to one statement whose one value is the answer's JSON, built by PostgreSQL.

Note [JSON built in PostgreSQL] (app/metadata/field_types/kinds.py) says why. A page of
`person` with each one's company, as GraphQL's `people(first: 60) { edges { node { id
company { name } } } }` asks, renders as (`{k: v}` standing for a JSON object built from a
sub-select's row, app.db.sqltext.json_object, written compactly as orjson would):

    SELECT {edges: p."__e0"} FROM (
      SELECT '[' || string_agg({node: r."__j"}::text, ',' ORDER BY r."__n")
                      FILTER (WHERE r."__n" <= 60) || ']' AS "__e0", count(*) AS "__f"
      FROM (SELECT {id: t0."id",
                    company: (SELECT {name: t1."name"} FROM company t1
                              WHERE t1."id" = t0."companyId" AND t1."deletedAt" IS NULL)}
                     AS "__j",
                   row_number() OVER (ORDER BY t0."id") AS "__n"
            FROM person t0 WHERE t0."deletedAt" IS NULL ORDER BY t0."id" LIMIT 61) r) p

- A page reads `limit + 1` rows (the extra one says whether there is a next page), numbered
  in page order by `__n`; arrays keep the first `limit`. Backward pages run the order
  reversed and number from the cursor, so their arrays are built in descending `__n`.
- Related records are correlated sub-selects: a to-one by primary key, a to-many as a page of
  its own per parent (its join column is indexed), never one statement per record.
- `totalCount` of an unfiltered root page reads the live-row counters (Note [row counts] in
  app/metadata/ddl.py); any other count or aggregate is computed over the filtered rows.
- Cursors are built here too: base64url of `[signature, [order-key values]]`, what
  app/query/cursor.py decodes.

Permissions: the planner's checks run as the tree is rendered (each level's object, fields,
filters, orderings and aggregates), so a refused read sends no statement.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.db.sqltext import ident, json_object, literal, qualified
from app.errors import InvalidParameter
from app.metadata.field_types import ScalarKind, handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import aggregate, ast, cursor, plan, sql
from app.query.counts import CountCache
from app.query.layout import (
    CURSOR,
    END_CURSOR,
    RECORD,
    START_CURSOR,
    TOTAL_COUNT,
    Composite,
    Const,
    Each,
    Obj,
    PageNode,
    RecordEntry,
    Related,
    Slot,
    Value,
    slots,
)
from app.query.tree import ConnectionRead, RecordRead

_CURSOR_SLOTS = frozenset({CURSOR, START_CURSOR, END_CURSOR})
# Cursor order keys as exact text: a timestamp with its microseconds, in UTC.
_EXACT_TIME = """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"""


@dataclass(frozen=True, slots=True)
class Limits:
    """Page sizes: `default` when the client names none, silently capped at `maximum`."""

    default: int = 60
    maximum: int = 200


@dataclass(frozen=True, slots=True)
class Window:
    """Which rows of the order a page takes."""

    limit: int
    offset: int
    backwards: bool
    after: tuple[Any, ...] | None
    before: tuple[Any, ...] | None

    @property
    def values(self) -> tuple[Any, ...] | None:
        return self.before if self.backwards else self.after


def window(request: ConnectionRead, order: Sequence[plan.OrderKey], limits: Limits) -> Window:
    """The page a request names, with its arguments checked (names as GraphQL spells them;
    REST's `limit`/`starting_after`/`ending_before` arrive as `first`/`after`/`before`)."""
    if request.first is not None and request.last is not None:
        raise InvalidParameter("Use either 'first' or 'last', not both")
    if request.after is not None and request.before is not None:
        raise InvalidParameter("Use either 'after' or 'before', not both")
    if request.last is not None and request.after is not None:
        raise InvalidParameter("'last' pages backwards: use it with 'before', not 'after'")
    size = request.first if request.first is not None else request.last
    if size is not None and size < 0:
        name = "first" if request.first is not None else "last"
        raise InvalidParameter(f"'{name}' must be zero or more, got {size}", parameter=name)
    if request.offset is not None and request.offset < 0:
        raise InvalidParameter(f"'offset' must be zero or more, got {request.offset}")
    return Window(
        limit=min(limits.default if size is None else size, limits.maximum),
        offset=request.offset or 0,
        backwards=request.last is not None or request.before is not None,
        after=cursor.decode(request.after, order) if request.after else None,
        before=cursor.decode(request.before, order) if request.before else None,
    )


def json_literal(value: Any) -> str:
    return f"{literal(orjson.dumps(value).decode())}::json"


class Renderer:
    """Renders read trees of one workspace into one statement's SQL, collecting parameters."""

    def __init__(
        self,
        catalog: Catalog,
        access: Access,
        limits: Limits,
        counts: CountCache | None = None,
    ) -> None:
        self.catalog = catalog
        self.access = access
        self.limits = limits
        self.counts = counts
        self.params = sql.Params()
        self._aliases = 0
        self.probe: Hashable | None = None  # the count a root statement reports back

    def statement(self, expression: str) -> sql.Statement:
        text = f"SELECT coalesce(({expression})::text, 'null')"
        return sql.Statement(text, tuple(self.params.values))

    def root_statement(self, obj: ObjectMeta, request: ConnectionRead) -> sql.Statement:
        """One page as the whole answer: its JSON, then (for Note [count reuse]) the object's
        change count and the filtered total it saw, when the page counts a filter."""
        body, sources = self._page_parts(obj, request, parent=None, root=True)
        outputs = f"coalesce(({body})::text, 'null')"
        if self.probe is not None:
            outputs += ', g."__changes", g."__totalCount"'
        text = f"SELECT {outputs}" + (f" FROM {', '.join(sources)}" if sources else "")
        return sql.Statement(text, tuple(self.params.values))

    def _alias(self) -> str:
        alias = f"t{self._aliases}"
        self._aliases += 1
        return alias

    def _table(self, obj: ObjectMeta, alias: str) -> str:
        return f"{qualified(self.catalog.schema, obj.table_name)} {alias}"

    # ---- pages ---------------------------------------------------------------------------

    def page(
        self,
        obj: ObjectMeta,
        request: ConnectionRead,
        *,
        parent: tuple[str, str] | None = None,
    ) -> str:
        """SQL (json) of the page `request` describes, shaped by its layout; with `parent`
        (join column, parent alias), the page of the parent row's related records."""
        body, sources = self._page_parts(obj, request, parent=parent, root=False)
        return f"SELECT {body} FROM {', '.join(sources)}" if sources else f"SELECT {body}"

    def _page_parts(
        self,
        obj: ObjectMeta,
        request: ConnectionRead,
        *,
        parent: tuple[str, str] | None,
        root: bool,
    ) -> tuple[str, list[str]]:
        """The page's JSON expression and the sub-selects it reads: `p` (the rows' arrays and
        page info) and `g` (counts and aggregates)."""
        assert request.layout is not None, "a JSON read needs a layout"
        self.access.require(obj, Action.READ)
        catalog = self.catalog
        where = plan.plan_filter(catalog, obj, request.filter, access=self.access)
        with_deleted = ast.mentions_field(request.filter, "deletedAt")
        order = plan.plan_order(catalog, obj, request.order_by, access=self.access)
        chosen = (
            aggregate.pick(obj, request.aggregates, access=self.access)
            if request.aggregates
            else []
        )
        used = slots(request.layout)
        sources = []
        reads_rows = request.records is not None and any(_per_page_row(s) for s in used)
        if reads_rows:
            assert request.records is not None
            page = window(request, order, self.limits)
            with_cursor = CURSOR in used
            with_ends = bool(used & _CURSOR_SLOTS - {CURSOR})
            rows = self._rows(
                obj,
                request.records,
                where,
                with_deleted,
                order,
                page,
                parent,
                with_cursor,
                with_ends,
            )
            columns = self._page_columns(request.layout, page, order)
            listed = ", ".join(f"{v} AS {ident(k)}" for k, v in columns.items())
            sources.append(f"(SELECT {listed} FROM ({rows}) r) p")
        reuse = None
        if root and self.counts is not None:
            reuse = (catalog.workspace_id, catalog.version, obj.id, repr(request.filter))
        totals = self._totals(obj, chosen, where, with_deleted, parent, used, reuse)
        if totals:
            sources.append(totals)
        arrays = iter(range(len(_each_nodes(request.layout))))
        return self._page_node(request.layout, arrays, rows=reads_rows), sources

    def _rows(
        self,
        obj: ObjectMeta,
        read: RecordRead,
        where: plan.Predicate | None,
        with_deleted: bool,
        order: Sequence[plan.OrderKey],
        page: Window,
        parent: tuple[str, str] | None,
        with_cursor: bool,
        with_ends: bool,
    ) -> str:
        """The page's rows: each record's JSON `__j`, its cursor `__c` (when the layout shows
        each row's), its order keys `__k<i>` (when the page's first and last cursors are
        shown: only those two are encoded) and its number `__n` in page order."""
        schema = self.catalog.schema
        alias = self._alias()
        conditions = sql.where_sql(schema, where, with_deleted, self.params, alias)
        if parent is not None:
            join, parent_alias = parent
            conditions.insert(0, f'{alias}.{ident(join)} = {parent_alias}."id"')
        if page.values is not None:
            conditions.append(
                sql.cursor_sql(schema, order, page.values, page.backwards, self.params, alias)
            )
        ranking = sql.order_sql(schema, order, page.backwards, alias)
        outputs = [f'{self.record(read, alias)} AS "__j"']
        if with_cursor:
            keys = [self._exact(key, alias) for key in order]
            outputs.append(f'{self._cursor(order, keys)} AS "__c"')
        if with_ends:
            outputs += [
                f"{self._exact(key, alias)} AS {ident(f'__k{i}')}" for i, key in enumerate(order)
            ]
        outputs.append(f'row_number() OVER (ORDER BY {ranking}) - {page.offset} AS "__n"')
        text = f"SELECT {', '.join(outputs)} FROM {self._table(obj, alias)}"
        if conditions:
            text += " WHERE " + " AND ".join(conditions)
        text += f" ORDER BY {ranking} LIMIT {page.limit + 1}"
        if page.offset:
            text += f" OFFSET {page.offset}"
        return text

    def _cursor(self, order: Sequence[plan.OrderKey], keys: Sequence[str]) -> str:
        """A cursor: base64url of `[signature, [order-key values]]`, unpadded."""
        signature = self.params.add(cursor.signature(order), "text")
        return (
            f"rtrim(translate(encode(convert_to(json_build_array({signature}, "
            f"json_build_array({', '.join(keys)}))::text, 'UTF8'), 'base64'), "
            "E'+/\\n', '-_'), '=')"
        )

    def _exact(self, key: plan.OrderKey, alias: str) -> str:
        """An order key's value as a cursor keeps it: exact (app/query/cursor.py decodes it)."""
        column = sql.column_expr(self.catalog.schema, key.ref, alias)
        if key.ref.kind is ScalarKind.DATE_TIME:
            return f"to_char({column} AT TIME ZONE 'UTC', {_EXACT_TIME})"
        if key.ref.kind is ScalarKind.NUMERIC:
            return f"{column}::text"  # a JSON number would be read back as a float
        return column

    def _page_columns(
        self, node: PageNode, page: Window, order: Sequence[plan.OrderKey]
    ) -> dict[str, str]:
        """What the page's rows add up to: `__f` (rows read), one array per `Each`, and the
        page-info values the layout uses."""
        kept = f'FILTER (WHERE r."__n" <= {page.limit})'
        row_order = 'r."__n" DESC' if page.backwards else 'r."__n"'
        columns = {"__f": "count(*)"}
        for i, each in enumerate(_each_nodes(node)):
            item = self._row_node(each.item)
            listed = f"string_agg(({item})::text, ',' ORDER BY {row_order}) {kept}"
            columns[f"__e{i}"] = f"('[' || coalesce({listed}, '') || ']')::json"

        def ends(direction: str) -> str:
            """The cursor of the first kept row in `direction` of `__n` (none: NULL)."""
            keys = [
                f'(array_agg(r."__k{i}" ORDER BY r."__n" {direction}) {kept})[1]'
                for i in range(len(order))
            ]
            return f"CASE WHEN count(*) {kept} > 0 THEN {self._cursor(order, keys)} END"

        slots_used = slots(node, in_arrays=False)
        # Rendered only when shown: each adds a parameter, and an unused one has no type.
        start_direction, end_direction = ("DESC", "ASC") if page.backwards else ("ASC", "DESC")
        if START_CURSOR in slots_used:
            columns["__startCursor"] = ends(start_direction)
        if END_CURSOR in slots_used:
            columns["__endCursor"] = ends(end_direction)
        more = f"(count(*) > {page.limit})"
        skipped = "true" if page.offset else "false"
        cursor_given = "true" if page.values is not None else "false"
        behind = f"({cursor_given} OR {skipped})"
        values = {
            "hasNextPage": behind if page.backwards else more,
            "hasPreviousPage": more if page.backwards else behind,
            "record": f'(array_agg(r."__j" ORDER BY {row_order}) {kept})[1]',
        }
        for slot in slots_used:
            if slot.name in values:
                columns[f"__{slot.name}"] = values[slot.name]
        return columns

    def _row_node(self, node: PageNode) -> str:
        if node == RECORD:
            return 'r."__j"'
        if node == CURSOR:
            return 'to_json(r."__c")'
        if isinstance(node, Const):
            return json_literal(node.value)
        if isinstance(node, Obj):
            return json_object([(k, self._row_node(v)) for k, v in node.entries])
        raise ValueError(f"{node!r} cannot stand inside a page's array")

    def _page_node(self, node: PageNode, arrays: Iterator[int], *, rows: bool) -> str:
        """A page-level node; `arrays` numbers the `Each` nodes in layout order (as
        `_each_nodes` lists them); without `rows` read, arrays are empty, cursors null."""
        if isinstance(node, Const):
            return json_literal(node.value)
        if isinstance(node, Obj):
            return json_object(
                [(k, self._page_node(v, arrays, rows=rows)) for k, v in node.entries]
            )
        if isinstance(node, Each):
            index = next(arrays)
            return f'p."__e{index}"' if rows else "'[]'::json"
        if node == TOTAL_COUNT or node.name == "aggregate":
            return f"g.{ident(_aggregate_column(node))}"
        if not rows:
            return "false" if node.name.startswith("has") else "NULL::json"
        return f'p."__{node.name}"'

    def _totals(
        self,
        obj: ObjectMeta,
        chosen: Sequence[aggregate.Aggregate],
        where: plan.Predicate | None,
        with_deleted: bool,
        parent: tuple[str, str] | None,
        used: set[Slot],
        reuse: Hashable | None,
    ) -> str:
        """`g`: one row with `totalCount` and every aggregate slot the layout uses; with
        `reuse` (a root page's count key), a filtered total per Note [count reuse]."""
        wanted = [s for s in used if s == TOTAL_COUNT or s.name == "aggregate"]
        if not wanted:
            return ""
        by_key = {a.key: a for a in chosen}
        by_key.setdefault(aggregate.TOTAL_COUNT.key, aggregate.TOTAL_COUNT)
        only_total = wanted == [TOTAL_COUNT] and parent is None
        if only_total and where is None and not with_deleted:
            # Note [row counts]: an unfiltered root total is the sum of the counter shards.
            counted = self.params.add(obj.id, "uuid")
            return (
                '(SELECT coalesce(sum(c.live), 0) AS "__totalCount" FROM core.row_count c '
                f"WHERE c.object_metadata_id = {counted}) g"
            )
        alias = self._alias()
        conditions = sql.where_sql(self.catalog.schema, where, with_deleted, self.params, alias)
        if parent is not None:
            join, parent_alias = parent
            conditions.insert(0, f'{alias}.{ident(join)} = {parent_alias}."id"')
        outputs = [
            f"{aggregate.json_expression(by_key[_slot_key(s)], alias)} AS "
            f"{ident(_aggregate_column(s))}"
            for s in wanted
        ]
        text = f"SELECT {', '.join(outputs)} FROM {self._table(obj, alias)}"
        if conditions:
            text += " WHERE " + " AND ".join(conditions)
        if only_total and reuse is not None and self.counts is not None:
            return self._reused_total(obj, text, reuse, self.counts)
        return f"({text}) g"

    def _reused_total(
        self, obj: ObjectMeta, count_sql: str, key: Hashable, counts: CountCache
    ) -> str:
        """Note [count reuse]: the remembered count while the object's change sum is the one
        it was counted at, else `count_sql`; reports the sum and the count as `g` columns."""
        known = counts.get(key)
        changes = self.params.add(known.changes if known else -1, "bigint")
        count = self.params.add(known.count if known else 0, "bigint")
        counted = self.params.add(obj.id, "uuid")
        self.probe = key
        # OFFSET 0 keeps PostgreSQL from inlining `g` where its columns are used (twice: in
        # the answer and reported back), which would plan the count twice.
        return (
            f'(SELECT CASE WHEN v."__changes" = {changes} THEN {count} '
            f'ELSE ({count_sql}) END AS "__totalCount", v."__changes" FROM '
            '(SELECT coalesce(sum(c.changes), 0) AS "__changes" FROM core.row_count c '
            f"WHERE c.object_metadata_id = {counted}) v OFFSET 0) g"
        )

    # ---- records -------------------------------------------------------------------------

    def record(self, read: RecordRead, alias: str) -> str:
        """SQL (json) of one record of `read` in the row of `alias`. Everything the read
        names must be open to the role: a read tree names its fields explicitly, so a closed
        one is refused (PERMISSION_DENIED naming it), never left out."""
        self._authorize(read)
        pairs = [(key, self._entry(read, entry, alias)) for key, entry in _layout(read)]
        built = json_object(pairs)
        if read.omit_nulls:
            return (
                f"(SELECT coalesce(json_object_agg(e.key, e.value), '{{}}') "
                f"FROM json_each({built}) e WHERE json_typeof(e.value) <> 'null')"
            )
        return built

    def _authorize(self, read: RecordRead) -> None:
        access = self.access
        access.require(read.obj, Action.READ)
        for field in read.fields:
            access.require_read_field(read.obj, field)
        for one in read.to_one:
            access.require_read_field(read.obj, one.field)
            access.require(one.read.obj, Action.READ)
        for many in read.to_many:
            access.require_read_field(read.obj, many.field)

    def _entry(self, read: RecordRead, entry: RecordEntry, alias: str) -> str:
        if isinstance(entry, Value):
            return handler_for(entry.field.type).value_sql(entry.field, alias, entry.sub_field)
        if isinstance(entry, Const):
            return json_literal(entry.value)
        if isinstance(entry, Composite):
            return json_object([(k, self._entry(read, v, alias)) for k, v in entry.entries])
        for one in read.to_one:
            if one.key == entry.key:
                return self._to_one(one.field, one.read, alias)
        for many in read.to_many:
            if many.key == entry.key:
                return self._to_many(many.field, many.connection, alias)
        raise ValueError(f"no relation read under {entry.key!r}")

    def _to_one(self, field: FieldMeta, read: RecordRead, alias: str) -> str:
        join = field.join_column
        assert join is not None
        self.access.require(read.obj, Action.READ)
        inner = self._alias()
        return (
            f"(SELECT {self.record(read, inner)} FROM {self._table(read.obj, inner)} "
            f'WHERE {inner}."id" = {alias}.{ident(join)} AND {inner}."deletedAt" IS NULL)'
        )

    def _to_many(self, field: FieldMeta, request: ConnectionRead, alias: str) -> str:
        target = _target(self.catalog, field)
        inverse = (
            self.catalog.field_by_id(field.relation_target_field_id)
            if field.relation_target_field_id
            else None
        )
        if inverse is None or inverse.join_column is None:
            raise InvalidParameter(f"The relation '{field.name}' has no inverse join column")
        return f"({self.page(target, request, parent=(inverse.join_column, alias))})"


def _layout(read: RecordRead) -> tuple[tuple[str, RecordEntry], ...]:
    """The record's layout, or the record keyed by field name: `id`, each field (a many-to-one
    as its join column), each relation read under its key (Twenty's REST record, which has no
    one-to-many reads)."""
    if read.layout is not None:
        return read.layout
    id_field = read.obj.field_named("id")
    assert id_field is not None
    entries: list[tuple[str, RecordEntry]] = [("id", Value(id_field))]
    entries += [(f.join_column or f.name, Value(f)) for f in read.fields if f.name != "id"]
    entries += [(one.key, Related(one.key)) for one in read.to_one]
    entries += [(many.key, Related(many.key)) for many in read.to_many]
    return tuple(entries)


def _target(catalog: Catalog, field: FieldMeta) -> ObjectMeta:
    target_id = field.relation_target_object_id
    target = catalog.by_id(target_id) if target_id else None
    if target is None or not target.is_active:
        raise InvalidParameter(f"The relation '{field.name}' points at no active object")
    return target


def _each_nodes(node: PageNode) -> list[Each]:
    """The page's arrays, in layout order (each gets its own column `__e<i>`)."""
    if isinstance(node, Each):
        return [node]
    if isinstance(node, Obj):
        return [each for _, child in node.entries for each in _each_nodes(child)]
    return []


def _per_page_row(slot: Slot) -> bool:
    """Whether a slot needs the page's rows (anything but counts and aggregates)."""
    return slot != TOTAL_COUNT and slot.name != "aggregate"


def _slot_key(slot: Slot) -> str:
    return aggregate.TOTAL_COUNT.key if slot == TOTAL_COUNT else str(slot.key)


def _aggregate_column(slot: Slot) -> str:
    return "__totalCount" if slot == TOTAL_COUNT else f"__a_{slot.key}"
