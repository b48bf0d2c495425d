"""The metadata REST API's request and response shapes, shared by its routers: path ids,
list parameters, JSON bodies, and Twenty's legacy envelope.

    {"data": {"objects": […]}, "pageInfo": {…}, "totalCount": N}     a list
    {"data": {"object": {…}}}                                        one item, or a change's result
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
from fastapi import Request

from app.errors import BadRequest, InvalidCursor, InvalidPath, UnknownParameter
from app.metadata.paging import Page, PageRequest
from app.rest import params
from app.rest.responses import FastJSONResponse

PAGE_SIZE = 1000  # Twenty's default and maximum for metadata lists
_LIST_PARAMETERS = frozenset({"limit", "starting_after", "ending_before"})


def path_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidPath(f"'{text}' is not a valid UUID") from None


def _cursor(request: Request, name: str) -> UUID | None:
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        raise InvalidCursor(f"Invalid cursor: {text}", parameter=name) from None


def page_request(request: Request) -> PageRequest:
    for name in request.query_params:
        if name not in _LIST_PARAMETERS:
            raise UnknownParameter(
                f"Unknown query parameter '{name}'. Allowed: {', '.join(sorted(_LIST_PARAMETERS))}",
                parameter=name,
            )
    after, before = _cursor(request, "starting_after"), _cursor(request, "ending_before")
    if after is not None and before is not None:
        raise InvalidCursor("'starting_after' and 'ending_before' cannot be used together.")
    limit = params.parse_limit(
        request.query_params.get("limit"), default=PAGE_SIZE, maximum=PAGE_SIZE
    )
    return PageRequest(limit=limit, after=after, before=before)


async def json_body(request: Request, *, required: bool = True) -> Any:
    """The parsed body; None when it is empty and not `required`."""
    raw = await request.body()
    if not raw:
        if not required:
            return None
        raise BadRequest("A JSON request body is required")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from None


def list_response(
    key: str,
    page: Page[Any],
    items: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> FastJSONResponse:
    return FastJSONResponse(
        {
            "data": {key: items},
            "pageInfo": {
                "hasNextPage": page.has_next_page,
                "hasPreviousPage": page.has_previous_page,
                "startCursor": str(page.start) if page.start else None,
                "endCursor": str(page.end) if page.end else None,
            },
            "totalCount": page.total,
        },
        headers=headers,
    )


def one_response(
    key: str, item: Any, status: int = 200, headers: dict[str, str] | None = None
) -> FastJSONResponse:
    return FastJSONResponse({"data": {key: item}}, status_code=status, headers=headers)
