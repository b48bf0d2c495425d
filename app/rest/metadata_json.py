"""Objects and fields as the metadata REST API writes them (Twenty's legacy selection, plus the
properties its newer entities carry). Objects inline their fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.metadata.field_types import ScalarKind, dump_scalar
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.workspace_model import WorkspaceModel


def _moment(value: datetime | None) -> Any:
    return dump_scalar(ScalarKind.DATE_TIME, value)


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def relation_json(field: FieldMeta, model: WorkspaceModel) -> dict[str, Any] | None:
    """Twenty's `relation { type sourceObjectMetadata targetObjectMetadata sourceFieldMetadata
    targetFieldMetadata }`; None for a field that is not a relation."""
    if field.relation_type is None:
        return None
    source = model.object(field.object_id)
    other = model.relation_target(field)
    if source is None or other is None:
        return None
    target, inverse = other
    return {
        "type": field.relation_type.value,
        "sourceObjectMetadata": _object_ref(source),
        "targetObjectMetadata": _object_ref(target),
        "sourceFieldMetadata": {"id": str(field.id), "name": field.name},
        "targetFieldMetadata": {"id": str(inverse.id), "name": inverse.name},
    }


def _object_ref(obj: ObjectMeta) -> dict[str, Any]:
    return {"id": str(obj.id), "nameSingular": obj.name_singular, "namePlural": obj.name_plural}


def field_json(field: FieldMeta, model: WorkspaceModel) -> dict[str, Any]:
    return {
        "id": str(field.id),
        "type": field.type.value,
        "name": field.name,
        "label": field.label,
        "description": field.description,
        "icon": field.icon,
        "isCustom": field.is_custom,
        "isActive": field.is_active,
        "isSystem": field.is_system,
        "isUIReadOnly": field.is_ui_read_only,
        "isNullable": field.is_nullable,
        "isUnique": field.is_unique,
        "isIndexed": field.is_indexed,
        "defaultValue": field.default_value,
        "options": [option.to_json() for option in field.options] or None,
        "settings": dict(field.settings) or None,
        "objectMetadataId": str(field.object_id),
        "isLabelSyncedWithName": field.is_label_synced_with_name,
        "relationTargetFieldMetadataId": _id(field.relation_target_field_id),
        "relationTargetObjectMetadataId": _id(field.relation_target_object_id),
        "createdAt": _moment(field.created_at),
        "updatedAt": _moment(field.updated_at),
        "relation": relation_json(field, model),
    }


def object_json(obj: ObjectMeta, model: WorkspaceModel) -> dict[str, Any]:
    return {
        "id": str(obj.id),
        "nameSingular": obj.name_singular,
        "namePlural": obj.name_plural,
        "labelSingular": obj.label_singular,
        "labelPlural": obj.label_plural,
        "description": obj.description,
        "icon": obj.icon,
        "shortcut": obj.shortcut,
        "color": obj.color,
        "isCustom": obj.is_custom,
        "isRemote": False,
        "isActive": obj.is_active,
        "isSystem": obj.is_system,
        "isSearchable": obj.is_searchable,
        "isLabelSyncedWithName": obj.is_label_synced_with_name,
        "labelIdentifierFieldMetadataId": _id(obj.label_identifier_field_id),
        "imageIdentifierFieldMetadataId": _id(obj.image_identifier_field_id),
        "duplicateCriteria": [list(names) for names in obj.duplicate_criteria],
        "createdAt": _moment(obj.created_at),
        "updatedAt": _moment(obj.updated_at),
        "fields": [field_json(field, model) for field in obj.fields],
    }
