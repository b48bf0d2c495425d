"""Admission, shared by every transport: authenticate the key, count the request against the
key's rate limit, refuse a key without a role, and pick the catalog snapshot the request reads
and the role's access in it (app.catalog.access).

Every transport admits before it reads the request body, so a request without a valid key
costs no parsing. A missing or bad key is counted against its client address; an address over
that budget (AUTH_FAILURES_PER_MINUTE) is refused with 429 before its key is even looked up,
unless the key authenticated lately (so a flood from a shared address does not lock out the
good keys behind it, and costs no database work).

The rate-limit decision is left in the request state for the X-RateLimit-* headers
(app/ratelimit/headers.py), refused requests included.
"""

from __future__ import annotations

from starlette.requests import Request

from app.auth.api_keys import Principal
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.errors import NoRoleAssigned, RateLimited, Unauthenticated
from app.ratelimit import headers
from app.state import AppState


async def admit(state: AppState, request: Request) -> Principal:
    """The caller's principal, or Unauthenticated / RateLimited."""
    refusal = state.limiter.refused_client(request)
    authorization = request.headers.get("authorization")
    if refusal is not None and not state.authenticator.recently_valid(authorization):
        setattr(request.state, headers.STATE_KEY, refusal)
        raise RateLimited(
            "Too many requests with a missing or invalid API key from this address; "
            f"retry in {refusal.retry_after} s",
            limit=refusal.limit,
            retryAfterSeconds=refusal.retry_after,
        )
    try:
        async with state.db.connection() as conn:
            principal = await state.authenticator.authenticate(conn, authorization)
    except Unauthenticated:
        state.limiter.count_refusal(request)
        raise
    request.state.principal = principal
    decision = await state.limiter.hit(request, state.quota_for(principal))
    setattr(request.state, headers.STATE_KEY, decision)
    if not decision.allowed:
        raise RateLimited(
            f"Rate limit exceeded: {decision.limit} requests per {decision.shown.name} for "
            f"this API key; retry in {decision.retry_after} s",
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
