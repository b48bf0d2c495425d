"""The metadata schema's output types, built from the metadata model (`from_meta`).

    type Object { id universalIdentifier nameSingular namePlural labelSingular labelPlural
                  description icon shortcut color isCustom isRemote isActive isSystem
                  isUIEditable isUICreatable isUIReadOnly isSearchable openRecordIn
                  readability writability applicationId createdAt updatedAt
                  labelIdentifierFieldMetadataId imageIdentifierFieldMetadataId
                  isLabelSyncedWithName duplicateCriteria
                  fields(paging: CursorPaging! = {first: 1000}, filter: FieldFilter! = {}):
                      ObjectFieldsConnection!
                  fieldsList: [Field!]! }
    type Field { id universalIdentifier type name label description icon isCustom isActive
                 isSystem isUIEditable writability isUIReadOnly isNullable isUnique
                 isSearchable isAuditLogged defaultValue options settings objectMetadataId
                 isLabelSyncedWithName morphId createdAt updatedAt applicationId
                 object: Object  relation: Relation }
    type Relation { type: RelationType! sourceObjectMetadata targetObjectMetadata: Object!
                    sourceFieldMetadata targetFieldMetadata: Field! }
    type PageInfo { hasNextPage hasPreviousPage: Boolean  startCursor endCursor: ConnectionCursor }
    type ObjectConnection | FieldConnection | ObjectFieldsConnection
         { pageInfo: PageInfo!  edges: [...Edge!]!  totalCount: Int! }
    type ObjectEdge | FieldEdge { node: Object! | Field!  cursor: ConnectionCursor! }

`isCustom` and `totalCount` are additions to Twenty 2.43's SDL (older Twenty had both).
"""

from __future__ import annotations

import uuid
from uuid import UUID

import strawberry

from app.graphql.metadata.enums import (
    FieldMetadataType,
    MetadataReadability,
    MetadataWritability,
    ObjectOpenRecordIn,
    RelationType,
)
from app.graphql.metadata.inputs import CursorPaging, FieldFilter
from app.graphql.metadata.paging import encode_cursor, field_matches, page_request
from app.graphql.metadata.scalars import JSON, ConnectionCursor, DateTime, moment
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.paging import Page, paginate
from app.metadata.workspace_model import WorkspaceModel

_APPLICATIONS = uuid.UUID("6f1c2a9e-6b7e-4d35-9a8e-1d3f4f6b2c10")


def application_id(workspace_id: UUID, custom: bool) -> UUID:
    """Twenty groups metadata by application: the standard one, and the workspace's custom one."""
    return uuid.uuid5(_APPLICATIONS, f"{workspace_id}:{'custom' if custom else 'standard'}")


def _writability(custom: bool, system: bool) -> MetadataWritability:
    if system:
        return MetadataWritability.SYSTEM
    return MetadataWritability.OPEN if custom else MetadataWritability.APPLICATION


@strawberry.type(name="PageInfo")
class PageInfo:
    has_next_page: bool | None
    has_previous_page: bool | None
    start_cursor: ConnectionCursor | None
    end_cursor: ConnectionCursor | None

    @classmethod
    def of(cls, page: Page[ObjectMeta] | Page[FieldMeta]) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=ConnectionCursor(encode_cursor(page.start)) if page.start else None,
            end_cursor=ConnectionCursor(encode_cursor(page.end)) if page.end else None,
        )


@strawberry.type(name="Object")
class ObjectNode:
    id: UUID
    universal_identifier: str
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    description: str | None
    icon: str | None
    shortcut: str | None
    color: str | None
    is_custom: bool
    is_remote: bool
    is_active: bool
    is_system: bool
    is_ui_editable: bool = strawberry.field(name="isUIEditable")
    is_ui_creatable: bool = strawberry.field(name="isUICreatable")
    is_ui_read_only: bool = strawberry.field(name="isUIReadOnly")
    is_searchable: bool
    open_record_in: ObjectOpenRecordIn
    readability: MetadataReadability
    readability_parent_field_universal_identifiers: list[UUID] | None
    writability: MetadataWritability
    application_id: UUID
    created_at: DateTime
    updated_at: DateTime
    label_identifier_field_metadata_id: UUID | None
    image_identifier_field_metadata_id: UUID | None
    is_label_synced_with_name: bool
    duplicate_criteria: list[list[str]] | None
    meta: strawberry.Private[ObjectMeta]
    model: strawberry.Private[WorkspaceModel]

    @classmethod
    def from_meta(cls, obj: ObjectMeta, model: WorkspaceModel) -> ObjectNode:
        return cls(
            id=obj.id,
            universal_identifier=str(obj.id),
            name_singular=obj.name_singular,
            name_plural=obj.name_plural,
            label_singular=obj.label_singular,
            label_plural=obj.label_plural,
            description=obj.description,
            icon=obj.icon,
            shortcut=obj.shortcut,
            color=obj.color,
            is_custom=obj.is_custom,
            is_remote=False,
            is_active=obj.is_active,
            is_system=obj.is_system,
            is_ui_editable=not obj.is_system,
            is_ui_creatable=not obj.is_system,
            is_ui_read_only=obj.is_system,
            is_searchable=obj.is_searchable,
            open_record_in=ObjectOpenRecordIn.SIDE_PANEL,
            readability=MetadataReadability.OPEN,
            readability_parent_field_universal_identifiers=None,
            writability=_writability(obj.is_custom, obj.is_system),
            application_id=application_id(obj.workspace_id, obj.is_custom),
            created_at=moment(obj.created_at),
            updated_at=moment(obj.updated_at),
            label_identifier_field_metadata_id=obj.label_identifier_field_id,
            image_identifier_field_metadata_id=obj.image_identifier_field_id,
            is_label_synced_with_name=obj.is_label_synced_with_name,
            duplicate_criteria=[list(names) for names in obj.duplicate_criteria],
            meta=obj,
            model=model,
        )

    @strawberry.field
    def fields(
        self,
        paging: CursorPaging = CursorPaging(first=1000),
        filter: FieldFilter = FieldFilter(),
    ) -> ObjectFieldsConnection:
        kept = [f for f in self.meta.fields if field_matches(f, filter)]
        page = paginate(kept, page_request(paging, default=1000), key=lambda f: f.id)
        edges = [FieldEdge.of(f, self.model) for f in page.items]
        return ObjectFieldsConnection(
            page_info=PageInfo.of(page), edges=edges, total_count=page.total
        )

    @strawberry.field
    def fields_list(self) -> list[FieldNode]:
        return [FieldNode.from_meta(f, self.model) for f in self.meta.fields]


