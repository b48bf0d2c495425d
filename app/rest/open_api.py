"""The OpenAPI documents of the caller's workspace, at Twenty's paths:

    GET /rest/open-api/core       GET /open-api/core
    GET /rest/open-api/metadata   GET /open-api/metadata

As Twenty's, these routes never answer 401: the key comes from `Authorization: Bearer …` or,
as Twenty's front end sends it, `?token=…`, and without a valid key (missing, unknown,
revoked, expired, or a key without a role) the answer is the base document with HTTP 200.
Documents are generated from the catalog (app/openapi) and cached per catalog version, so a
field added through the metadata API is in the next document.
"""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, Request
from starlette.responses import Response

from app import gate
from app.errors import Unauthenticated
from app.openapi import Kind, Limits, base_document, core_document, metadata_document
from app.openapi.cache import DocumentCache
from app.rest.deps import StateDep
from app.rest.responses import dumps
from app.state import AppState

router = APIRouter()

_TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s]*")


class TokenRedaction(logging.Filter):
    """Keeps `?token=<key>` out of uvicorn's access log: the key becomes `[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_QUERY.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def install_log_redaction() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, TokenRedaction) for f in access.filters):
        access.addFilter(TokenRedaction())


_CACHE_CONTROL = {"Cache-Control": "no-store"}  # per key: never shared by a proxy


def server_url(request: Request) -> str:
    """`<scheme>://<host>` of the request, where the documents' servers live."""
    return str(request.base_url).rstrip("/")


async def _document(kind: Kind, request: Request, state: AppState) -> Response:
    url = server_url(request)
    authorization = request.headers.get("authorization")
    token = request.query_params.get("token")
    if not authorization and token:
        authorization = f"Bearer {token}"
    principal = None
    # A bad key costs a lookup: counted per address like admission's (app.gate), and not
    # looked up at all once the address is over its budget.
    flooding = state.limiter.refused_client(request) is not None
    if authorization and not (flooding and not state.authenticator.recently_valid(authorization)):
        try:
            async with state.db.connection() as conn:
                principal = await state.authenticator.authenticate(conn, authorization)
        except Unauthenticated:
            state.limiter.count_refusal(request)
    if principal is None or principal.role_id is None:
        return _json(dumps(base_document(kind, url)))
    catalog = await gate.catalog_for(state, principal)
    config = state.settings
    limits = Limits(config.query_default_limit, config.query_max_limit, config.batch_max_records)
    cache: DocumentCache = state.documents
    body = cache.get(
        (*catalog.key, kind, url),
        lambda: core_document(catalog, url, limits) if kind == "core" else metadata_document(url),
    )
    return _json(body)


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json", headers=_CACHE_CONTROL)


@router.get("/rest/open-api/core")
@router.get("/open-api/core")
async def core(request: Request, state: StateDep) -> Response:
    return await _document("core", request, state)


@router.get("/rest/open-api/metadata")
@router.get("/open-api/metadata")
async def metadata(request: Request, state: StateDep) -> Response:
    return await _document("metadata", request, state)
