"""Creating, changing and deleting one field: validate → DDL → metadata rows.

Each function runs inside the metadata service's transaction, on the model it locked; it
returns the id of the field the caller should answer with. Nothing here commits.

Protection (Twenty's rules): fields that are not custom (standard fields, and the default fields
of custom objects) accept only label, description, icon, isActive, defaultValue and options
changes, and cannot be deleted; system fields cannot be deactivated either.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

import asyncpg

from app.errors import MetadataMutationForbidden, MetadataNotFound
from app.metadata import alter, execute, store
from app.metadata.custom_objects import many_to_one_settings
from app.metadata.enums import FieldType, OnDelete, RelationType
from app.metadata.field_rules import field_problems, type_problems
from app.metadata.inputs import FieldCreate, Update
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.options import OPTION_TYPES, option_edit, parse_options
from app.metadata.validation import Problem, Report, clean_label, field_problem, name_from_label
from app.metadata.workspace_model import WorkspaceModel

SYSTEM_FIELD_NAMES = frozenset(
    {"id", "createdAt", "updatedAt", "deletedAt", "position", "createdBy", "searchVector"}
)
_STANDARD_EDITABLE = frozenset(
    {"label", "description", "icon", "isActive", "defaultValue", "options", "isIndexed"}
)
# Known to Twenty's UpdateFieldInput, not modelled here: accepted and left alone.
_IGNORED = frozenset(
    {
        "isSystem",
        "isUIEditable",
        "isSearchable",
        "isAuditLogged",
        "universalIdentifier",
        "translations",
        "morphRelationsUpdatePayload",
        "objectMetadataId",
    }
)
# API key -> FieldMeta attribute, for the properties an update copies as they are.
_ATTRIBUTES = {
    "name": "name",
    "label": "label",
    "description": "description",
    "icon": "icon",
    "isActive": "is_active",
    "isUIReadOnly": "is_ui_read_only",
    "isNullable": "is_nullable",
    "isUnique": "is_unique",
    "defaultValue": "default_value",
    "isLabelSyncedWithName": "is_label_synced_with_name",
    "isIndexed": "is_indexed",
}
_REQUIRED_ATTRIBUTES = frozenset(
    {"name", "label", "is_active", "is_ui_read_only", "is_nullable", "is_unique"}
)


def _flag(values: Mapping[str, Any], key: str, default: bool) -> bool:
    value = values.get(key)
    return default if value is None else bool(value)


def _settings(raw: Any, problems: list[Problem]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(field_problem("settings must be an object", raw))
        return {}
    return dict(raw)


def _on_delete(settings: Mapping[str, Any]) -> OnDelete:
    try:
        return OnDelete(settings.get("onDelete") or OnDelete.SET_NULL)
    except ValueError:
        return OnDelete.SET_NULL


# ---- create ----------------------------------------------------------------------------------


def _build(obj: ObjectMeta, data: FieldCreate) -> tuple[FieldMeta, list[Problem]]:
    values = data.values
    field_type = FieldType(data.type)
    problems: list[Problem] = []
    options: tuple[Any, ...] = ()
    if field_type in OPTION_TYPES:
        options, problems = parse_options(values.get("options"), field_type)
    settings = _settings(values.get("settings"), problems)
    default = values.get("defaultValue")
    if default is None and field_type is FieldType.TEXT:
        default = "''"  # what Twenty stores for a TEXT field created without one
    field = FieldMeta(
        id=uuid.uuid4(),
        object_id=obj.id,
        name=data.name,
        label=clean_label(data.label),
        type=field_type,
        description=values.get("description"),
        icon=values.get("icon"),
        is_custom=True,
        is_active=_flag(values, "isActive", True),
        is_nullable=_flag(values, "isNullable", True),
        is_unique=_flag(values, "isUnique", False),
        is_ui_read_only=_flag(values, "isUIReadOnly", False),
        default_value=default,
        options=options,
        settings=settings,
        is_label_synced_with_name=_flag(values, "isLabelSyncedWithName", False),
        is_indexed=_flag(values, "isIndexed", False),
    )
    return field, problems


@dataclass(frozen=True, slots=True)
class Inverse:
    """The other side of a relation being created: its object and its field."""

    target: ObjectMeta
    field: FieldMeta


def _relation_pair(
    model: WorkspaceModel, obj: ObjectMeta, field: FieldMeta, data: FieldCreate
) -> tuple[FieldMeta, Inverse | None, list[Problem]]:
    """The field as one side of a relation, and its inverse on the target object."""
    malformed = "FIELD_METADATA_RELATION_MALFORMED"
    payload = data.relation
    if payload is None:
        message = data.relation_problem or "Relation creation payload is required"
        return field, None, [field_problem(message, code=malformed)]
    target = model.object(payload.target_object_id)
    if target is None:
        message = "Object metadata relation target not found for relation creation payload"
        return field, None, [field_problem(message, str(payload.target_object_id), malformed)]
    inverse_id = uuid.uuid4()
    inverse_name = payload.target_field_name or name_from_label(payload.target_field_label)
    on_delete = _on_delete(field.settings)
    many_to_one = payload.type is RelationType.MANY_TO_ONE
    owner_settings = many_to_one_settings(field.name if many_to_one else inverse_name, on_delete)
    one_to_many_settings = {"relationType": RelationType.ONE_TO_MANY.value}
    field = replace(
        field,
        icon=field.icon or "IconRelationOneToMany",
        is_nullable=True,
        default_value=None,
        relation_type=payload.type,
        relation_target_object_id=target.id,
        relation_target_field_id=inverse_id,
        on_delete=on_delete if many_to_one else None,
        settings=owner_settings if many_to_one else one_to_many_settings,
    )
    inverse = FieldMeta(
        id=inverse_id,
        object_id=target.id,
        name=inverse_name,
        label=payload.target_field_label,
        type=FieldType.RELATION,
        description=field.description,
        icon=payload.target_field_icon or "Icon123",
        is_custom=True,
        relation_type=RelationType.ONE_TO_MANY if many_to_one else RelationType.MANY_TO_ONE,
        relation_target_object_id=obj.id,
        relation_target_field_id=field.id,
        on_delete=None if many_to_one else on_delete,
        settings=one_to_many_settings if many_to_one else owner_settings,
    )
    return field, Inverse(target, inverse), []


def _validate(
    report: Report,
    obj: ObjectMeta,
    field: FieldMeta,
    inverse: Inverse | None,
    problems: list[Problem],
) -> None:
    """Both sides of a relation are judged on their objects, each aware of the other when the
    relation points at its own object."""
    self_relation = inverse is not None and inverse.target.id == obj.id
    alongside = [inverse.field] if inverse is not None and self_relation else []
    report.field("create_field", field, [*problems, *field_problems(field, obj, also=alongside)])
    if inverse is not None:
        also = [field] if self_relation else []
        report.field(
            "create_field", inverse.field, field_problems(inverse.field, inverse.target, also=also)
        )
    report.raise_if_failed()


def _create_ddl(
    model: WorkspaceModel, obj: ObjectMeta, field: FieldMeta, inverse: Inverse | None
) -> list[alter.Sql]:
    """The field's columns; for a relation, the join column on whichever side is many-to-one."""
    if inverse is None:
        return alter.add_field(model.schema, obj, field)
    if field.join_column is not None:
        return alter.add_field(model.schema, obj, field, target=inverse.target)
    return alter.add_field(model.schema, inverse.target, inverse.field, target=obj)


