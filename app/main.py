"""create_app(): the ASGI application with its lifespan, error handlers and routers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.config import Settings, get_settings
from app.edge import BodyLimit, Failures
from app.graphql.core import endpoint as core_graphql
from app.graphql.metadata import endpoint as graphql_metadata
from app.playground import router as playground
from app.ratelimit.headers import RateLimitHeaders
from app.rest import access, core, errors, health, open_api, webhooks
from app.rest import metadata as rest_metadata
from app.rest.responses import FastJSONResponse
from app.state import AppState


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await AppState.open(settings)
        app.state.crm = state
        # Everything alive now (modules, the app, its routes) lives as long as the process:
        # keep it out of the collector's full passes, which otherwise stall requests for
        # ~100 ms each (measured by bench/metadata_latency.py).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await state.close()

    app = FastAPI(
        title="CRM API",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=FastJSONResponse,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    errors.install(app)
    open_api.install_log_redaction()  # ?token= must not reach the access log
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Failures)  # outermost: sees every failure, never re-raises
    app.include_router(core.router)  # first: Note [record routes first] in app.rest.core
    app.include_router(core_graphql.router)
    app.include_router(health.router)
    app.include_router(graphql_metadata.router)
    app.include_router(rest_metadata.router)
    app.include_router(access.router)  # and the deprecated /rest/apiKeys
    app.include_router(open_api.router)
    app.include_router(webhooks.router)  # and the deprecated /rest/webhooks
    playground.install(app)
    app.include_router(core.fallback)  # last: Twenty's 400 for any other /rest path
    return app
