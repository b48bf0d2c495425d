"""The target of a record route: the object named in the path, with everything the request
works with (the caller, the workspace model and the caller's access to it).

    async def find_many(target: TargetDep) -> FastJSONResponse: ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import QueryParams

from app import gate
from app.auth.api_keys import Principal
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.errors import ObjectNotFound
from app.metadata.model import ObjectMeta
from app.state import AppState


@dataclass(frozen=True, slots=True)
class Target:
    request: Request
    state: AppState
    principal: Principal
    catalog: Catalog
    access: Access
    obj: ObjectMeta

    @property
    def query(self) -> QueryParams:
        return self.request.query_params


def resolve_object(catalog: Catalog, name: str) -> ObjectMeta:
    """The active object whose plural is `name`, or Twenty's 400 ("Did you mean 'people'?")."""
    obj = catalog.by_plural(name)
    if obj is not None and obj.is_active:
        return obj
    singular = catalog.by_singular(name)
    if singular is not None and singular.is_active:
        raise ObjectNotFound(
            f"object '{name}' not found. Did you mean '{singular.name_plural}'?",
            hint=f"Did you mean '{singular.name_plural}'?",
        )
    plurals = [o.name_plural for o in catalog.active_objects]
    example = "companies" if "companies" in plurals else (plurals[0] if plurals else "companies")
    raise ObjectNotFound(f"object '{name}' not found. eg: {example}")


async def get_target(plural: str, request: Request) -> Target:
    """One dependency doing in order what the separate ones in app.rest.deps do: FastAPI
    resolves each dependency of a route through its own solver pass (signature analysis,
    sub-dependency cache, keyword binding), which on the record routes cost more than the
    lookups themselves (profiled in docs/benchmarks.md)."""
    state: AppState = request.app.state.crm
    principal = await gate.admit(state, request)
    catalog = await gate.catalog_for(state, principal)
    access = gate.access_for(catalog, principal)
    return Target(request, state, principal, catalog, access, resolve_object(catalog, plural))


TargetDep = Annotated[Target, Depends(get_target)]
