"""POST /metadata: admits the caller, runs the metadata schema, renders errors as Twenty.

Errors carry `extensions.code`: an `AppError` renders its own (`graphql_extensions`: e.g.
METADATA_VALIDATION_FAILED with the grouped `errors`, NOT_FOUND, BAD_USER_INPUT) plus our
`appCode`; a syntax error is GRAPHQL_PARSE_FAILED; a query the schema rejects is
GRAPHQL_VALIDATION_FAILED; an input that cannot be coerced is BAD_USER_INPUT; anything else is
INTERNAL_SERVER_ERROR with a generic message (and a log line). An executed operation answers
200 whatever its errors; a request refused before execution (bad JSON, no or bad API key, rate
limit) answers with that error's HTTP status, as /graphql does.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from graphql import GraphQLError

from app import gate
from app.auth.access_service import AccessService
from app.auth.settings_access import require_settings_access
from app.errors import AppError, BadRequest
from app.graphql.metadata.schema import MetadataContext, schema
from app.metadata.service import MetadataService
from app.state import AppState

log = logging.getLogger(__name__)

router = APIRouter()


def render_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, AppError):
        message = original.message
        extensions = {**original.graphql_extensions(), "appCode": original.code}
    elif original is None:
        syntax = error.message.startswith("Syntax Error")
        code = "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
        message, extensions = error.message, {"code": code}
    elif isinstance(original, GraphQLError | ValueError | TypeError) and error.path is None:
        message, extensions = error.message, {"code": "BAD_USER_INPUT"}
    else:
        log.error("unhandled error in /metadata", exc_info=original)
        message, extensions = "Internal server error", {"code": "INTERNAL_SERVER_ERROR"}
    out: dict[str, Any] = {"message": message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    out["extensions"] = extensions
    return out


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def _refused(error: AppError) -> Response:
    extensions = {**error.graphql_extensions(), "appCode": error.code}
    body = {"errors": [{"message": error.message, "extensions": extensions}]}
    return _json(body, error.status, getattr(error, "headers", None))


async def _operation(request: Request) -> tuple[str, dict[str, Any] | None, str | None]:
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise BadRequest("The request body is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise BadRequest("Expected a JSON object with a 'query' string")
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be a JSON object")
    operation = body.get("operationName")
    return body["query"], variables, operation if isinstance(operation, str) else None


@router.post("/metadata")
async def metadata(request: Request) -> Response:
    state: AppState = request.app.state.crm
    try:
        query, variables, operation = await _operation(request)
        principal = await gate.admit(state, request)
    except AppError as error:
        return _refused(error)
    # Reads for every key; changes need `canUpdateAllSettings` (FORBIDDEN otherwise).
    service = MetadataService(
        state.db,
        catalogs=state.catalogs,
        may_change=partial(require_settings_access, principal=principal),
    )
    access = AccessService(
        state.db,
        catalogs=state.catalogs,
        secret=state.settings.resolved_secret(),
        principal=principal,
    )
    context = MetadataContext(service, principal.workspace_id, access)
    result = await schema.execute(
        query, variable_values=variables, context_value=context, operation_name=operation
    )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [render_error(error) for error in result.errors]
    return _json(body)
