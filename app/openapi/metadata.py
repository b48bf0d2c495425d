"""The metadata document: the routes of app/rest/metadata.py, app/rest/access.py and
app/rest/webhooks.py (objects, fields, API keys, roles, webhooks) in Twenty's legacy envelope
(`data.objects`, `data.createOneObject`…), webhooks in Twenty's bare answers (an array, the
webhook, `true`).

Unlike Twenty's, the list answers carry `totalCount` and a create answers 201, because ours do.
"""

from __future__ import annotations

from typing import Any

from app.openapi import metadata_schemas
from app.openapi.base import base_document
from app.openapi.components import (
    ERROR_SCHEMA,
    PAGE_INFO,
    array,
    envelope,
    error_responses,
    errors_for,
    json_body,
    json_response,
    obj,
    ref,
    schema_ref,
)

PAGE_SIZE = 1000  # app/rest/metadata_envelope.py
_CURSOR = {"type": "string", "format": "uuid"}

_PARAMETERS: dict[str, Any] = {
    "idPath": {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": f"Items per page; values above {PAGE_SIZE} are read as {PAGE_SIZE}",
        "schema": {"type": "integer", "minimum": 0, "default": PAGE_SIZE},
        "allowEmptyValue": True,
    },
    "startingAfter": {
        "name": "starting_after",
        "in": "query",
        "description": "An item id (`pageInfo.endCursor`); empty means none",
        "schema": _CURSOR,
        "allowEmptyValue": True,
    },
    "endingBefore": {
        "name": "ending_before",
        "in": "query",
        "description": "An item id (`pageInfo.startCursor`), not with starting_after; empty "
        "means none",
        "schema": _CURSOR,
        "allowEmptyValue": True,
    },
}
_LIST = [ref("parameters", name) for name in ("limit", "startingAfter", "endingBefore")]
_ID = [ref("parameters", "idPath")]


def metadata_document(server_url: str) -> dict[str, Any]:
    document = base_document("metadata", server_url)
    document["components"].update(
        schemas={"Error": ERROR_SCHEMA, "PageInfo": PAGE_INFO, **metadata_schemas.schemas()},
        parameters=_PARAMETERS,
        responses=error_responses(),
    )
    paths = document["paths"]
    paths.update(_resource("objects", "object", "Object", "createOneObject", "updateOneObject"))
    paths.update(_resource("fields", "field", "Field", "createOneField", "updateOneField"))
    paths.update(_resource("apiKeys", "apiKey", "ApiKey", "createApiKey", "updateApiKey"))
    created = paths["/apiKeys"]["post"]["responses"]
    created["201"] = json_response(
        "The new key, with its token (shown once)",
        envelope("createApiKey", schema_ref("ApiKeyWithToken")),
    )
    created["404"] = ref("responses", "404")  # an unknown roleId
    paths["/apiKeys/{id}/revoke"] = {
        "post": _op("apiKeys", "revokeApiKey", "Revoke an API key (idempotent)", _ID)
        | _answer("revokeApiKey", "ApiKeyForResponse", errors=("404",))
    }
    paths["/apiKeys/{id}/regenerate"] = {
        "post": _op("apiKeys", "regenerateApiKey", "Give an API key a new token", _ID)
        | {"requestBody": json_body(schema_ref("ApiKeyRegenerate"), required=False)}
        | _answer("regenerateApiKey", "ApiKeyWithToken", errors=("404",))
    }
    paths["/roles"] = {
        "get": _op("roles", "findManyRoles", "List roles", _LIST) | _list_answer("roles", "Role")
    }
    paths["/roles/{id}"] = {
        "get": _op("roles", "findOneRole", "Find one role", _ID)
        | _answer("role", "RoleForResponse", errors=("404",))
    }
    paths.update(_webhooks())
    document["tags"] = [
        {"name": name} for name in ("General", "objects", "fields", "apiKeys", "roles", "webhooks")
    ]
    return document


def _op(tag: str, operation_id: str, summary: str, params: list[Any]) -> dict[str, Any]:
    return {"tags": [tag], "summary": summary, "operationId": operation_id, "parameters": params}


def _answer(
    key: str, schema: str, status: str = "200", errors: tuple[str, ...] = ()
) -> dict[str, Any]:
    ok = json_response("Success", envelope(key, schema_ref(schema)))
    return {"responses": {status: ok, **errors_for(*errors)}}


def _list_answer(key: str, name: str) -> dict[str, Any]:
    page = obj(
        {
            "data": obj({key: array(schema_ref(f"{name}ForResponse"))}),
            "pageInfo": schema_ref("PageInfo"),
            "totalCount": {"type": "integer"},
        }
    )
    return {"responses": {"200": json_response("A page", page), **errors_for()}}


def _resource(
    plural: str, singular: str, name: str, create_key: str, update_key: str
) -> dict[str, Any]:
    delete_key = "deleteApiKey" if name == "ApiKey" else f"deleteOne{name}"
    response = f"{name}ForResponse"
    # Twenty answers 400, not 404, to an update of an unknown field id (its REST suite).
    update_errors: tuple[str, ...] = () if name == "Field" else ("404",)
    return {
        f"/{plural}": {
            "get": _op(plural, f"findMany{name}s", f"List {plural}", _LIST)
            | _list_answer(plural, name),
            "post": _op(plural, f"createOne{name}", f"Create one {singular}", [])
            | {"requestBody": json_body(schema_ref(name))}
            | _answer(create_key, response, "201"),
        },
        f"/{plural}/{{id}}": {
            "get": _op(plural, f"findOne{name}", f"Find one {singular}", _ID)
            | _answer(singular, response, errors=("404",)),
            "patch": _op(plural, f"updateOne{name}", f"Update one {singular}", _ID)
            | {"requestBody": json_body(schema_ref(f"{name}ForUpdate"))}
            | _answer(update_key, response, errors=update_errors),
            "delete": _op(plural, f"deleteOne{name}", f"Delete one {singular}", _ID)
            | _answer(delete_key, response, errors=("404",)),
        },
    }


def _webhooks() -> dict[str, Any]:
    """Twenty's webhook routes answer bare values, not the envelope (app/rest/webhooks.py)."""
    one = schema_ref("WebhookForResponse")

    def answer(schema: dict[str, Any], status: str = "200", *errors: str) -> dict[str, Any]:
        return {"responses": {status: json_response("Success", schema), **errors_for(*errors)}}

    return {
        "/webhooks": {
            "get": _op("webhooks", "findManyWebhooks", "List webhooks", []) | answer(array(one)),
            "post": _op("webhooks", "createOneWebhook", "Create a webhook", [])
            | {"requestBody": json_body(schema_ref("Webhook"))}
            | answer(one, "201"),
        },
        "/webhooks/{id}": {
            "get": _op("webhooks", "findOneWebhook", "Find one webhook", _ID)
            | answer(one, "200", "404"),
            "patch": _op("webhooks", "updateOneWebhook", "Update a webhook", _ID)
            | {"requestBody": json_body(schema_ref("WebhookForUpdate"))}
            | answer(one, "200", "404"),
            "delete": _op("webhooks", "deleteOneWebhook", "Delete a webhook", _ID)
            | answer({"type": "boolean", "const": True}, "200", "404"),
        },
    }
