"""Fixtures for the contract tests: a live server (tests/browser/conftest.py's) with a workspace
holding a field of every type, and the OpenAPI documents it serves."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.browser.conftest import LiveServer, live_server  # noqa: F401 (a fixture)
from tests.specimen import make_specimen_workspace
from tests.support import WorkspaceFixture


@pytest.fixture(scope="session")
async def contract_workspace(db: Database) -> WorkspaceFixture:
    return await make_specimen_workspace(db)


def fetch_document(server: LiveServer, workspace: WorkspaceFixture, kind: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/rest/open-api/{kind}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document
