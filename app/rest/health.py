"""GET /healthz: 200 only when the database answers and the core schema is at the head revision."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from fastapi import APIRouter

from app.db import migrate
from app.errors import ServiceUnavailable
from app.rest.deps import StateDep
from app.rest.responses import FastJSONResponse

log = logging.getLogger(__name__)
router = APIRouter()

HEALTH_TIMEOUT = 3.0


@router.get("/healthz", include_in_schema=False)
async def healthz(state: StateDep) -> FastJSONResponse:
    head = migrate.head_revision()
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT), state.db.connection() as conn:
            current = await migrate.current_revision(conn)
    except (
        OSError,
        TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        ServiceUnavailable,
    ) as exc:
        cause = type(exc.__cause__ or exc).__name__
        log.warning("health check: database unreachable (%s)", cause)
        return _unhealthy(f"database unreachable: {cause}", head=head)
    if current is None:
        return _unhealthy("migrations not applied: run `crm migrate`", head=head)
    if current != head:
        return _unhealthy(
            f"migrations not at head: database at {current}, code expects {head}; "
            "run `crm migrate`",
            head=head,
            current=current,
        )
    return FastJSONResponse({"status": "ok", "database": "ok", "migration": current})


def _unhealthy(problem: str, **details: str | None) -> FastJSONResponse:
    body = {
        "statusCode": 503,
        "error": "ServiceUnavailableException",
        "messages": [problem],
        "code": "SERVICE_UNAVAILABLE",
        "status": "unavailable",
        **{k: v for k, v in details.items() if v is not None},
    }
    return FastJSONResponse(body, status_code=503)
