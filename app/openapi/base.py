"""The base OpenAPI document: what every document starts from, and all a caller without a valid
key gets (Twenty's answer to a missing or invalid token: HTTP 200, no paths of the workspace).

    {openapi: 3.1.1, info, servers, components: {securitySchemes}, security, externalDocs,
     paths: {/open-api/{core|metadata}}}
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["core", "metadata"]

OPENAPI_VERSION = "3.1.1"
SECURITY_SCHEME = "bearerAuth"

_DESCRIPTION = {
    "core": (
        "The record API of this workspace, generated from its data model: every object, "
        "standard and custom, with its REST routes. Send the API key as "
        "`Authorization: Bearer <key>`.\n\n"
        "Without a valid key this document holds no workspace paths."
    ),
    "metadata": (
        "The metadata API of this workspace: its objects, fields, API keys and roles. Send the "
        "API key as `Authorization: Bearer <key>`.\n\n"
        "Without a valid key this document holds no workspace paths."
    ),
}
_SERVER_PATH = {"core": "/rest", "metadata": "/rest/metadata"}


def server_for(kind: Kind, server_url: str) -> str:
    """Where the document's paths live: `<server>/rest` or `<server>/rest/metadata`.

    Twenty writes `<server>/rest/` (a trailing slash, so `/rest//people` when joined with a
    path); we leave it out."""
    return server_url.rstrip("/") + _SERVER_PATH[kind]


def base_document(kind: Kind, server_url: str) -> dict[str, Any]:
    """The document for `kind` with no workspace in it."""
    root = server_url.rstrip("/")
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Twenty Api" if kind == "core" else "Twenty Metadata Api",
            "version": "v0.1",
            "description": _DESCRIPTION[kind],
            "license": {"name": "AGPL-3.0", "identifier": "AGPL-3.0-only"},
        },
        "servers": [{"url": server_for(kind, root), "description": "This server"}],
        "components": {
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "API key",
                    "description": "An API key of the workspace, sent as `Bearer <key>`.",
                }
            }
        },
        "security": [{SECURITY_SCHEME: []}],
        "externalDocs": {"description": "The server's README", "url": f"{root}/playground"},
        "paths": {f"/open-api/{kind}": _self_path(kind, root)},
    }


def _self_path(kind: Kind, root: str) -> dict[str, Any]:
    """The route that serves this document (its own server: it lives outside `/rest`)."""
    return {
        "servers": [{"url": root}],
        "get": {
            "tags": ["General"],
            "summary": "Get this OpenAPI document",
            "operationId": "GetOpenApiSchema",
            "description": (
                "The OpenAPI document of the workspace the key belongs to (also at "
                f"`/rest/open-api/{kind}`). A missing or invalid key gets the base document, "
                "still with HTTP 200."
            ),
            "security": [{SECURITY_SCHEME: []}, {}],
            "responses": {
                "200": {
                    "description": "An OpenAPI 3.1 document",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["openapi", "info", "paths"],
                                "properties": {
                                    "openapi": {"type": "string"},
                                    "info": {"type": "object"},
                                    "paths": {"type": "object"},
                                },
                            }
                        }
                    },
                }
            },
        },
    }