@strawberry.type(name="Field")
class FieldNode:
    id: UUID
    universal_identifier: str
    type: FieldMetadataType
    name: str
    label: str
    description: str | None
    icon: str | None
    is_custom: bool | None
    is_active: bool | None
    is_system: bool | None
    is_ui_editable: bool | None = strawberry.field(name="isUIEditable")
    writability: MetadataWritability | None
    is_ui_read_only: bool | None = strawberry.field(name="isUIReadOnly")
    is_nullable: bool | None
    is_unique: bool | None
    is_indexed: bool | None  # ours: sort indexes on the field
    is_searchable: bool | None
    is_audit_logged: bool | None
    default_value: JSON | None
    options: JSON | None
    settings: JSON | None
    object_metadata_id: UUID
    is_label_synced_with_name: bool | None
    morph_id: UUID | None
    created_at: DateTime
    updated_at: DateTime
    application_id: UUID
    meta: strawberry.Private[FieldMeta]
    model: strawberry.Private[WorkspaceModel]

    @classmethod
    def from_meta(cls, field: FieldMeta, model: WorkspaceModel) -> FieldNode:
        return cls(
            id=field.id,
            universal_identifier=str(field.id),
            type=FieldMetadataType(field.type.value),
            name=field.name,
            label=field.label,
            description=field.description,
            icon=field.icon,
            is_custom=field.is_custom,
            is_active=field.is_active,
            is_system=field.is_system,
            is_ui_editable=not field.is_ui_read_only,
            writability=_writability(field.is_custom, field.is_system),
            is_ui_read_only=field.is_ui_read_only,
            is_nullable=field.is_nullable,
            is_unique=field.is_unique,
            is_indexed=field.is_indexed,
            is_searchable=False,
            is_audit_logged=True,
            default_value=field.default_value,
            options=[option.to_json() for option in field.options] or None,
            settings=dict(field.settings) or None,
            object_metadata_id=field.object_id,
            is_label_synced_with_name=field.is_label_synced_with_name,
            morph_id=None,
            created_at=moment(field.created_at),
            updated_at=moment(field.updated_at),
            application_id=application_id(model.workspace_id, field.is_custom),
            meta=field,
            model=model,
        )

    @strawberry.field
    def object(self) -> ObjectNode | None:
        obj = self.model.object(self.meta.object_id)
        return ObjectNode.from_meta(obj, self.model) if obj is not None else None

    @strawberry.field
    def relation(self) -> RelationNode | None:
        field = self.meta
        source = self.model.object(field.object_id)
        other = self.model.relation_target(field)
        if field.relation_type is None or source is None or other is None:
            return None
        target, inverse = other
        return RelationNode(
            type=RelationType(field.relation_type.value),
            source_object_metadata=ObjectNode.from_meta(source, self.model),
            target_object_metadata=ObjectNode.from_meta(target, self.model),
            source_field_metadata=self,
            target_field_metadata=FieldNode.from_meta(inverse, self.model),
        )


@strawberry.type(name="Relation")
class RelationNode:
    type: RelationType
    source_object_metadata: ObjectNode
    target_object_metadata: ObjectNode
    source_field_metadata: FieldNode
    target_field_metadata: FieldNode


@strawberry.type(name="ObjectEdge")
class ObjectEdge:
    node: ObjectNode
    cursor: ConnectionCursor

    @classmethod
    def of(cls, obj: ObjectMeta, model: WorkspaceModel) -> ObjectEdge:
        return cls(
            node=ObjectNode.from_meta(obj, model), cursor=ConnectionCursor(encode_cursor(obj.id))
        )


@strawberry.type(name="FieldEdge")
class FieldEdge:
    node: FieldNode
    cursor: ConnectionCursor

    @classmethod
    def of(cls, field: FieldMeta, model: WorkspaceModel) -> FieldEdge:
        return cls(
            node=FieldNode.from_meta(field, model), cursor=ConnectionCursor(encode_cursor(field.id))
        )


@strawberry.type(name="ObjectConnection")
class ObjectConnection:
    page_info: PageInfo
    edges: list[ObjectEdge]
    total_count: int


@strawberry.type(name="FieldConnection")
class FieldConnection:
    page_info: PageInfo
    edges: list[FieldEdge]
    total_count: int


@strawberry.type(name="ObjectFieldsConnection")
class ObjectFieldsConnection:
    page_info: PageInfo
    edges: list[FieldEdge]
    total_count: int
