"""Turns object specs into metadata values: assigns ids, adds system fields and relation inverses.

Pure: no database. The workspace service persists what this builds and creates the tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from uuid import UUID

from app.metadata.enums import FieldType, OnDelete, RelationType
from app.metadata.model import FieldMeta, FieldOption, ObjectMeta
from app.metadata.specs import FieldSpec, ObjectSpec, OptionSpec

SYSTEM_FIELD_NAMES = ("id", "createdAt", "updatedAt", "deletedAt")


def system_fields(spec: ObjectSpec) -> list[FieldSpec]:
    """The fields every record has (spec §5.2), in Twenty's order."""
    fields = [
        FieldSpec(
            "id",
            "Id",
            FieldType.UUID,
            is_nullable=False,
            is_system=True,
            icon="Icon123",
            default_value="uuid",
        ),
        FieldSpec(
            "createdAt",
            "Creation date",
            FieldType.DATE_TIME,
            is_nullable=False,
            icon="IconCalendar",
            default_value="now",
        ),
        FieldSpec(
            "updatedAt",
            "Last update",
            FieldType.DATE_TIME,
            is_nullable=False,
            icon="IconCalendarClock",
            default_value="now",
        ),
        FieldSpec("deletedAt", "Deleted at", FieldType.DATE_TIME, icon="IconCalendarMinus"),
    ]
    if spec.has_position:
        fields.append(
            FieldSpec(
                "position", "Position", FieldType.POSITION, is_system=True, icon="IconHierarchy2"
            )
        )
    if spec.has_created_by:
        fields.append(
            FieldSpec(
                "createdBy",
                "Created by",
                FieldType.ACTOR,
                is_ui_read_only=True,
                icon="IconCreativeCommonsSa",
                default_value={"source": "'MANUAL'", "name": "'System'"},
            )
        )
    if spec.search_fields:
        fields.append(
            FieldSpec(
                "searchVector",
                "Search vector",
                FieldType.TS_VECTOR,
                is_system=True,
                icon="IconUser",
                settings={"searchFields": list(spec.search_fields)},
            )
        )
    return fields


def options_from_specs(specs: Iterable[OptionSpec]) -> tuple[FieldOption, ...]:
    return tuple(
        FieldOption(id=str(uuid.uuid4()), label=o.label, value=o.value, color=o.color, position=i)
        for i, o in enumerate(specs)
    )


def field_from_spec(spec: FieldSpec, object_id: UUID, *, is_custom: bool) -> FieldMeta:
    relation_type = RelationType.MANY_TO_ONE if spec.relation is not None else None
    return FieldMeta(
        id=uuid.uuid4(),
        object_id=object_id,
        name=spec.name,
        label=spec.label,
        type=spec.type,
        description=spec.description,
        icon=spec.icon,
        is_custom=is_custom,
        is_system=spec.is_system,
        is_nullable=spec.is_nullable,
        is_unique=spec.is_unique,
        is_ui_read_only=spec.is_ui_read_only,
        default_value=spec.default_value,
        options=options_from_specs(spec.options),
        settings=dict(spec.settings),
        relation_type=relation_type,
        on_delete=spec.relation.on_delete if spec.relation is not None else None,
    )


def build_objects(
    workspace_id: UUID, specs: Sequence[ObjectSpec], *, is_custom: bool = False
) -> list[ObjectMeta]:
    """Metadata for `specs`, with ids, system fields and both sides of every relation."""
    object_ids = {spec.name_singular: uuid.uuid4() for spec in specs}
    fields: dict[str, list[FieldMeta]] = {}
    for spec in specs:
        object_id = object_ids[spec.name_singular]
        declared = [*system_fields(spec), *spec.fields]
        fields[spec.name_singular] = [
            field_from_spec(f, object_id, is_custom=is_custom) for f in declared
        ]
    _link_relations(specs, object_ids, fields)
    objects = []
    for spec in specs:
        own = fields[spec.name_singular]
        label_id = next((f.id for f in own if f.name == spec.label_identifier), None)
        objects.append(
            ObjectMeta(
                id=object_ids[spec.name_singular],
                workspace_id=workspace_id,
                name_singular=spec.name_singular,
                name_plural=spec.name_plural,
                label_singular=spec.label_singular,
                label_plural=spec.label_plural,
                fields=tuple(own),
                description=spec.description,
                icon=spec.icon,
                is_custom=is_custom,
                is_system=spec.is_system,
                is_searchable=bool(spec.search_fields),
                label_identifier_field_id=label_id,
                duplicate_criteria=spec.duplicate_criteria,
            )
        )
    return objects


def _link_relations(
    specs: Sequence[ObjectSpec],
    object_ids: dict[str, UUID],
    fields: dict[str, list[FieldMeta]],
) -> None:
    """Give every many-to-one field its one-to-many inverse on the target, and point them at
    each other."""
    for spec in specs:
        for field_spec in spec.fields:
            relation = field_spec.relation
            if relation is None:
                continue
            if relation.target not in object_ids:
                raise ValueError(
                    f"{spec.name_singular}.{field_spec.name}: unknown target {relation.target!r}"
                )
            owner_list = fields[spec.name_singular]
            index = next(i for i, f in enumerate(owner_list) if f.name == field_spec.name)
            inverse = FieldMeta(
                id=uuid.uuid4(),
                object_id=object_ids[relation.target],
                name=relation.inverse_name,
                label=relation.inverse_label,
                type=FieldType.RELATION,
                icon=relation.inverse_icon,
                relation_type=RelationType.ONE_TO_MANY,
                relation_target_object_id=object_ids[spec.name_singular],
                relation_target_field_id=owner_list[index].id,
                is_system=spec.is_system,
            )
            owner_list[index] = replace(
                owner_list[index],
                relation_target_object_id=object_ids[relation.target],
                relation_target_field_id=inverse.id,
                on_delete=relation.on_delete or OnDelete.SET_NULL,
                settings={
                    **owner_list[index].settings,
                    "relationType": RelationType.MANY_TO_ONE.value,
                    "onDelete": (relation.on_delete or OnDelete.SET_NULL).value,
                    "joinColumnName": f"{field_spec.name}Id",
                },
            )
            fields[relation.target].append(
                replace(inverse, settings={"relationType": RelationType.ONE_TO_MANY.value})
            )
