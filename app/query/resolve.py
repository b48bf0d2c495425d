"""Name resolution: turns a dotted path from a request into a column of the workspace model.

The one place where an unknown field is reported (FIELD_NOT_FOUND, with a suggestion), and,
given the caller's `Access`, where a path through a field the role may not read is refused
(PERMISSION_DENIED naming the field): filters, orderings, group-by dimensions and upsert keys
all resolve here.

    ("name", "firstName")      -> nameFirstName         composite sub-field
    ("employees",)             -> employees             scalar
    ("companyId",)             -> companyId             a many-to-one join column
    ("company", "employees")   -> employees of company  through a many-to-one relation (ours)
"""

from __future__ import annotations

from dataclasses import dataclass

from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.errors import FieldNotFound, did_you_mean
from app.metadata.enums import FieldType, RelationType
from app.metadata.field_types import ScalarKind, column_name, handler_for
from app.metadata.model import FieldMeta, ObjectMeta


@dataclass(frozen=True, slots=True)
class Hop:
    """A many-to-one relation a path goes through."""

    field: FieldMeta
    target: ObjectMeta


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """A resolved path: one physical column of `obj`, reached from the root through `hop`."""

    obj: ObjectMeta
    field: FieldMeta
    sub_field: str | None
    column: str
    kind: ScalarKind
    hop: Hop | None = None

    @property
    def path(self) -> str:
        parts = [self.hop.field.name] if self.hop else []
        parts.append(self.field.name)
        if self.sub_field:
            parts.append(self.sub_field)
        return ".".join(parts)


def field_names(obj: ObjectMeta) -> list[str]:
    names = []
    for field in obj.fields:
        names.append(field.name)
        if field.join_column:
            names.append(field.join_column)
    return names


def unknown_field(name: str, obj: ObjectMeta, *, context: str = "") -> FieldNotFound:
    where = f" in {context}" if context else ""
    return FieldNotFound(
        f"'{name}' does not exist{where} on object '{obj.name_singular}'",
        hint=did_you_mean(name, field_names(obj)),
        field=name,
    )


def find_field(obj: ObjectMeta, name: str) -> FieldMeta | None:
    field = obj.field_named(name)
    if field is not None and field.is_active:
        return field
    return None


def join_field(obj: ObjectMeta, name: str) -> FieldMeta | None:
    """The many-to-one field whose join column is `name` (`companyId` -> company)."""
    if not name.endswith("Id"):
        return None
    field = find_field(obj, name[:-2])
    if field is not None and field.join_column == name:
        return field
    return None


def resolve_column(
    catalog: Catalog,
    obj: ObjectMeta,
    path: tuple[str, ...],
    *,
    context: str,
    access: Access | None,
    allow_hop: bool = True,
) -> ColumnRef:
    """Resolve `path` on `obj` to one column, or raise FIELD_NOT_FOUND naming the problem; with
    `access`, PERMISSION_DENIED for a field (or a related object) the role may not read.
    `access` None is for the server's own paths (an object's duplicate criteria)."""
    head, rest = path[0], path[1:]
    joined = join_field(obj, head)
    if joined is not None:
        if rest:
            raise unknown_field(".".join(path), obj, context=context)
        if access is not None:
            access.require_read_field(obj, joined)
        return ColumnRef(obj, joined, None, head, ScalarKind.UUID)
    field = find_field(obj, head)
    if field is None:
        raise unknown_field(head, obj, context=context)
    if access is not None:
        access.require_read_field(obj, field)
    if field.type is FieldType.RELATION:
        return _through_relation(
            catalog, obj, field, rest, context=context, access=access, allow_hop=allow_hop
        )
    handler = handler_for(field.type)
    if handler.is_composite:
        return _composite(obj, field, rest, context=context)
    if rest:
        raise FieldNotFound(
            f"'{field.name}' is a {field.type.value} field and has no sub-field '{'.'.join(rest)}'",
            field=".".join(path),
        )
    column = handler.columns(field)[0]
    return ColumnRef(obj, field, None, column.name, column.kind)


def _composite(
    obj: ObjectMeta, field: FieldMeta, rest: tuple[str, ...], *, context: str
) -> ColumnRef:
    handler = handler_for(field.type)
    names = [s.name for s in handler.sub_fields]
    if len(rest) != 1:
        raise FieldNotFound(
            f"'{field.name}' is a composite {field.type.value} field: name one of its sub-fields "
            f"in {context}, e.g. '{field.name}.{names[0]}'",
            hint=f"sub-fields: {', '.join(names)}",
            field=field.name,
        )
    sub = next((s for s in handler.sub_fields if s.name == rest[0]), None)
    if sub is None:
        raise FieldNotFound(
            f"'{field.name}.{rest[0]}' does not exist: {field.type.value} has sub-fields "
            f"{', '.join(names)}",
            hint=did_you_mean(rest[0], names),
            field=f"{field.name}.{rest[0]}",
        )
    return ColumnRef(obj, field, sub.name, column_name(field.name, sub.name), sub.kind)


def _through_relation(
    catalog: Catalog,
    obj: ObjectMeta,
    field: FieldMeta,
    rest: tuple[str, ...],
    *,
    context: str,
    access: Access | None,
    allow_hop: bool,
) -> ColumnRef:
    if field.relation_type is not RelationType.MANY_TO_ONE or field.join_column is None:
        raise FieldNotFound(
            f"'{field.name}' is a one-to-many relation and cannot be used in {context}",
            field=field.name,
        )
    if not rest:
        raise FieldNotFound(
            f"'{field.name}' is a relation: use '{field.join_column}' or a field of the "
            f"related record such as '{field.name}.id' in {context}",
            field=field.name,
        )
    target = (
        catalog.by_id(field.relation_target_object_id) if field.relation_target_object_id else None
    )
    if target is None or not allow_hop:
        raise FieldNotFound(f"'{field.name}.{'.'.join(rest)}' cannot be used in {context}")
    inner = resolve_column(catalog, target, rest, context=context, access=access, allow_hop=False)
    return ColumnRef(
        target, inner.field, inner.sub_field, inner.column, inner.kind, hop=Hop(field, target)
    )
