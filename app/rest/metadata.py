"""Metadata REST transport: `/rest/metadata/objects` and `/rest/metadata/fields`, in Twenty's
legacy envelope (`data.objects`, `data.object`, `data.createOneObject`, …).

Included before the core router, whose `/rest/{plural}/{id}` would otherwise take these paths.
Every change goes through the metadata service, which refreshes this process's catalog before
the response leaves, so the next core request sees the new model.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Depends, Request

from app.errors import BadRequest, InvalidCursor, InvalidPath, MetadataNotFound, UnknownParameter
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.paging import Page, PageRequest, paginate
from app.metadata.service import MetadataService
from app.metadata.workspace_model import WorkspaceModel
from app.rest import params
from app.rest.deps import PrincipalDep, StateDep
from app.rest.metadata_json import field_json, object_json
from app.rest.responses import FastJSONResponse

router = APIRouter(prefix="/rest/metadata")

PAGE_SIZE = 1000  # Twenty's default and maximum for metadata lists
_LIST_PARAMETERS = frozenset({"limit", "starting_after", "ending_before"})


def metadata_service(state: StateDep) -> MetadataService:
    return MetadataService(state.db, catalogs=state.catalogs)


ServiceDep = Annotated[MetadataService, Depends(metadata_service)]


def _uuid(text: str) -> UUID:
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


def _page_request(request: Request) -> PageRequest:
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


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise BadRequest("A JSON request body is required")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from None


def _list(key: str, page: Page[Any], items: list[dict[str, Any]]) -> FastJSONResponse:
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
        }
    )


def _one(key: str, item: dict[str, Any], status: int = 200) -> FastJSONResponse:
    return FastJSONResponse({"data": {key: item}}, status_code=status)


def _object(model: WorkspaceModel, object_id: UUID) -> ObjectMeta:
    obj = model.object(object_id)
    if obj is None:
        raise MetadataNotFound("Object metadata not found", id=str(object_id))
    return obj


def _field(model: WorkspaceModel, field_id: UUID) -> FieldMeta:
    field = model.field(field_id)
    if field is None:
        raise MetadataNotFound("Field metadata not found", id=str(field_id))
    return field


# ---- objects -------------------------------------------------------------------------------


@router.get("/objects")
async def find_objects(
    request: Request, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    page_request = _page_request(request)
    model = await service.model(principal.workspace_id)
    page = paginate(model.objects, page_request, key=lambda o: o.id)
    return _list("objects", page, [object_json(o, model) for o in page.items])


@router.get("/objects/{object_id}")
async def find_object(
    object_id: str, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    parsed = _uuid(object_id)
    model = await service.model(principal.workspace_id)
    return _one("object", object_json(_object(model, parsed), model))


@router.post("/objects", status_code=201)
async def create_object(
    request: Request, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    model, object_id = await service.create_object(principal.workspace_id, await _body(request))
    return _one("createOneObject", object_json(_object(model, object_id), model), 201)


@router.api_route("/objects/{object_id}", methods=["PATCH", "PUT"])
async def update_object(
    object_id: str, request: Request, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    parsed = _uuid(object_id)
    body = await _body(request)
    model, _ = await service.update_object(principal.workspace_id, parsed, body)
    return _one("updateOneObject", object_json(_object(model, parsed), model))


@router.delete("/objects/{object_id}")
async def delete_object(
    object_id: str, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    parsed = _uuid(object_id)
    before, deleted = await service.delete_object(principal.workspace_id, parsed)
    return _one("deleteOneObject", object_json(deleted, before))


# ---- fields --------------------------------------------------------------------------------


@router.get("/fields")
async def find_fields(
    request: Request, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    page_request = _page_request(request)
    model = await service.model(principal.workspace_id)
    page = paginate(list(model.fields), page_request, key=lambda f: f.id)
    return _list("fields", page, [field_json(f, model) for f in page.items])


@router.get("/fields/{field_id}")
async def find_field(
    field_id: str, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    parsed = _uuid(field_id)
    model = await service.model(principal.workspace_id)
    return _one("field", field_json(_field(model, parsed), model))


@router.post("/fields", status_code=201)
async def create_field(
    request: Request, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    model, field_id = await service.create_field(principal.workspace_id, await _body(request))
    return _one("createOneField", field_json(_field(model, field_id), model), 201)


@router.api_route("/fields/{field_id}", methods=["PATCH", "PUT"])
async def update_field(
    field_id: str, request: Request, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    parsed = _uuid(field_id)
    body = await _body(request)
    try:
        model, _ = await service.update_field(principal.workspace_id, parsed, body)
    except MetadataNotFound as exc:
        raise BadRequest(exc.message) from None  # Twenty answers 400 here (its REST suite)
    return _one("updateOneField", field_json(_field(model, parsed), model))


@router.delete("/fields/{field_id}")
async def delete_field(
    field_id: str, principal: PrincipalDep, service: ServiceDep
) -> FastJSONResponse:
    parsed = _uuid(field_id)
    before, deleted = await service.delete_field(principal.workspace_id, parsed)
    return _one("deleteOneField", field_json(deleted, before))
