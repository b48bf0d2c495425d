"""Fixtures for the metadata suites: a client that lives as long as a module's workspace."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.db.database import Database
from tests.support import WorkspaceFixture, make_workspace


@pytest.fixture(scope="module")
async def module_client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="module")
async def model_workspace(db: Database) -> WorkspaceFixture:
    """A workspace of the module's own: its tests change its data model."""
    return await make_workspace(db)
