"""Twenty's metadata input types, by name (spec: twenty-metadata.graphql).

    input CursorPaging { before after: ConnectionCursor  first last: Int }
    input ObjectFilter { and or: [ObjectFilter!]  id universalIdentifier: UUIDFilterComparison
                         isActive isRemote isSearchable isSystem isUICreatable isUIEditable
                         isUIReadOnly: BooleanFieldComparison }
    input FieldFilter { and or: [FieldFilter!]  id objectMetadataId: UUIDFilterComparison
                        isActive isCustom isSystem isUIEditable isUIReadOnly:
                            BooleanFieldComparison }
    input CreateOneObjectInput { object: CreateObjectInput! }
    input UpdateOneObjectInput { update: UpdateObjectPayload!  id: UUID! }
    input DeleteOneObjectInput { id: UUID! }
    input CreateOneFieldMetadataInput { field: CreateFieldInput! }
    input UpdateOneFieldMetadataInput { id: UUID!  update: UpdateFieldInput! }
    input DeleteOneFieldInput { id: UUID! }
    (CreateObjectInput, UpdateObjectPayload, CreateFieldInput, UpdateFieldInput: Twenty's fields)

Resolvers hand `to_dict(input)` (the keys the client set, by GraphQL name) to the metadata
service, which checks them exactly as it checks a REST body.
"""

from __future__ import annotations

from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types.base import has_object_definition
from strawberry.utils.str_converters import to_camel_case

from app.graphql.metadata.enums import (
    FieldMetadataType,
    MetadataReadability,
    ObjectOpenRecordIn,
)
from app.graphql.metadata.scalars import JSON, ConnectionCursor

UNSET: Any = strawberry.UNSET


