"""The /graphql endpoint: authenticate, find the workspace's schema, validate, execute.

    POST /graphql   application/json {"query", "variables", "operationName"}
    GET  /graphql?query=…&variables=…&operationName=…   (queries only; a mutation is 405)

Every request needs `Authorization: Bearer <API key>`; without a valid one the answer is
HTTP 401 with a GraphQL error whose `extensions.code` is UNAUTHENTICATED; a key without a role
is HTTP 400, FORBIDDEN. Requests count against the key's rate limit as REST ones do (HTTP 429,
LIMIT_REACHED). A malformed request
(not JSON, no `query`) is HTTP 400. Everything else, including parse, validation and field
errors, is HTTP 200 with `errors` (GraphQL over HTTP, application/json). Introspection works
for any authenticated caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    execute,
    get_operation_ast,
    validate,
)

from app import encoding, gate
from app.auth.api_keys import Principal
from app.catalog.snapshot import Catalog
from app.errors import AppError, InvalidBody, ServiceUnavailable
from app.graphql.core import errors
from app.graphql.core import fast as fast_path
from app.graphql.core.cache import SchemaCache
from app.graphql.core.documents import DocumentCache, variables_key
from app.graphql.core.limits import MAX_VARIABLES_DEPTH, cost_limit, depth_limit, nesting
from app.graphql.core.resolvers import CoreContext
from app.memo import MAX_KEPT_KEY, Memo
from app.query import dberrors
from app.query.json_sql import Limits
from app.state import AppState

router = APIRouter()

T = TypeVar("T")


class MethodNotAllowed(AppError):
    code = "METHOD_NOT_ALLOWED"
    status = 405
    error = "MethodNotAllowedException"
    graphql_code = "BAD_REQUEST"


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(encoding.dumps(body), status, headers, media_type="application/json")


def _refuse(error: AppError, headers: dict[str, str] | None = None) -> Response:
    return _json(errors.error_body(error), error.status, headers)


def _app_cache(request: Request, name: str, make: Callable[[], T]) -> T:
    """A cache kept on the app (one per app, made on first use: tests build several apps)."""
    cache: T | None = getattr(request.app.state, name, None)
    if cache is None:
        cache = make()
        setattr(request.app.state, name, cache)
    return cache


def _schemas(request: Request) -> SchemaCache:
    return _app_cache(request, "core_graphql_schemas", SchemaCache)


def _documents(request: Request) -> DocumentCache:
    return _app_cache(request, "core_graphql_documents", DocumentCache)


def _cost_memo(request: Request) -> Memo:
    return _app_cache(request, "core_graphql_costs", Memo)


def _params(payload: Any) -> tuple[str, dict[str, Any] | None, str | None]:
    if not isinstance(payload, dict):
        raise InvalidBody('The request body must be a JSON object: {"query", "variables"}')
    query, variables = payload.get("query"), payload.get("variables")
    operation = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise InvalidBody("'query' must be a non-empty string")
    if isinstance(variables, str) and variables:
        try:
            variables = encoding.loads(variables)
        except encoding.JSONError:
            raise InvalidBody("'variables' is not valid JSON") from None
    if variables is not None and not isinstance(variables, dict):
        raise InvalidBody("'variables' must be an object")
    if variables and nesting(variables) > MAX_VARIABLES_DEPTH:
        raise InvalidBody(f"'variables' are nested more than {MAX_VARIABLES_DEPTH} levels deep")
    if operation is not None and not isinstance(operation, str):
        raise InvalidBody("'operationName' must be a string")
    return query, variables or None, operation or None


async def _body(request: Request) -> Any:
    try:
        return encoding.loads(await request.body())
    except encoding.JSONError:
        return None


async def _query_params(request: Request) -> Any:
    return dict(request.query_params)


@router.post("/graphql")
async def graphql_post(request: Request) -> Response:
    return await _serve(request, _body, queries_only=False)


@router.get("/graphql")
async def graphql_get(request: Request) -> Response:
    return await _serve(request, _query_params, queries_only=True)


async def _serve(
    request: Request, read: Callable[[Request], Awaitable[Any]], *, queries_only: bool
) -> Response:
    """Admission comes first: the body of a request without a valid key is never read."""
    state: AppState = request.app.state.crm
    try:
        principal = await gate.admit(state, request)
        query, variables, operation = _params(await read(request))
    except AppError as error:
        return _refuse(error, getattr(error, "headers", None))
    catalog = await gate.catalog_for(state, principal)
    return await _answer(request, principal, catalog, query, variables, operation, queries_only)


async def _answer(
    request: Request,
    principal: Principal,
    catalog: Catalog,
    query: str,
    variables: dict[str, Any] | None,
    operation: str | None,
    queries_only: bool,
    *,
    retry: bool = True,
) -> Response:
    """Validate and execute on `catalog`; a query that meets a table newer than the catalog
    (a field renamed or dropped meanwhile) runs once more on a fresh one (Note [database
    failures])."""
    state: AppState = request.app.state.crm
    try:
        access = gate.access_for(catalog, principal)
    except AppError as error:
        return _refuse(error)
    schema = await _schemas(request).get(catalog)
    settings = state.settings
    checked = _documents(request).check(schema, query, (depth_limit(settings.graphql_max_depth),))
    if checked.parse_error is not None:
        return _json({"errors": [errors.format_error(checked.parse_error, errors.PARSE_FAILED)]})
    document = checked.document
    assert document is not None

    def cost_errors() -> tuple[GraphQLError, ...]:
        cost = cost_limit(
            settings.graphql_max_complexity,
            default_page=settings.query_default_limit,
            max_page=settings.query_max_limit,
            variables=variables,
        )
        return tuple(validate(schema, document, (cost,)))

    given = variables_key(variables)
    problems = checked.errors or _cost_memo(request).get(
        (schema, document), (given,), cost_errors, keep=len(given) <= MAX_KEPT_KEY
    )
    if problems:
        return _json(
            {"errors": [errors.format_error(e, errors.VALIDATION_FAILED) for e in problems]}
        )
    if queries_only:
        chosen = get_operation_ast(document, operation)
        if chosen is not None and chosen.operation is not OperationType.QUERY:
            refusal = MethodNotAllowed("Mutations are only allowed over POST")
            return _refuse(refusal, {"Allow": "POST"})
    context = CoreContext(
        db=state.db,
        catalog=catalog,
        access=access,
        actor_name=principal.name,
        limits=Limits(default=settings.query_default_limit, maximum=settings.query_max_limit),
        batch_max_records=settings.batch_max_records,
        mutation_max_records=settings.mutation_maximum_affected_records,
    )
    fast = await fast_path.answer(schema, document, variables, operation, context)
    if fast is not None:
        return Response(fast, 200, media_type="application/json")
    body, outage, stale = await _execute(schema, document, variables, operation, context)
    chosen = get_operation_ast(document, operation)
    if stale and retry and chosen is not None and chosen.operation is OperationType.QUERY:
        fresh = await state.catalogs.refresh(catalog.workspace_id, min_version=catalog.version + 1)
        return await _answer(
            request, principal, fresh, query, variables, operation, queries_only, retry=False
        )
    if outage is not None:  # the database, not the document: 503, as REST answers
        return _json(body, outage.status, outage.headers)
    return _json(body)


async def _execute(
    schema: GraphQLSchema,
    document: Any,
    variables: dict[str, Any] | None,
    operation: str | None,
    context: CoreContext,
) -> tuple[dict[str, Any], ServiceUnavailable | None, bool]:
    """The response body, the outage one of its errors reports (if any), and whether one
    found the data model changed under it."""
    outcome = execute(
        schema,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation,
    )
    result: ExecutionResult = await outcome if isawaitable(outcome) else outcome
    body: dict[str, Any] = {"data": result.data}
    outage, stale = None, False
    if result.errors:
        body["errors"] = [
            errors.format_error(e, errors.BAD_USER_INPUT if e.path is None else errors.INTERNAL)
            for e in result.errors
        ]
        originals = [e.original_error for e in result.errors if e.original_error]
        outage = next((o for o in map(dberrors.outage, originals) if o is not None), None)
        stale = any(map(dberrors.model_changed, originals))
    return body, outage, stale
