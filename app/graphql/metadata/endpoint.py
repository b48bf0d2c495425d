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

from fastapi import APIRouter, Request, Response
from graphql import GraphQLError, parse, validate

from app import correlation, encoding, gate
from app.auth.access_service import AccessService
from app.auth.settings_access import require_settings_access
from app.auth.workspace_settings import WorkspaceSettingsService
from app.catalog.snapshot import Catalog
from app.config import Settings
from app.errors import AppError, BadRequest
from app.graphql.core.documents import MAX_TOKENS
from app.graphql.core.limits import MAX_VARIABLES_DEPTH, cost_limit, depth_limit, nesting
from app.graphql.metadata.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from app.graphql.metadata.schema import MetadataContext, schema
from app.metadata.service import MetadataService
from app.query import dberrors
from app.state import AppState
from app.webhooks.service import WebhookService

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
        message, extensions = error.message, {"code": code, **(error.extensions or {})}
    elif isinstance(original, GraphQLError | ValueError | TypeError) and error.path is None:
        message, extensions = error.message, {"code": "BAD_USER_INPUT"}
    elif (known := dberrors.classify(original)) is not None:
        message = known.message
        extensions = {**known.graphql_extensions(), "appCode": known.code}
    else:
        request_id = correlation.current()
        log.error("unhandled error in /metadata [request %s]", request_id, exc_info=original)
        message = "Internal server error"
        extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    out: dict[str, Any] = {"message": message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    out["extensions"] = extensions
    return out


def _ceilings(catalog: Catalog) -> dict[tuple[str, str], int]:
    """How many items the workspace's lists hold, for the cost model: a client asking for
    pages of 1000 objects and 1000 fields each pays for what there is."""
    objects = len(catalog.objects)
    widest = max((len(o.fields) for o in catalog.objects), default=0)
    total = sum(len(o.fields) for o in catalog.objects)
    return {
        ("Query", "objects"): objects,
        ("Query", "fields"): total,
        ("Object", "fields"): widest,
        ("Object", "fieldsList"): widest,
    }


def _check(
    query: str,
    variables: dict[str, Any] | None,
    settings: Settings,
    ceilings: dict[tuple[str, str], int],
) -> list[GraphQLError]:
    """Parse with a token limit, then the depth and cost limits of /graphql (one cost model,
    app/graphql/core/cost.py), before Strawberry parses and validates the rest."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        return [error]
    except RecursionError:
        return [GraphQLError("Syntax Error: the document nests too deeply")]
    rules = (
        depth_limit(settings.graphql_max_depth),
        cost_limit(
            settings.graphql_max_complexity,
            default_page=DEFAULT_PAGE_SIZE,
            max_page=MAX_PAGE_SIZE,
            variables=variables,
            ceilings=ceilings,
        ),
    )
    return validate(schema._schema, document, rules)


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(encoding.dumps(body), status, headers, media_type="application/json")


def _refused(error: AppError) -> Response:
    extensions = {**error.graphql_extensions(), "appCode": error.code}
    body = {"errors": [{"message": error.message, "extensions": extensions}]}
    return _json(body, error.status, getattr(error, "headers", None))


async def _operation(request: Request) -> tuple[str, dict[str, Any] | None, str | None]:
    try:
        body = encoding.loads(await request.body())
    except encoding.JSONError:
        raise BadRequest("The request body is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise BadRequest("Expected a JSON object with a 'query' string")
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be a JSON object")
    if variables and nesting(variables) > MAX_VARIABLES_DEPTH:
        raise BadRequest(f"'variables' are nested more than {MAX_VARIABLES_DEPTH} levels deep")
    operation = body.get("operationName")
    return body["query"], variables, operation if isinstance(operation, str) else None


@router.post("/metadata")
async def metadata(request: Request) -> Response:
    state: AppState = request.app.state.crm
    try:
        principal = await gate.admit(state, request)  # before the body is read
        query, variables, operation = await _operation(request)
    except AppError as error:
        return _refused(error)
    catalog = await gate.catalog_for(state, principal)
    problems = _check(query, variables, state.settings, _ceilings(catalog))
    if problems:
        return _json({"data": None, "errors": [render_error(e) for e in problems]})
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
    webhooks = WebhookService(
        state.db,
        catalogs=state.catalogs,
        principal=principal,
        allow_private=state.settings.webhook_allow_private_targets,
    )
    context = MetadataContext(
        service,
        principal.workspace_id,
        access,
        webhooks,
        WorkspaceSettingsService(state.db, principal=principal),
        (state.settings.rate_limit_per_minute, state.settings.rate_limit_per_second),
    )
    result = await schema.execute(
        query, variable_values=variables, context_value=context, operation_name=operation
    )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [render_error(error) for error in result.errors]
    return _json(body)