async def create(conn: asyncpg.Connection, model: WorkspaceModel, data: FieldCreate) -> UUID:
    report = Report("creating field")
    obj = model.object(data.object_id)
    placeholder = FieldMeta(uuid.uuid4(), data.object_id, data.name, data.label, FieldType.TEXT)
    if obj is None:
        problem = Problem("OBJECT_METADATA_NOT_FOUND", "Object metadata not found")
        report.field("create_field", placeholder, [problem])
        raise report.error()
    report.field("create_field", placeholder, type_problems(data.type))
    report.raise_if_failed()
    field, problems = _build(obj, data)
    inverse = None
    if field.type is FieldType.RELATION:
        field, inverse, relation_problems = _relation_pair(model, obj, field, data)
        problems += relation_problems
    _validate(report, obj, field, inverse, problems)

    statements = _create_ddl(model, obj, field, inverse)
    await execute.run(conn, statements, report=report, kind="create_field", entity=field)
    rows = [(model.workspace_id, await store.next_field_position(conn, obj.id), field)]
    if inverse is not None:
        position = await store.next_field_position(conn, inverse.target.id)
        position += inverse.target.id == obj.id  # both sides on one object
        rows.append((model.workspace_id, position, inverse.field))
    await store.insert_fields(conn, rows)
    return field.id


# ---- update ----------------------------------------------------------------------------------


def _api_value(field: FieldMeta, key: str) -> Any:
    if key == "options":
        return [option.to_json() for option in field.options] or None
    if key == "settings":
        return dict(field.settings)
    attribute = _ATTRIBUTES.get(key)
    return getattr(field, attribute) if attribute else None


def _protection(old: FieldMeta, changes: Mapping[str, Any]) -> None:
    if not old.is_custom:
        forbidden = sorted(
            key
            for key, value in changes.items()
            if key not in _STANDARD_EDITABLE | _IGNORED and value != _api_value(old, key)
        )
        if forbidden:
            raise MetadataMutationForbidden(
                f"Cannot edit standard field metadata properties: {', '.join(forbidden)}"
            )
    if changes.get("isActive") is False and (old.is_system or old.name in SYSTEM_FIELD_NAMES):
        raise MetadataMutationForbidden(f"Cannot deactivate system field '{old.name}'")


