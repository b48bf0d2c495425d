"""One field of a record as JSON Schema, in the three directions a document needs: what a create
accepts, what an update accepts, and what a response carries.

The shapes follow the field-type registry (app/metadata/field_types), so the document says what
the server does (Note [document tells the truth]):

- an input schema admits everything the server accepts (a NUMERIC also takes a numeric string,
  a DATE_TIME also milliseconds since the epoch) and closes composites
  (`additionalProperties: false`), since an unknown sub-field is refused;
- a response schema admits every value the server writes: a nullable column may be null, and so
  may every sub-field of a composite (the composite itself is always an object);
- a many-to-one relation is its join column `<name>Id` (a uuid) in both directions; responses
  at `depth=1` add the related record under `<name>`; one-to-many sides are neither written nor
  returned, and TS_VECTOR columns never appear.
"""

from __future__ import annotations

from typing import Any, Literal

from app.metadata.enums import FieldType
from app.metadata.field_types import RATING_VALUES, ScalarKind, handler_for
from app.metadata.field_types.composite import CompositeHandler, Part
from app.metadata.field_types.composite_types import email, email_list, links, phones
from app.metadata.model import FieldMeta
from app.openapi.components import array, nullable

Direction = Literal["create", "update", "response"]

# PostgreSQL's numeric input syntax, as app/metadata/field_types/coercion.py reads a string.
NUMERIC_TEXT = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
EMAIL = r"^[^@]+@[^@]+$"  # one '@' with text on both sides (composite_types.email)

_UUID = {"type": "string", "format": "uuid"}
_DATE_TIME = {"type": "string", "format": "date-time"}

_RESPONSE: dict[ScalarKind, dict[str, Any]] = {
    ScalarKind.TEXT: {"type": "string"},
    ScalarKind.UUID: _UUID,
    ScalarKind.FLOAT: {"type": "number"},
    ScalarKind.NUMERIC: {"type": "number"},
    ScalarKind.BOOLEAN: {"type": "boolean"},
    ScalarKind.DATE: {"type": "string", "format": "date"},
    ScalarKind.DATE_TIME: _DATE_TIME,
    ScalarKind.JSON: {},
    ScalarKind.TEXT_ARRAY: array({"type": "string"}),
    ScalarKind.SELECT: {"type": "string"},
    ScalarKind.MULTI_SELECT: array({"type": "string"}),
}

_INPUT: dict[ScalarKind, dict[str, Any]] = {
    **_RESPONSE,
    ScalarKind.NUMERIC: {
        "anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMERIC_TEXT}],
        "description": "A number, or a string holding one",
    },
    ScalarKind.DATE: {
        "type": "string",
        "description": "YYYY-MM-DD (an ISO date-time is cut to its date)",
        "examples": ["2024-01-31"],
    },
    ScalarKind.DATE_TIME: {
        "type": ["string", "number"],
        "description": "An ISO 8601 date-time (UTC when no offset), or milliseconds since 1970",
        "examples": ["2024-01-31T12:00:00.000Z"],
    },
    ScalarKind.JSON: {"type": ["object", "array", "string", "number", "boolean"]},
}

# Sub-fields whose input rule is narrower than their column kind (composite_types' normalizers).
_PART_INPUT: dict[Any, dict[str, Any]] = {
    email: {"type": "string", "pattern": f"^$|{EMAIL}"},
    email_list: array({"type": "string", "pattern": EMAIL}),
    links: array(
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "url": {"type": ["string", "null"]},
                "label": {"type": ["string", "null"]},
            },
        }
    ),
    phones: array(
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "number": {"type": ["string", "null"]},
                "countryCode": {"type": ["string", "null"]},
                "callingCode": {"type": ["string", "null"]},
            },
        }
    ),
}
_PART_RESPONSE: dict[tuple[FieldType, str], dict[str, Any]] = {
    (FieldType.EMAILS, "additionalEmails"): array({"type": "string"}),
    (FieldType.LINKS, "secondaryLinks"): array({"type": "object"}),
    (FieldType.PHONES, "additionalPhones"): array({"type": "object"}),
    (FieldType.ACTOR, "context"): {"type": "object"},
}
# ACTOR: clients set `source` and `context`; the server fills `workspaceMemberId` and `name`.
_SERVER_SET_ACTOR_PARTS = ("workspaceMemberId", "name")


def options_of(field: FieldMeta) -> list[str] | None:
    """The values a SELECT, MULTI_SELECT or RATING field admits; None for other types."""
    if field.type is FieldType.RATING:
        return list(field.option_values or RATING_VALUES)
    if field.type in (FieldType.SELECT, FieldType.MULTI_SELECT):
        return list(field.option_values)
    return None


def field_schema(field: FieldMeta, direction: Direction) -> dict[str, Any]:
    """The schema of `field`'s value (for a relation, of its join column)."""
    handler = handler_for(field.type)
    if isinstance(handler, CompositeHandler):
        schema = _composite(field, handler, direction)
    else:
        (column,) = handler.columns(field)
        table = _RESPONSE if direction == "response" else _INPUT
        schema = dict(table[column.kind])
        values = options_of(field)
        if values is not None:
            if column.kind is ScalarKind.MULTI_SELECT:
                schema = array({"type": "string", "enum": values}, uniqueItems=True)
            else:
                schema = {"type": "string", "enum": values}
    if field.description:
        schema["description"] = field.description
    if handler.is_composite:
        return schema  # a response composite is always an object; an input one may be null
    if direction == "response":
        return schema if _not_null(field) else nullable(schema)
    return nullable(schema) if field.is_nullable else schema


def _not_null(field: FieldMeta) -> bool:
    """Whether the column can never hold NULL (app/metadata/ddl.py's column definition)."""
    return field.name in ("id", "createdAt", "updatedAt") or not field.is_nullable


def _composite(field: FieldMeta, handler: CompositeHandler, direction: Direction) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for part in handler.parts:
        if direction == "response":
            properties[part.name] = nullable(_part_response(field, part))
        else:
            properties[part.name] = nullable(_part_input(part))
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if direction == "response":
        schema["required"] = [part.name for part in handler.parts]
        return schema
    schema["additionalProperties"] = False
    if field.type is FieldType.ACTOR:
        for name in _SERVER_SET_ACTOR_PARTS:
            properties[name]["description"] = "Set by the server; ignored on input"
    return nullable(schema)


def _part_input(part: Part) -> dict[str, Any]:
    if part.normalize is not None and part.normalize in _PART_INPUT:
        return dict(_PART_INPUT[part.normalize])
    if part.allowed is not None:
        return {"type": "string", "enum": list(part.allowed)}
    if part.kind is ScalarKind.JSON:
        return {"type": "object"}
    if part.name == "amountMicros":
        return {
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": NUMERIC_TEXT}],
            "description": "The amount in millionths of the currency unit (a whole number)",
        }
    return dict(_INPUT[part.kind])


def _part_response(field: FieldMeta, part: Part) -> dict[str, Any]:
    special = _PART_RESPONSE.get((field.type, part.name))
    if special is not None:
        return dict(special)
    if part.allowed is not None:
        return {"type": "string", "enum": list(part.allowed)}
    return dict(_RESPONSE[part.kind])
