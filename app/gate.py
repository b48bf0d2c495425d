"""Admission, shared by every transport: authenticate the key, count the request against the
key's rate limit, and pick the catalog snapshot the request reads.

The rate-limit decision is left in the request state for the X-RateLimit-* headers
(app/ratelimit/headers.py), refused requests included.
"""

from __future__ import annotations

from starlette.requests import Request

from app.auth.api_keys import Principal
from app.catalog.snapshot import Catalog
from app.errors import RateLimited
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
    return principal


async def catalog_for(state: AppState, principal: Principal) -> Catalog:
    """The workspace's snapshot, never older than the version the key lookup just read (Note
    [catalog reload ordering])."""
    catalog = await state.catalogs.get(principal.workspace_id)
    wanted = principal.metadata_version
    if wanted is not None and catalog.version < wanted:
        catalog = await state.catalogs.refresh(principal.workspace_id, min_version=wanted)
    return catalog
