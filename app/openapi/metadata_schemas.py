"""Schemas of the metadata document: object, field, API key and role, as bodies the metadata
inputs accept (app/metadata/inputs.py, app/auth/access_inputs.py) and as the metadata REST API
writes them (app/rest/metadata_json.py, app/rest/access_json.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.metadata import inputs
from app.openapi.components import array, obj

_UUID = {"type": "string", "format": "uuid"}
_MOMENT = {"type": "string", "format": "date-time"}
_TEXT = {"type": "string"}

# The input kinds of app/metadata/inputs.py ("string", "boolean", "uuid", "any", "type").
_INPUT_KINDS: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "uuid": {"type": ["string", "null"], "format": "uuid"},
    "any": {},
    "type": {"type": "string", "enum": list(inputs.FIELD_TYPE_NAMES)},
}


def _maybe(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


def input_schema(
    allowed: Mapping[str, str], required: tuple[str, ...] = (), *, min_properties: int = 0
) -> dict[str, Any]:
    """A body the metadata inputs accept: only `allowed` keys, `required` ones non-empty."""
    properties = {key: dict(_INPUT_KINDS[kind]) for key, kind in allowed.items()}
    for key in required:
        kind = allowed[key]
        properties[key] = (
            {"type": "string", "minLength": 1, **({"format": "uuid"} if kind == "uuid" else {})}
            if kind in ("string", "uuid")
            else {k: v for k, v in properties[key].items()}
        )
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": False,
    }
    if min_properties:
        schema["minProperties"] = min_properties
    return schema


_OBJECT_REF = obj({"id": _UUID, "nameSingular": _TEXT, "namePlural": _TEXT})
_FIELD_REF = obj({"id": _UUID, "name": _TEXT})

FIELD_RESPONSE = obj(
    {
        "id": _UUID,
        "type": _TEXT,
        "name": _TEXT,
        "label": _TEXT,
        "description": _maybe(_TEXT),
        "icon": _maybe(_TEXT),
        "isCustom": {"type": "boolean"},
        "isActive": {"type": "boolean"},
        "isSystem": {"type": "boolean"},
        "isUIReadOnly": {"type": "boolean"},
        "isNullable": {"type": "boolean"},
        "isUnique": {"type": "boolean"},
        "isIndexed": {"type": "boolean"},
        "defaultValue": {},
        "options": {
            "type": ["array", "null"],
            "items": obj(
                {
                    "id": _TEXT,
                    "label": _TEXT,
                    "value": _TEXT,
                    "color": _TEXT,
                    "position": {"type": "integer"},
                }
            ),
        },
        "settings": {"type": ["object", "null"]},
        "objectMetadataId": _UUID,
        "isLabelSyncedWithName": {"type": "boolean"},
        "relationTargetFieldMetadataId": _maybe(_UUID),
        "relationTargetObjectMetadataId": _maybe(_UUID),
        "createdAt": _maybe(_MOMENT),
        "updatedAt": _maybe(_MOMENT),
        "relation": {
            "anyOf": [
                obj(
                    {
                        "type": {"type": "string", "enum": ["MANY_TO_ONE", "ONE_TO_MANY"]},
                        "sourceObjectMetadata": _OBJECT_REF,
                        "targetObjectMetadata": _OBJECT_REF,
                        "sourceFieldMetadata": _FIELD_REF,
                        "targetFieldMetadata": _FIELD_REF,
                    }
                ),
                {"type": "null"},
            ]
        },
    }
)

OBJECT_RESPONSE = obj(
    {
        "id": _UUID,
        "nameSingular": _TEXT,
        "namePlural": _TEXT,
        "labelSingular": _TEXT,
        "labelPlural": _TEXT,
        "description": _maybe(_TEXT),
        "icon": _maybe(_TEXT),
        "shortcut": _maybe(_TEXT),
        "color": _maybe(_TEXT),
        "isCustom": {"type": "boolean"},
        "isRemote": {"type": "boolean"},
        "isActive": {"type": "boolean"},
        "isSystem": {"type": "boolean"},
        "isSearchable": {"type": "boolean"},
        "isLabelSyncedWithName": {"type": "boolean"},
        "labelIdentifierFieldMetadataId": _maybe(_UUID),
        "imageIdentifierFieldMetadataId": _maybe(_UUID),
        "duplicateCriteria": array(array(_TEXT)),
        "createdAt": _maybe(_MOMENT),
        "updatedAt": _maybe(_MOMENT),
        "fields": array({"$ref": "#/components/schemas/FieldForResponse"}),
    }
)

API_KEY_RESPONSE = obj(
    {
        "id": _UUID,
        "name": _TEXT,
        "workspaceId": _UUID,
        "roleId": _maybe(_UUID),
        "role": {"anyOf": [obj({"id": _UUID, "label": _TEXT}), {"type": "null"}]},
        "status": {"type": "string", "enum": ["active", "expired", "revoked"]},
        "tokenHint": _maybe(_TEXT),
        "expiresAt": _maybe(_MOMENT),
        "revokedAt": _maybe(_MOMENT),
        "lastUsedAt": _maybe(_MOMENT),
        "previousTokenValidUntil": _maybe(_MOMENT),
        "createdAt": _maybe(_MOMENT),
        "updatedAt": _maybe(_MOMENT),
    }
)
API_KEY_WITH_TOKEN = {
    "allOf": [{"$ref": "#/components/schemas/ApiKeyForResponse"}],
    "type": "object",
    "required": ["token"],
    "properties": {"token": {"type": "string", "description": "Shown this once"}},
}

_KEY_INPUT = {
    "name": {"type": ["string", "null"]},
    "expiresAt": {"type": ["string", "null"], "description": "An ISO 8601 date or date-time"},
    "revokedAt": {"type": ["string", "null"], "description": "An ISO 8601 date or date-time"},
}
API_KEY_CREATE = {
    "type": "object",
    "required": ["name", "roleId"],
    "properties": {
        **_KEY_INPUT,
        "name": {"type": "string", "minLength": 1},
        "roleId": {"type": "string", "format": "uuid"},
    },
    "additionalProperties": False,
}
API_KEY_UPDATE = {"type": "object", "properties": _KEY_INPUT, "additionalProperties": False}
API_KEY_REGENERATE = {
    "type": "object",
    "properties": {
        "overlapSeconds": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 7 * 24 * 3600,
            "description": "How long the replaced token keeps working",
        }
    },
    "additionalProperties": False,
}

_PERMISSION = {"type": "boolean"}
ROLE_RESPONSE = obj(
    {
        "id": _UUID,
        "label": _TEXT,
        "description": _maybe(_TEXT),
        "icon": _maybe(_TEXT),
        "isEditable": _PERMISSION,
        "canUpdateAllSettings": _PERMISSION,
        "canAccessAllTools": _PERMISSION,
        "canReadAllObjectRecords": _PERMISSION,
        "canUpdateAllObjectRecords": _PERMISSION,
        "canSoftDeleteAllObjectRecords": _PERMISSION,
        "canDestroyAllObjectRecords": _PERMISSION,
        "canBeAssignedToUsers": _PERMISSION,
        "canBeAssignedToAgents": _PERMISSION,
        "canBeAssignedToApiKeys": _PERMISSION,
        "apiKeys": array(
            obj(
                {
                    "id": _UUID,
                    "name": _TEXT,
                    "expiresAt": _maybe(_MOMENT),
                    "revokedAt": _maybe(_MOMENT),
                }
            )
        ),
        "objectPermissions": array({"type": "object"}),
        "fieldPermissions": array({"type": "object"}),
        "permissionFlags": array({}),
        "createdAt": _maybe(_MOMENT),
        "updatedAt": _maybe(_MOMENT),
    }
)


# app/webhooks/inputs.py. Only what the server checks exactly is stated (a description's length
# is checked after its whitespace is collapsed, an operation against the workspace's objects):
# the contract tests send what the document calls invalid and expect a refusal.
_WEBHOOK_INPUT: dict[str, dict[str, Any]] = {
    "targetUrl": {
        "type": "string",
        "description": "http(s) URL; a loopback, private, link-local or metadata address is "
        "refused unless WEBHOOK_ALLOW_PRIVATE_TARGETS is set",
    },
    "operations": {
        "type": "array",
        "minItems": 1,
        "maxItems": 100,
        "items": {"type": "string", "description": "`<object>.<action>`, `*` for any"},
        "description": 'e.g. ["*.*"], ["person.*"], ["*.created"], ["person.created"]',
    },
    "description": {"type": ["string", "null"]},
    "secret": {
        "type": ["string", "null"],
        "maxLength": 256,
        "description": "Signs every delivery; generated when absent or blank",
    },
}
WEBHOOK_CREATE = {
    "type": "object",
    "required": ["targetUrl", "operations"],
    "properties": {"id": {"type": ["string", "null"], "format": "uuid"}, **_WEBHOOK_INPUT},
    "additionalProperties": False,
}
WEBHOOK_UPDATE = {
    "type": "object",
    "properties": {
        **_WEBHOOK_INPUT,
        "targetUrl": _maybe(_WEBHOOK_INPUT["targetUrl"]),
        "operations": _maybe(_WEBHOOK_INPUT["operations"]),
    },
    "additionalProperties": False,
}
WEBHOOK_RESPONSE = obj(
    {
        "id": _UUID,
        "targetUrl": _TEXT,
        "operations": array(_TEXT),
        "description": _maybe(_TEXT),
        "secret": _TEXT,
        "applicationId": _UUID,
        "createdAt": _maybe(_MOMENT),
        "updatedAt": _maybe(_MOMENT),
        "deletedAt": _maybe(_MOMENT),
    }
)


def schemas() -> dict[str, Any]:
    """`components.schemas` of the metadata document (names as Twenty's)."""
    return {
        "Object": input_schema(
            inputs.CREATE_OBJECT, ("nameSingular", "namePlural", "labelSingular", "labelPlural")
        ),
        "ObjectForUpdate": input_schema(inputs.UPDATE_OBJECT),
        "ObjectForResponse": OBJECT_RESPONSE,
        "Field": input_schema(inputs.CREATE_FIELD, ("name", "label", "type", "objectMetadataId")),
        "FieldForUpdate": input_schema(inputs.UPDATE_FIELD),
        "FieldForResponse": FIELD_RESPONSE,
        "ApiKey": API_KEY_CREATE,
        "ApiKeyForUpdate": API_KEY_UPDATE,
        "ApiKeyForResponse": API_KEY_RESPONSE,
        "ApiKeyWithToken": API_KEY_WITH_TOKEN,
        "ApiKeyRegenerate": API_KEY_REGENERATE,
        "RoleForResponse": ROLE_RESPONSE,
        "Webhook": WEBHOOK_CREATE,
        "WebhookForUpdate": WEBHOOK_UPDATE,
        "WebhookForResponse": WEBHOOK_RESPONSE,
    }
