"""Creating, changing and deleting one object: validate → DDL → metadata rows.

Each function runs inside the metadata service's transaction, on the model it locked. Standard
objects can be relabelled, described, re-iconed and deactivated; only custom objects can be
renamed or deleted (Twenty: "Cannot edit standard object metadata properties: …").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from uuid import UUID

import asyncpg

from app.errors import InvalidMetadataInput, MetadataMutationForbidden, MetadataNotFound
from app.metadata import alter, execute, store
from app.metadata.custom_objects import (
    DEFAULT_RELATION_TARGETS,
    build_custom_object,
    default_relations,
    is_default_relation,
    many_to_one_settings,
)
from app.metadata.ddl import create_table
from app.metadata.field_rules import availability_problems
from app.metadata.inputs import ObjectCreate, Update
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.validation import (
    MAX_IDENTIFIER,
    Problem,
    Report,
    clean_label,
    name_from_label,
    object_label_problems,
    object_name_problems,
    object_problem,
    object_uniqueness_problems,
)
from app.metadata.workspace_model import WorkspaceModel

_STANDARD_LOCKED = (
    "nameSingular",
    "namePlural",
    "labelIdentifierFieldMetadataId",
    "imageIdentifierFieldMetadataId",
    "isLabelSyncedWithName",
)
# API key -> ObjectMeta attribute, for the properties an update copies as they are.
_ATTRIBUTES = {
    "nameSingular": "name_singular",
    "namePlural": "name_plural",
    "labelSingular": "label_singular",
    "labelPlural": "label_plural",
    "description": "description",
    "icon": "icon",
    "shortcut": "shortcut",
    "color": "color",
    "isActive": "is_active",
    "labelIdentifierFieldMetadataId": "label_identifier_field_id",
    "imageIdentifierFieldMetadataId": "image_identifier_field_id",
    "isLabelSyncedWithName": "is_label_synced_with_name",
    "isSearchable": "is_searchable",
}
_REQUIRED = frozenset(
    {"name_singular", "name_plural", "label_singular", "label_plural", "is_active"}
    | {"is_label_synced_with_name", "is_searchable"}
)


def _object_problems(obj: ObjectMeta, model: WorkspaceModel) -> list[Problem]:
    problems = [
        *object_name_problems(obj.name_singular, obj.name_plural),
        *object_label_problems(obj.label_singular, obj.label_plural),
    ]
    if obj.is_custom and len(obj.table_name) > MAX_IDENTIFIER and len(obj.name_singular) <= 63:
        problems.append(object_problem("Name is too long", obj.name_singular))
    if obj.is_label_synced_with_name and (
        obj.name_singular != name_from_label(obj.label_singular)
        or obj.name_plural != name_from_label(obj.label_plural)
    ):
        problems.append(object_problem("Names are not synced with labels"))
    problems += object_uniqueness_problems(
        obj.name_singular, obj.name_plural, model.objects, exclude=obj.id
    )
    return problems


def _renamed_inverse(field: FieldMeta, name: str) -> FieldMeta:
    assert field.on_delete is not None
    return replace(field, name=name, settings=many_to_one_settings(name, field.on_delete))


# ---- create ----------------------------------------------------------------------------------


async def create(conn: asyncpg.Connection, model: WorkspaceModel, data: ObjectCreate) -> UUID:
    report = Report("creating object")
    data = replace(
        data,
        label_singular=clean_label(data.label_singular),
        label_plural=clean_label(data.label_plural),
    )
    obj = build_custom_object(model.workspace_id, data)
    report.object("create_object", obj, _object_problems(obj, model))
    targets = [t for name in DEFAULT_RELATION_TARGETS if (t := model.by_singular(name)) is not None]
    pairs = default_relations(obj, targets)
    for (_, inverse), target in zip(pairs, targets, strict=True):
        report.field("create_field", inverse, availability_problems(inverse, target))
    report.raise_if_failed()

    obj = replace(obj, fields=obj.fields + tuple(own for own, _ in pairs))
    statements = [alter.Sql(text) for text in create_table(model.schema, obj)]
    for (_, inverse), target in zip(pairs, targets, strict=True):
        statements += alter.add_field(model.schema, target, inverse, target=obj)
    await execute.run(conn, statements, report=report, kind="create_object", entity=obj)

    await store.insert_objects(conn, [obj])
    rows = []
    for (_, inverse), target in zip(pairs, targets, strict=True):
        rows.append((model.workspace_id, await store.next_field_position(conn, target.id), inverse))
    await store.insert_fields(conn, rows)
    return obj.id


# ---- update ----------------------------------------------------------------------------------


def _api_value(obj: ObjectMeta, key: str) -> Any:
    attribute = _ATTRIBUTES.get(key)
    return getattr(obj, attribute) if attribute else None


def _apply(old: ObjectMeta, changes: Mapping[str, Any]) -> ObjectMeta:
    updates: dict[str, Any] = {}
    for key, attribute in _ATTRIBUTES.items():
        if key in changes and not (changes[key] is None and attribute in _REQUIRED):
            updates[attribute] = changes[key]
    for attribute in ("label_singular", "label_plural"):
        if attribute in updates:
            updates[attribute] = clean_label(updates[attribute])
    return replace(old, **updates)


def _identifier_problems(new: ObjectMeta) -> list[Problem]:
    own = {f.id for f in new.fields}
    problems = []
    for key, value in (
        ("labelIdentifierFieldMetadataId", new.label_identifier_field_id),
        ("imageIdentifierFieldMetadataId", new.image_identifier_field_id),
    ):
        if value is not None and value not in own:
            message = f"{key} validation failed: related field metadata not found"
            problems.append(object_problem(message, str(value)))
    return problems


async def update(
    conn: asyncpg.Connection, model: WorkspaceModel, object_id: UUID, data: Update
) -> UUID:
    old = model.object(object_id)
    if old is None:
        raise MetadataNotFound("Object metadata not found", id=str(object_id))
    changes = data.changes
    if not old.is_custom:
        locked = sorted(
            k for k in _STANDARD_LOCKED if k in changes and changes[k] != _api_value(old, k)
        )
        if locked:
            raise InvalidMetadataInput(
                [f"Cannot edit standard object metadata properties: {', '.join(locked)}"]
            )
    new = _apply(old, changes)
    report = Report("updating object")
    report.object("update_object", new, [*_object_problems(new, model), *_identifier_problems(new)])
    renames: list[tuple[ObjectMeta, FieldMeta, FieldMeta]] = []
    if new.name_singular != old.name_singular:
        for field in model.fields:
            target = model.object(field.object_id)
            if target is not None and is_default_relation(field, old):
                renamed = _renamed_inverse(field, new.name_singular)
                report.field("update_field", renamed, availability_problems(renamed, target))
                renames.append((target, field, renamed))
    report.raise_if_failed()

    statements = alter.rename_table(model.schema, old, new)
    for target, field, renamed in renames:
        statements += alter.rename_field(model.schema, target, field, renamed)
    await execute.run(conn, statements, report=report, kind="update_object", entity=new)
    await store.update_object(conn, new)
    for _, _, renamed in renames:
        await store.update_field(conn, model.workspace_id, renamed)
    return new.id


# ---- delete ----------------------------------------------------------------------------------


async def delete(conn: asyncpg.Connection, model: WorkspaceModel, object_id: UUID) -> ObjectMeta:
    """The table, the relation fields other objects have towards it (with their join columns),
    and every metadata row of the object."""
    old = model.object(object_id)
    if old is None:
        raise MetadataNotFound("Object metadata not found", id=str(object_id))
    if not old.is_custom:
        raise MetadataMutationForbidden("Standard objects cannot be deleted")
    incoming = [
        (owner, field)
        for field in model.fields
        if field.object_id != old.id
        and field.relation_target_object_id == old.id
        and (owner := model.object(field.object_id)) is not None
    ]
    statements = [s for owner, f in incoming for s in alter.drop_field(model.schema, owner, f)]
    statements += alter.drop_table(model.schema, old)
    report = Report("deleting object")
    await execute.run(conn, statements, report=report, kind="delete_object", entity=old)
    await store.delete_fields(conn, [f.id for _, f in incoming])
    await store.delete_object(conn, old.id)
    return old
