"""Components every document shares: the error envelope and its responses, page info, and the
helpers that build references, envelopes and JSON bodies.

Errors are Twenty's envelope plus our additive keys (app/errors.py):

    {"statusCode": 400, "error": "BadRequestException", "messages": ["…"], "code": "…", "hint": "…"}
"""

from __future__ import annotations

from typing import Any

JSON = "application/json"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Twenty's error envelope. `code` is our stable machine code; `hint` says what to do."
    ),
    "required": ["statusCode", "error", "messages"],
    "properties": {
        "statusCode": {"type": "integer"},
        "error": {"type": "string", "examples": ["BadRequestException"]},
        "messages": {"type": "array", "items": {"type": "string"}},
        "code": {"type": "string", "examples": ["FIELD_NOT_FOUND"]},
        "hint": {"type": "string"},
    },
}

PAGE_INFO: dict[str, Any] = {
    "type": "object",
    "required": ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"],
    "properties": {
        "hasNextPage": {"type": "boolean"},
        "hasPreviousPage": {"type": "boolean"},
        "startCursor": {"type": ["string", "null"]},
        "endCursor": {"type": ["string", "null"]},
    },
}

_ERRORS = {
    "400": "Bad request: the message names the parameter, field or value at fault",
    "401": "Missing, unknown, revoked or expired API key",
    "404": "No such record or metadata item",
    "429": "Rate limit exceeded (see the Retry-After header)",
}


def ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def schema_ref(name: str) -> dict[str, str]:
    return ref("schemas", name)


def error_responses() -> dict[str, Any]:
    """`components.responses`: one per error status, all with the error envelope."""
    return {
        status: {"description": text, "content": {JSON: {"schema": schema_ref("Error")}}}
        for status, text in _ERRORS.items()
    }


def errors_for(*statuses: str) -> dict[str, Any]:
    """An operation's error responses: 400, 401 and 429 always, plus `statuses`."""
    wanted = sorted({"400", "401", "429", *statuses})
    return {status: ref("responses", status) for status in wanted}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {JSON: {"schema": schema}}}


def envelope(key: str, value: dict[str, Any]) -> dict[str, Any]:
    """`{"data": {key: value}}`."""
    return obj({"data": obj({key: value})})


def obj(
    properties: dict[str, Any], *, required: list[str] | None = None, closed: bool = False
) -> dict[str, Any]:
    """An object schema; every property required unless `required` says otherwise."""
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties) if required is None else required,
        "properties": properties,
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or null: adds "null" to its type, or wraps it in anyOf when it has none."""
    kind = schema.get("type")
    if isinstance(kind, str):
        out = {**schema, "type": [kind, "null"]}
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        return out
    if isinstance(kind, list):
        return schema if "null" in kind else {**schema, "type": [*kind, "null"]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if not schema or set(schema) <= {"description"}:
        return schema  # any value already admits null
    return {"anyOf": [schema, {"type": "null"}]}