def to_dict(value: Any) -> Any:
    """An input object as {GraphQL name: value} for the fields the client set."""
    if isinstance(value, list):
        return [to_dict(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if not has_object_definition(value):
        return value
    out = {}
    for field in value.__strawberry_definition__.fields:
        item = getattr(value, field.python_name)
        if item is not strawberry.UNSET:
            out[field.graphql_name or to_camel_case(field.python_name)] = to_dict(item)
    return out


@strawberry.input(name="CursorPaging")
class CursorPaging:
    before: ConnectionCursor | None = UNSET
    after: ConnectionCursor | None = UNSET
    first: int | None = UNSET
    last: int | None = UNSET


@strawberry.input(name="UUIDFilterComparison")
class UUIDFilterComparison:
    is_: bool | None = strawberry.field(name="is", default=UNSET)
    is_not: bool | None = UNSET
    eq: UUID | None = UNSET
    neq: UUID | None = UNSET
    gt: UUID | None = UNSET
    gte: UUID | None = UNSET
    lt: UUID | None = UNSET
    lte: UUID | None = UNSET
    like: UUID | None = UNSET
    not_like: UUID | None = UNSET
    i_like: UUID | None = strawberry.field(name="iLike", default=UNSET)
    not_i_like: UUID | None = strawberry.field(name="notILike", default=UNSET)
    in_: list[UUID] | None = strawberry.field(name="in", default=UNSET)
    not_in: list[UUID] | None = UNSET


@strawberry.input(name="BooleanFieldComparison")
class BooleanFieldComparison:
    is_: bool | None = strawberry.field(name="is", default=UNSET)
    is_not: bool | None = UNSET


@strawberry.input(name="ObjectFilter")
class ObjectFilter:
    and_: list[ObjectFilter] | None = strawberry.field(name="and", default=UNSET)
    or_: list[ObjectFilter] | None = strawberry.field(name="or", default=UNSET)
    id: UUIDFilterComparison | None = UNSET
    universal_identifier: UUIDFilterComparison | None = UNSET
    is_active: BooleanFieldComparison | None = UNSET
    is_remote: BooleanFieldComparison | None = UNSET
    is_searchable: BooleanFieldComparison | None = UNSET
    is_system: BooleanFieldComparison | None = UNSET
    is_ui_creatable: BooleanFieldComparison | None = strawberry.field(
        name="isUICreatable", default=UNSET
    )
    is_ui_editable: BooleanFieldComparison | None = strawberry.field(
        name="isUIEditable", default=UNSET
    )
    is_ui_read_only: BooleanFieldComparison | None = strawberry.field(
        name="isUIReadOnly", default=UNSET
    )
    is_custom: BooleanFieldComparison | None = UNSET


@strawberry.input(name="FieldFilter")
class FieldFilter:
    and_: list[FieldFilter] | None = strawberry.field(name="and", default=UNSET)
    or_: list[FieldFilter] | None = strawberry.field(name="or", default=UNSET)
    id: UUIDFilterComparison | None = UNSET
    is_active: BooleanFieldComparison | None = UNSET
    is_custom: BooleanFieldComparison | None = UNSET
    is_system: BooleanFieldComparison | None = UNSET
    is_ui_editable: BooleanFieldComparison | None = strawberry.field(
        name="isUIEditable", default=UNSET
    )
    is_ui_read_only: BooleanFieldComparison | None = strawberry.field(
        name="isUIReadOnly", default=UNSET
    )
    object_metadata_id: UUIDFilterComparison | None = UNSET


@strawberry.input(name="MetadataTranslationOverrideInput")
class MetadataTranslationOverrideInput:
    locale: str
    property: str
    value: str | None = UNSET


@strawberry.input(name="CreateObjectInput")
class CreateObjectInput:
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    description: str | None = UNSET
    icon: str | None = UNSET
    shortcut: str | None = UNSET
    color: str | None = UNSET
    skip_name_field: bool | None = UNSET
    is_remote: bool | None = UNSET
    primary_key_column_type: str | None = UNSET
    primary_key_field_metadata_settings: JSON | None = UNSET
    is_label_synced_with_name: bool | None = UNSET


@strawberry.input(name="UpdateObjectPayload")
class UpdateObjectPayload:
    label_singular: str | None = UNSET
    label_plural: str | None = UNSET
    name_singular: str | None = UNSET
    name_plural: str | None = UNSET
    description: str | None = UNSET
    icon: str | None = UNSET
    shortcut: str | None = UNSET
    color: str | None = UNSET
    is_active: bool | None = UNSET
    label_identifier_field_metadata_id: UUID | None = UNSET
    image_identifier_field_metadata_id: UUID | None = UNSET
    is_label_synced_with_name: bool | None = UNSET
    is_searchable: bool | None = UNSET
    open_record_in: ObjectOpenRecordIn | None = UNSET
    readability: MetadataReadability | None = UNSET
    translations: list[MetadataTranslationOverrideInput] | None = UNSET


@strawberry.input(name="CreateOneObjectInput")
class CreateOneObjectInput:
    object: CreateObjectInput


@strawberry.input(name="UpdateOneObjectInput")
class UpdateOneObjectInput:
    update: UpdateObjectPayload
    id: UUID


@strawberry.input(name="DeleteOneObjectInput")
class DeleteOneObjectInput:
    id: UUID


@strawberry.input(name="CreateFieldInput")
class CreateFieldInput:
    type: FieldMetadataType
    name: str
    label: str
    object_metadata_id: UUID
    description: str | None = UNSET
    icon: str | None = UNSET
    is_active: bool | None = UNSET
    is_system: bool | None = UNSET
    is_ui_editable: bool | None = strawberry.field(name="isUIEditable", default=UNSET)
    is_ui_read_only: bool | None = strawberry.field(name="isUIReadOnly", default=UNSET)
    is_nullable: bool | None = UNSET
    is_unique: bool | None = UNSET
    is_indexed: bool | None = UNSET  # ours: sort indexes on the field
    is_searchable: bool | None = UNSET
    is_audit_logged: bool | None = UNSET
    default_value: JSON | None = UNSET
    options: JSON | None = UNSET
    settings: JSON | None = UNSET
    is_label_synced_with_name: bool | None = UNSET
    is_remote_creation: bool | None = UNSET
    relation_creation_payload: JSON | None = UNSET
    morph_relations_creation_payload: list[JSON] | None = UNSET


@strawberry.input(name="UpdateFieldInput")
class UpdateFieldInput:
    universal_identifier: str | None = UNSET
    name: str | None = UNSET
    label: str | None = UNSET
    description: str | None = UNSET
    icon: str | None = UNSET
    is_active: bool | None = UNSET
    is_system: bool | None = UNSET
    is_ui_editable: bool | None = strawberry.field(name="isUIEditable", default=UNSET)
    is_ui_read_only: bool | None = strawberry.field(name="isUIReadOnly", default=UNSET)
    is_nullable: bool | None = UNSET
    is_unique: bool | None = UNSET
    is_indexed: bool | None = UNSET  # ours: sort indexes on the field
    is_searchable: bool | None = UNSET
    is_audit_logged: bool | None = UNSET
    default_value: JSON | None = UNSET
    options: JSON | None = UNSET
    settings: JSON | None = UNSET
    object_metadata_id: UUID | None = UNSET
    is_label_synced_with_name: bool | None = UNSET
    morph_relations_update_payload: list[JSON] | None = UNSET
    translations: list[MetadataTranslationOverrideInput] | None = UNSET


@strawberry.input(name="CreateOneFieldMetadataInput")
class CreateOneFieldMetadataInput:
    field: CreateFieldInput


@strawberry.input(name="UpdateOneFieldMetadataInput")
class UpdateOneFieldMetadataInput:
    id: UUID
    update: UpdateFieldInput


@strawberry.input(name="DeleteOneFieldInput")
class DeleteOneFieldInput:
    id: UUID
