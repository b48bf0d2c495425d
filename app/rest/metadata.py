"""Metadata REST transport: `/rest/metadata/objects` and `/rest/metadata/fields`, in Twenty's
legacy envelope (`data.objects`, `data.object`, `data.createOneObject`, …).

Included before the core router, whose `/rest/{plural}/{id}` would otherwise take these paths.
Every change goes through the metadata service, which refreshes this process's catalog before
the response leaves, so the next core request sees the new model.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from app.auth.settings_access import require_settings_access
from app.errors import BadRequest, MetadataNotFound
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.paging import paginate
from app.metadata.service import MetadataService
from app.metadata.workspace_model import WorkspaceModel
from app.rest.deps import PrincipalDep, StateDep
from app.rest.metadata_envelope import json_body as _body
from app.rest.metadata_envelope import list_response as _list
from app.rest.metadata_envelope import one_response as _one
from app.rest.metadata_envelope import page_request as _page_request
from app.rest.metadata_envelope import path_id as _uuid
from app.rest.metadata_json import field_json, object_json
from app.rest.responses import FastJSONResponse

router = APIRouter(prefix="/rest/metadata")


def metadata_service(state: StateDep, principal: PrincipalDep) -> MetadataService:
    """Reads for every key; changes for a role with `canUpdateAllSettings` (400 "User does not
    have permission" otherwise, as Twenty's settings guard)."""
    return MetadataService(
        state.db,
        catalogs=state.catalogs,
        may_change=partial(require_settings_access, principal=principal),
    )


ServiceDep = Annotated[MetadataService, Depends(metadata_service)]


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
