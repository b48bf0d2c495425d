"""Fixtures for the permission suites: a client that lives as long as a module's data."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest


@pytest.fixture(scope="module")
async def module_client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, for module-scoped fixtures that seed a data set once."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
