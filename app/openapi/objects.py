"""The three schemas of one object: `{S}` (create bodies), `{S}ForUpdate` (update bodies) and
`{S}ForResponse` (records in every answer), named as Twenty names them.

    Person             id? createdAt? name? emails? companyId? …    (additionalProperties: false)
    PersonForUpdate    the same less id and createdAt, at least one property
    PersonForResponse  id, every readable field, `<relation>Id`, and `<relation>` at depth=1
"""

from __future__ import annotations

from typing import Any

from app.catalog.snapshot import Catalog
from app.metadata.enums import FieldType, RelationType
from app.metadata.field_types import handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.openapi.components import nullable, schema_ref
from app.openapi.fields import field_schema, options_of
from app.query.plan import output_fields
from app.query.writes import READ_ONLY

_SET_ON_CREATE_ONLY = ("id", "createdAt")
_SERVER_FILLED = frozenset({"id", "createdAt", "updatedAt", "deletedAt", "createdBy"})


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def schema_names(obj: ObjectMeta) -> tuple[str, str, str]:
    """(`{S}`, `{S}ForUpdate`, `{S}ForResponse`)."""
    singular = pascal(obj.name_singular)
    return singular, f"{singular}ForUpdate", f"{singular}ForResponse"


def object_schemas(catalog: Catalog, obj: ObjectMeta) -> dict[str, dict[str, Any]]:
    create, update, response = schema_names(obj)
    writable = _writable_fields(obj)
    create_props = {_key(f): field_schema(f, "create") for f in writable}
    update_props = {
        _key(f): field_schema(f, "update") for f in writable if f.name not in _SET_ON_CREATE_ONLY
    }
    description = obj.description or f"A {obj.label_singular} record"
    return {
        create: {
            "type": "object",
            "description": description,
            "required": [_key(f) for f in writable if _required_on_create(f)],
            "properties": create_props,
            "additionalProperties": False,
            "example": _example(obj, writable),
        },
        update: {
            "type": "object",
            "description": f"{description}: the fields to change",
            "properties": update_props,
            "additionalProperties": False,
            "minProperties": 1,
        },
        response: {
            "type": "object",
            "description": description,
            "required": ["id"],
            "properties": _response_properties(catalog, obj),
        },
    }


def _key(field: FieldMeta) -> str:
    return field.join_column or field.name


def _writable_fields(obj: ObjectMeta) -> list[FieldMeta]:
    """The fields a create body may set (app/query/writes.py's rules)."""
    return [
        f
        for f in obj.fields
        if f.is_active
        and f.name not in READ_ONLY
        and f.type is not FieldType.TS_VECTOR
        and not (f.type is FieldType.RELATION and f.relation_type is RelationType.ONE_TO_MANY)
    ]


def _required_on_create(field: FieldMeta) -> bool:
    """A NOT NULL column the server has no value for when the body leaves it out."""
    if field.is_nullable or field.name in _SERVER_FILLED:
        return False
    handler = handler_for(field.type)
    if handler.is_composite:
        return False
    return all(value is None for value in handler.create_defaults(field).values())


def _response_properties(catalog: Catalog, obj: ObjectMeta) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for field in output_fields(obj):
        properties[_key(field)] = field_schema(field, "response")
        target_id = field.relation_target_object_id
        target = catalog.by_id(target_id) if field.join_column and target_id else None
        if target is not None and target.is_active:
            embedded = schema_ref(schema_names(target)[2])
            properties[field.name] = {
                **nullable(embedded),
                "description": f"The related {target.label_singular} (with depth=1)",
            }
    return properties


def _example(obj: ObjectMeta, writable: list[FieldMeta]) -> dict[str, Any]:
    """A create body: the label-identifier field (Twenty's "Person name") and required fields."""
    example: dict[str, Any] = {}
    for field in writable:
        is_label = field.id == obj.label_identifier_field_id
        if is_label or _required_on_create(field):
            value = _example_value(obj, field)
            if value is not None:
                example[_key(field)] = value
    return example


def _example_value(obj: ObjectMeta, field: FieldMeta) -> Any:
    if field.type is FieldType.TEXT:
        return f"{obj.label_singular} {field.label.lower()}"
    if field.type is FieldType.FULL_NAME:
        return {"firstName": "Ada", "lastName": "Lovelace"}
    values = options_of(field)
    if values:
        return [values[0]] if field.type is FieldType.MULTI_SELECT else values[0]
    samples: dict[FieldType, Any] = {
        FieldType.NUMBER: 1,
        FieldType.NUMERIC: 1,
        FieldType.POSITION: 1,
        FieldType.BOOLEAN: True,
        FieldType.DATE: "2024-01-31",
        FieldType.DATE_TIME: "2024-01-31T12:00:00.000Z",
        FieldType.ARRAY: ["tag"],
        FieldType.RAW_JSON: {},
    }
    return samples.get(field.type)
