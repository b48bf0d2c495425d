"""Admission, shared by every transport: authenticate the key, count the request against the
key's rate limit, refuse a key without a role, and pick the catalog snapshot the request reads
and the role's access in it (app.catalog.access).

The rate-limit decision is left in the request state for the X-RateLimit-* headers
(app/ratelimit/headers.py), refused requests included.
"""

from __future__ import annotations

from starlette.requests import Request

from app.auth.api_keys import Principal
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.errors import NoRoleAssigned, RateLimited
from app.ratelimit import headers
from app.state import AppState


async def admit(state: AppState, request: Request) -> Principal:
    """The caller's principal, or Unauthenticated / RateLimited."""
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
    if principal.role_id is None:
        raise _no_role(principal)
    return principal


async def catalog_for(state: AppState, principal: Principal) -> Catalog:
    """The workspace's snapshot, never older than the version the key lookup just read (Note
    [catalog reload ordering])."""
    catalog = await state.catalogs.get(principal.workspace_id)
    wanted = principal.metadata_version
    if wanted is not None and catalog.version < wanted:
        catalog = await state.catalogs.refresh(principal.workspace_id, min_version=wanted)
    return catalog


def access_for(catalog: Catalog, principal: Principal) -> Access:
    """The principal's role's permissions in `catalog`: a dictionary lookup (computed once per
    snapshot). A role that is not the workspace's is refused like a missing one."""
    access = catalog.access(principal.role_id)
    if access is None:
        raise _no_role(principal)
    return access


def _no_role(principal: Principal) -> NoRoleAssigned:
    """Twenty's wording (API_KEY_NO_ROLE_ASSIGNED)."""
    return NoRoleAssigned(
        f"API key {principal.api_key_id} has no role assigned",
        hint="assign a role to the key, or use another key",
    )
