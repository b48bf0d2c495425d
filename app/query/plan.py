"""The planner: resolves a parsed query against the catalog into a typed, executable plan.

Parsed types (app.query.ast) carry names and raw text; plan types carry columns, kinds and
coerced values. Only this layer knows both. Permissions are applied here too (the caller's
`Access`, Note [permission rules] in app/catalog/access.py), so every transport obeys the same
rules:

    filter / order_by on a field the role may not read   PERMISSION_DENIED naming the field
    the fields a record shows, when the client names none   the readable ones, silently
    a field the client names (REST `fields`, a GraphQL selection)   PERMISSION_DENIED
    a depth-1 embed of an object the role may not read       left out
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.errors import FieldNotFound, InvalidFilter, InvalidParameter, did_you_mean
from app.metadata.ddl import never_null
from app.metadata.enums import FieldType, RelationType
from app.metadata.field_types import ScalarKind, coerce_filter_scalar, handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import ast, bounds
from app.query.resolve import ColumnRef, join_field, resolve_column, unknown_field

# Operators per column kind. REST's grammar admits 13 of them (parser); GraphQL adds more.
_COMPARE = frozenset({"eq", "neq", "in", "is", "gt", "gte", "lt", "lte"})
_TEXT = _COMPARE | {"startsWith", "endsWith", "like", "ilike"}
OPERATORS: dict[ScalarKind, frozenset[str]] = {
    ScalarKind.TEXT: _TEXT,
    ScalarKind.UUID: _COMPARE,
    ScalarKind.FLOAT: _COMPARE,
    ScalarKind.NUMERIC: _COMPARE,
    ScalarKind.DATE: _COMPARE,
    ScalarKind.DATE_TIME: _COMPARE,
    ScalarKind.BOOLEAN: frozenset({"eq", "neq", "is"}),
    ScalarKind.SELECT: frozenset({"eq", "neq", "in", "is"}),
    ScalarKind.MULTI_SELECT: frozenset({"containsAny", "containsExactly", "is", "isEmptyArray"}),
    ScalarKind.TEXT_ARRAY: frozenset(
        {"containsAny", "contains", "not_contains", "containsIlike", "is", "isEmptyArray"}
    ),
    ScalarKind.JSON: frozenset({"like", "ilike", "is"}),
    ScalarKind.TS_VECTOR: frozenset({"search"}),
}
LIST_OPERATORS = frozenset(
    {"in", "containsAny", "containsExactly", "contains", "not_contains", "containsIlike"}
)


@dataclass(frozen=True, slots=True)
class Condition:
    ref: ColumnRef
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    children: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True)
class NoneOf:
    child: Predicate


Predicate = Condition | AllOf | AnyOf | NoneOf


@dataclass(frozen=True, slots=True)
class OrderKey:
    ref: ColumnRef
    direction: ast.Direction

    @property
    def never_null(self) -> bool:
        """A root column that is NOT NULL whatever the metadata (id, createdAt, updatedAt)."""
        return self.ref.hop is None and never_null(self.ref.field, self.ref.sub_field)


@dataclass(frozen=True, slots=True)
class Selection:
    """What to read of one object: the fields to output and, at depth 1, relations to embed."""

    obj: ObjectMeta
    fields: tuple[FieldMeta, ...]
    embeds: tuple[tuple[FieldMeta, Selection], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        names: list[str] = ["id"]
        for field in self.fields:
            for column in handler_for(field.type).columns(field):
                if column.name not in names:
                    names.append(column.name)
        for relation, _ in self.embeds:
            if relation.join_column and relation.join_column not in names:
                names.append(relation.join_column)
        return tuple(names)


# ---- filters ---------------------------------------------------------------------------


def plan_filter(
    catalog: Catalog, obj: ObjectMeta, node: ast.Filter | None, *, access: Access
) -> Predicate | None:
    """The typed predicate of `node`, within app.query.bounds."""
    if node is None:
        return None
    bounds.check_filter(node)
    return _predicate(catalog, obj, node, access)


def _predicate(catalog: Catalog, obj: ObjectMeta, node: ast.Filter, access: Access) -> Predicate:
    if isinstance(node, ast.FilterTerm):
        return _condition(catalog, obj, node, access)
    if isinstance(node, ast.And):
        return AllOf(tuple(_predicate(catalog, obj, c, access) for c in node.children))
    if isinstance(node, ast.Or):
        return AnyOf(tuple(_predicate(catalog, obj, c, access) for c in node.children))
    return NoneOf(_predicate(catalog, obj, node.child, access))


def _condition(
    catalog: Catalog, obj: ObjectMeta, term: ast.FilterTerm, access: Access
) -> Condition:
    ref = resolve_column(catalog, obj, term.path, context="filter", access=access)
    allowed = OPERATORS[ref.kind]
    if term.op not in allowed:
        raise InvalidFilter(
            f"'filter' invalid: operator '{term.op}' cannot be used on '{ref.path}' "
            f"({ref.field.type.value}); allowed: {', '.join(sorted(allowed))}",
            field=ref.path,
        )
    if term.op == "is":
        value = str(term.value).upper()
        if value not in ("NULL", "NOT_NULL"):
            raise InvalidFilter(
                f"'filter' invalid for '{ref.path}': 'is' takes NULL or NOT_NULL, "
                f"not '{term.value}'"
            )
        return Condition(ref, "is", value)
    if term.op == "isEmptyArray":
        return Condition(ref, term.op, bool(term.value))
    if term.op in ("like", "ilike", "startsWith", "endsWith", "search"):
        if not isinstance(term.value, str):
            raise InvalidFilter(f"'filter' invalid for '{ref.path}': '{term.op}' takes a string")
        # Any column kind compares as text here; the pattern must still be valid text.
        pattern = coerce_filter_scalar(ScalarKind.TEXT, term.value, field_name=ref.path)
        return Condition(ref, term.op, pattern)
    handler = handler_for(ref.field.type)
    if term.op in LIST_OPERATORS:
        items = term.value if isinstance(term.value, (list, tuple)) else (term.value,)
        if ref.kind in (ScalarKind.MULTI_SELECT, ScalarKind.TEXT_ARRAY):
            values = [str(v) for v in items]
            if ref.kind is ScalarKind.MULTI_SELECT:
                values = [handler.coerce_filter_value(ref.field, ref.sub_field, v) for v in values]
        else:
            values = [_coerce(ref, handler, v) for v in items]
        return Condition(ref, term.op, values)
    return Condition(ref, term.op, _coerce(ref, handler, term.value))


def _coerce(ref: ColumnRef, handler: Any, value: Any) -> Any:
    if ref.field.join_column == ref.column:
        return coerce_filter_scalar(ScalarKind.UUID, value, field_name=ref.column)
    return handler.coerce_filter_value(ref.field, ref.sub_field, value)


# ---- ordering ----------------------------------------------------------------------------


def plan_order(
    catalog: Catalog, obj: ObjectMeta, terms: Sequence[ast.OrderTerm], *, access: Access
) -> tuple[OrderKey, ...]:
    """Resolve `terms`; a composite named without sub-field sorts by its first sub-field; an
    `id` tiebreaker is appended so pages are deterministic, in the direction of the first key,
    so that one index `(key, id)` serves the order (Note [sort indexes])."""
    bounds.check_order(terms)
    keys: list[OrderKey] = []
    for term in terms:
        path = term.path
        field = obj.field_named(path[0])
        if field is not None and len(path) == 1 and handler_for(field.type).is_composite:
            path = (path[0], handler_for(field.type).sub_fields[0].name)
        ref = resolve_column(catalog, obj, path, context="order_by", access=access)
        if ref.kind in (
            ScalarKind.JSON,
            ScalarKind.TS_VECTOR,
            ScalarKind.MULTI_SELECT,
            ScalarKind.TEXT_ARRAY,
        ):
            raise InvalidParameter(
                f"'order_by' cannot sort by '{ref.path}' ({ref.field.type.value})",
                field=ref.path,
            )
        keys.append(OrderKey(ref, term.direction))
    if not any(k.ref.column == "id" and k.ref.hop is None for k in keys):
        id_field = obj.field_named("id")
        assert id_field is not None
        descending = bool(keys) and keys[0].direction.descending
        direction = ast.Direction.DescNullsLast if descending else ast.Direction.AscNullsFirst
        keys.append(OrderKey(ColumnRef(obj, id_field, None, "id", ScalarKind.UUID), direction))
    return tuple(keys)


# ---- selection ---------------------------------------------------------------------------


def output_fields(obj: ObjectMeta) -> tuple[FieldMeta, ...]:
    """Fields a record shows: every active field but one-to-many relations and searchVector."""
    return tuple(
        f
        for f in obj.fields
        if f.is_active
        and f.type is not FieldType.TS_VECTOR
        and not (f.type is FieldType.RELATION and f.relation_type is RelationType.ONE_TO_MANY)
    )


def _projected_field(
    obj: ObjectMeta, shown: Sequence[FieldMeta], path: tuple[str, ...]
) -> FieldMeta:
    """The field a `fields` item names: `city`, a join column `companyId`, or a composite's
    sub-field `name.firstName` (which selects the whole composite)."""
    name = path[0]
    field = join_field(obj, name) or obj.field_named(name)
    if field is None or field not in shown:
        error = unknown_field(name, obj, context="'fields'")
        raise FieldNotFound(
            f"'fields' parameter invalid. {error.message}", hint=error.hint, field=name
        )
    if len(path) > 1:
        sub_fields = [sub.name for sub in handler_for(field.type).sub_fields]
        if len(path) > 2 or path[1] not in sub_fields:
            dotted = ".".join(path)
            raise FieldNotFound(
                f"'fields' parameter invalid. '{dotted}' does not exist on object "
                f"'{obj.name_singular}'",
                hint=did_you_mean(path[1], sub_fields),
                field=dotted,
            )
    return field


def plan_selection(
    catalog: Catalog,
    obj: ObjectMeta,
    *,
    access: Access,
    depth: int,
    fields: Sequence[tuple[str, ...]] | None = None,
) -> Selection:
    """What a record shows: the readable fields, or the ones `fields` names (each of which
    must be readable); at depth 1, the related records of the objects the role may read."""
    access.require(obj, Action.READ)
    shown = output_fields(obj)
    if fields is None:
        chosen = access.readable(obj, shown)
    else:
        wanted: list[FieldMeta] = []
        for path in fields:
            field = _projected_field(obj, shown, path)
            access.require_read_field(obj, field)
            if field not in wanted:
                wanted.append(field)
        chosen = tuple(wanted)
    embeds: list[tuple[FieldMeta, Selection]] = []
    if depth >= 1:
        for field in chosen:
            if field.join_column and field.relation_target_object_id:
                target = catalog.by_id(field.relation_target_object_id)
                if target is not None and target.is_active and access.can_read(target):
                    readable = access.readable(target, output_fields(target))
                    embeds.append((field, Selection(target, readable)))
    return Selection(obj, chosen, tuple(embeds))