def _apply(old: FieldMeta, changes: Mapping[str, Any]) -> tuple[FieldMeta, list[Problem]]:
    problems: list[Problem] = []
    updates: dict[str, Any] = {}
    for key, attribute in _ATTRIBUTES.items():
        if key in changes and not (changes[key] is None and attribute in _REQUIRED_ATTRIBUTES):
            updates[attribute] = changes[key]
    if "label" in updates:
        updates["label"] = clean_label(updates["label"])
    if "options" in changes and old.type in OPTION_TYPES:
        updates["options"], problems = parse_options(changes["options"], old.type)
    if "settings" in changes:
        settings = _settings(changes["settings"], problems)
        if old.type is FieldType.RELATION:
            kept = {
                k: old.settings[k] for k in ("relationType", "joinColumnName") if k in old.settings
            }
            settings = {**old.settings, **settings, **kept}
        updates["settings"] = settings
    new = replace(old, **updates)
    if new.type is FieldType.RELATION:
        new = replace(new, is_nullable=True, is_unique=False, default_value=None)
        if new.relation_type is RelationType.MANY_TO_ONE:
            on_delete = _on_delete(new.settings)
            new = replace(
                new, on_delete=on_delete, settings=many_to_one_settings(new.name, on_delete)
            )
    return new, problems


def _ddl(model: WorkspaceModel, obj: ObjectMeta, old: FieldMeta, new: FieldMeta) -> list[alter.Sql]:
    schema = model.schema
    statements: list[alter.Sql] = []
    working = old
    if new.name != old.name:
        working = replace(old, name=new.name)
        statements += alter.rename_field(schema, obj, old, working)
    if new.type in OPTION_TYPES and new.options != old.options:
        edit = option_edit(old, new)
        fill = None
        if not new.is_nullable and isinstance(new.default_value, str):
            fill = new.default_value.strip("'")
        statements += alter.edit_options(schema, obj, working, new, edit, fill)
    if new.is_nullable != old.is_nullable:
        if not new.is_nullable:
            statements += alter.fill_nulls(schema, obj, new)
        statements += alter.set_nullable(schema, obj, new, nullable=new.is_nullable)
    if new.is_unique != old.is_unique:
        change = alter.add_unique if new.is_unique else alter.drop_unique
        statements += change(schema, obj, new)
    statements += alter.change_sort_indexes(schema, obj, working, new)
    if new.join_column is not None and new.on_delete != old.on_delete:
        target = model.object(new.relation_target_object_id)
        if target is not None:
            statements += alter.replace_foreign_key(schema, obj, new, target)
    return statements


def _renamed_in_criteria(obj: ObjectMeta, old: str, new: str) -> ObjectMeta | None:
    if not any(old in names for names in obj.duplicate_criteria):
        return None
    criteria = tuple(
        tuple(new if n == old else n for n in names) for names in obj.duplicate_criteria
    )
    return replace(obj, duplicate_criteria=criteria)


async def update(
    conn: asyncpg.Connection, model: WorkspaceModel, field_id: UUID, data: Update
) -> UUID:
    old = model.field(field_id)
    obj = model.object(old.object_id) if old is not None else None
    if old is None or obj is None:
        raise MetadataNotFound("Field metadata not found", id=str(field_id))
    changes = data.changes
    _protection(old, changes)
    report = Report("updating field")
    new, problems = _apply(old, changes)
    moving = changes.get("objectMetadataId")
    if moving is not None and moving != old.object_id:
        problems.append(field_problem("A field cannot move to another object", str(moving)))
    if new.is_active is False and obj.label_identifier_field_id == old.id:
        problems.append(field_problem("The label identifier field cannot be deactivated"))
    problems += field_problems(new, obj, check_name=new.name != old.name)
    report.field("update_field", new, problems)
    report.raise_if_failed()

    await execute.run(
        conn, _ddl(model, obj, old, new), report=report, kind="update_field", entity=new
    )
    await store.update_field(conn, model.workspace_id, new)
    criteria = _renamed_in_criteria(obj, old.name, new.name) if new.name != old.name else None
    if criteria is not None:
        await store.update_object(conn, criteria)
    return new.id


# ---- delete ----------------------------------------------------------------------------------


async def delete(conn: asyncpg.Connection, model: WorkspaceModel, field_id: UUID) -> FieldMeta:
    old = model.field(field_id)
    obj = model.object(old.object_id) if old is not None else None
    if old is None or obj is None:
        raise MetadataNotFound("Field metadata not found", id=str(field_id))
    if not old.is_custom:
        raise MetadataMutationForbidden("Only custom fields can be deleted")
    report = Report("deleting field")
    if obj.label_identifier_field_id == old.id:
        problem = field_problem("Cannot delete, please update the label identifier field first")
        report.field("delete_field", old, [problem])
        report.raise_if_failed()
    doomed = [(obj, old)]
    other = model.relation_target(old) if old.type is FieldType.RELATION else None
    if other is not None:
        doomed.append(other)
    statements = [s for owner, f in doomed for s in alter.drop_field(model.schema, owner, f)]
    await execute.run(conn, statements, report=report, kind="delete_field", entity=old)
    await store.delete_fields(conn, [f.id for _, f in doomed])
    criteria = tuple(names for names in obj.duplicate_criteria if old.name not in names)
    if criteria != obj.duplicate_criteria:
        await store.update_object(conn, replace(obj, duplicate_criteria=criteria))
    return old
