"""REST for a workspace's API keys (`/rest/metadata/apiKeys`) and roles (`/rest/metadata/roles`),
in the metadata API's legacy envelope.

    GET    …/apiKeys                   data.apiKeys, pageInfo, totalCount
    GET    …/apiKeys/{id}              data.apiKey
    POST   …/apiKeys                   201 data.createApiKey (+ token, the only time it is shown)
    PATCH  …/apiKeys/{id}  (or PUT)    data.updateApiKey: name, expiresAt, revokedAt
    POST   …/apiKeys/{id}/revoke       data.revokeApiKey (idempotent)
    POST   …/apiKeys/{id}/regenerate   data.regenerateApiKey (+ token); body {overlapSeconds?}
    DELETE …/apiKeys/{id}              data.deleteApiKey
    GET    …/roles, …/roles/{id}       data.roles, data.role

`/rest/apiKeys…` answers the same, with Twenty's deprecation headers pointing at the successor
(spec §3.1). Every route needs a key whose role may update settings (settings_access).
Included before the core router, whose `/rest/{plural}/{id}` would otherwise take these paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from app.auth.access_inputs import overlap_seconds
from app.auth.access_service import AccessService, KeyView
from app.metadata.paging import paginate
from app.rest.access_json import key_json, role_json
from app.rest.deps import PrincipalDep, StateDep
from app.rest.metadata_envelope import (
    json_body,
    list_response,
    one_response,
    page_request,
    path_id,
)
from app.rest.responses import FastJSONResponse

router = APIRouter()

KEYS = "/rest/metadata/apiKeys"
LEGACY_KEYS = "/rest/apiKeys"
DEPRECATION = {
    "Deprecation": "@1786320000",  # 2026-08-10, Twenty's legacy-metadata-route interceptor
    "Link": f'<{KEYS}>; rel="successor-version"',
}
NO_STORE = {"Cache-Control": "no-store"}  # for answers carrying a token


def access_service(principal: PrincipalDep, state: StateDep) -> AccessService:
    return AccessService(
        state.db,
        catalogs=state.catalogs,
        secret=state.settings.resolved_secret(),
        principal=principal,
    )


AccessDep = Annotated[AccessService, Depends(access_service)]


def _headers(request: Request, *extra: dict[str, str]) -> dict[str, str]:
    headers = dict(DEPRECATION) if request.url.path.startswith(LEGACY_KEYS) else {}
    for more in extra:
        headers.update(more)
    return headers


def _with_token(view: KeyView, token: str) -> dict[str, Any]:
    return {**key_json(view), "token": token}


# ---- API keys (registered under both prefixes below) -----------------------------------------


async def find_api_keys(request: Request, access: AccessDep) -> FastJSONResponse:
    wanted = page_request(request)
    page = paginate(await access.list_keys(), wanted, key=lambda view: view.key.id)
    items = [key_json(view) for view in page.items]
    return list_response("apiKeys", page, items, headers=_headers(request))


async def find_api_key(key_id: str, request: Request, access: AccessDep) -> FastJSONResponse:
    view = await access.key(path_id(key_id))
    return one_response("apiKey", key_json(view), headers=_headers(request))


async def create_api_key(request: Request, access: AccessDep) -> FastJSONResponse:
    view, token = await access.create_key(await json_body(request))
    body = _with_token(view, token)
    return one_response("createApiKey", body, 201, headers=_headers(request, NO_STORE))


async def update_api_key(key_id: str, request: Request, access: AccessDep) -> FastJSONResponse:
    parsed = path_id(key_id)
    view = await access.update_key(parsed, await json_body(request))
    return one_response("updateApiKey", key_json(view), headers=_headers(request))


async def revoke_api_key(key_id: str, request: Request, access: AccessDep) -> FastJSONResponse:
    view = await access.revoke_key(path_id(key_id))
    return one_response("revokeApiKey", key_json(view), headers=_headers(request))


async def regenerate_api_key(key_id: str, request: Request, access: AccessDep) -> FastJSONResponse:
    parsed = path_id(key_id)
    overlap = overlap_seconds(await json_body(request, required=False))
    view, token = await access.rotate_key(parsed, overlap_seconds=overlap)
    body = _with_token(view, token)
    return one_response("regenerateApiKey", body, headers=_headers(request, NO_STORE))


async def delete_api_key(key_id: str, request: Request, access: AccessDep) -> FastJSONResponse:
    view = await access.delete_key(path_id(key_id))
    return one_response("deleteApiKey", key_json(view), headers=_headers(request))


_KEY_ROUTES: list[tuple[str, Callable[..., Any], list[str], int]] = [
    ("", find_api_keys, ["GET"], 200),
    ("", create_api_key, ["POST"], 201),
    ("/{key_id}", find_api_key, ["GET"], 200),
    ("/{key_id}", update_api_key, ["PATCH", "PUT"], 200),
    ("/{key_id}", delete_api_key, ["DELETE"], 200),
    ("/{key_id}/revoke", revoke_api_key, ["POST"], 200),
    ("/{key_id}/regenerate", regenerate_api_key, ["POST"], 200),
]
for _prefix in (KEYS, LEGACY_KEYS):
    for _path, _endpoint, _methods, _status in _KEY_ROUTES:
        router.add_api_route(
            _prefix + _path,
            _endpoint,
            methods=_methods,
            status_code=_status,
            name=f"{_endpoint.__name__}{'_legacy' if _prefix == LEGACY_KEYS else ''}",
        )


# ---- roles ----------------------------------------------------------------------------------


@router.get("/rest/metadata/roles")
async def find_roles(request: Request, access: AccessDep) -> FastJSONResponse:
    wanted = page_request(request)
    page = paginate(await access.list_roles(), wanted, key=lambda detail: detail.role.id)
    return list_response("roles", page, [role_json(detail) for detail in page.items])


@router.get("/rest/metadata/roles/{role_id}")
async def find_role(role_id: str, access: AccessDep) -> FastJSONResponse:
    return one_response("role", role_json(await access.role(path_id(role_id))))
