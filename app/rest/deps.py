"""FastAPI dependencies that read like English at the route: who calls, which model, what the
caller's role may do, which pool.

Every dependency is `async def`, even the ones that do no I/O: FastAPI runs a plain `def`
dependency in its thread pool, a thread hop on every request for a dictionary lookup.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app import gate
from app.auth.api_keys import Principal
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.db.database import Database
from app.state import AppState


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.crm
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_principal(request: Request, state: StateDep) -> Principal:
    return await gate.admit(state, request)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_catalog(principal: PrincipalDep, state: StateDep) -> Catalog:
    return await gate.catalog_for(state, principal)


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


async def get_access(principal: PrincipalDep, catalog: CatalogDep) -> Access:
    return gate.access_for(catalog, principal)


AccessDep = Annotated[Access, Depends(get_access)]


async def get_database(state: StateDep) -> Database:
    return state.db


DatabaseDep = Annotated[Database, Depends(get_database)]
