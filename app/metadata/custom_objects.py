"""What a new custom object is made of: its default fields, and its default relations.

Twenty gives every custom object the fields `id, name, createdAt, updatedAt, deletedAt,
createdBy, position, searchVector` (spec §3.5) and links it to five standard objects: the
object gets one-to-many fields `timelineActivities, favorites, attachments, noteTargets,
taskTargets`, and each of those objects gets a many-to-one field named after the new object
(`pet`, join column `petId`, ON DELETE CASCADE). Default fields are not custom (`isCustom`
false): they can be relabelled, not renamed or deleted.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from uuid import UUID

from app.metadata.enums import FieldType, OnDelete, RelationType
from app.metadata.inputs import ObjectCreate
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.seeder import build_objects
from app.metadata.specs import FieldSpec, ObjectSpec

DEFAULT_RELATION_TARGETS = (
    "timelineActivity",
    "favorite",
    "attachment",
    "noteTarget",
    "taskTarget",
)

_TARGET_ICONS = {
    "timelineActivity": "IconTimelineEvent",
    "favorite": "IconHeart",
    "attachment": "IconFileImport",
    "noteTarget": "IconCheckbox",
    "taskTarget": "IconCheckbox",
}


def build_custom_object(workspace_id: UUID, data: ObjectCreate) -> ObjectMeta:
    """The object and its default fields (no relations yet), with fresh ids."""
    name_field = FieldSpec("name", "Name", FieldType.TEXT, description="Name", icon="IconAbc")
    spec = ObjectSpec(
        name_singular=data.name_singular,
        name_plural=data.name_plural,
        label_singular=data.label_singular,
        label_plural=data.label_plural,
        description=data.description,
        icon=data.icon,
        fields=() if data.skip_name_field else (name_field,),
        label_identifier=None if data.skip_name_field else "name",
        search_fields=() if data.skip_name_field else ("name",),
    )
    (obj,) = build_objects(workspace_id, [spec], is_custom=True)
    return replace(
        obj,
        fields=tuple(replace(f, is_custom=False) for f in obj.fields),
        is_label_synced_with_name=data.is_label_synced_with_name,
        shortcut=data.shortcut,
        color=data.color,
    )


def default_relations(
    obj: ObjectMeta, targets: list[ObjectMeta]
) -> list[tuple[FieldMeta, FieldMeta]]:
    """(one-to-many field on `obj`, many-to-one field on the target) for each target."""
    pairs = []
    for target in targets:
        own_id, inverse_id = uuid.uuid4(), uuid.uuid4()
        own = FieldMeta(
            id=own_id,
            object_id=obj.id,
            name=target.name_plural,
            label=target.name_plural[:1].upper() + target.name_plural[1:],
            type=FieldType.RELATION,
            description=f"{target.label_plural} tied to the {obj.label_singular}",
            icon=_TARGET_ICONS.get(target.name_singular, "IconBuildingSkyscraper"),
            is_system=True,
            relation_type=RelationType.ONE_TO_MANY,
            relation_target_object_id=target.id,
            relation_target_field_id=inverse_id,
            settings={"relationType": RelationType.ONE_TO_MANY.value},
        )
        inverse = FieldMeta(
            id=inverse_id,
            object_id=target.id,
            name=obj.name_singular,
            label=obj.label_singular,
            type=FieldType.RELATION,
            description=f"{target.label_singular} {obj.label_singular}",
            icon="IconBuildingSkyscraper",
            is_system=True,
            relation_type=RelationType.MANY_TO_ONE,
            relation_target_object_id=obj.id,
            relation_target_field_id=own_id,
            on_delete=OnDelete.CASCADE,
            settings=many_to_one_settings(obj.name_singular, OnDelete.CASCADE),
        )
        pairs.append((own, inverse))
    return pairs


def many_to_one_settings(name: str, on_delete: OnDelete) -> dict[str, str]:
    return {
        "relationType": RelationType.MANY_TO_ONE.value,
        "onDelete": on_delete.value,
        "joinColumnName": f"{name}Id",
    }


def is_default_relation(field: FieldMeta, obj: ObjectMeta) -> bool:
    """A many-to-one field some standard object got when custom object `obj` was created."""
    return (
        field.type is FieldType.RELATION
        and field.relation_type is RelationType.MANY_TO_ONE
        and field.relation_target_object_id == obj.id
        and not field.is_custom
        and field.name == obj.name_singular
    )
