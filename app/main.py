"""create_app(): the ASGI application with its lifespan, error handlers and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.config import Settings, get_settings
from app.rest import core, errors, health
from app.rest.responses import FastJSONResponse
from app.state import AppState


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await AppState.open(settings)
        app.state.crm = state
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
    app.include_router(health.router)
    app.include_router(core.router)
    return app
