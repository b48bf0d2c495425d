"""FastAPI dependencies that read like English at the route: who calls, which model, which pool."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.auth.api_keys import Principal
from app.catalog.snapshot import Catalog
from app.db.database import Database
from app.errors import RateLimited
from app.ratelimit import headers
from app.state import AppState


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.crm
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_principal(request: Request, state: StateDep) -> Principal:
    async with state.db.connection() as conn:
        principal = await state.authenticator.authenticate(
            conn, request.headers.get("authorization")
        )
    request.state.principal = principal
    decision = await state.limiter.hit(principal.api_key_id, state.quota_for(principal))
    setattr(request.state, headers.STATE_KEY, decision)
    if not decision.allowed:
        raise RateLimited(
            f"Rate limit exceeded: {decision.limit} requests per minute for this API key; "
            f"retry in {decision.retry_after} s",
            limit=decision.limit,
            retryAfterSeconds=decision.retry_after,
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_catalog(principal: PrincipalDep, state: StateDep) -> Catalog:
    """The workspace's snapshot, never older than the version the key lookup just read."""
    catalog = await state.catalogs.get(principal.workspace_id)
    wanted = principal.metadata_version
    if wanted is not None and catalog.version < wanted:
        catalog = await state.catalogs.refresh(principal.workspace_id, min_version=wanted)
    return catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


def get_database(state: StateDep) -> Database:
    return state.db


DatabaseDep = Annotated[Database, Depends(get_database)]
