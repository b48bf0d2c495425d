"""Fixtures for the metadata suites: a workspace per module, whose model its tests change."""

from __future__ import annotations

import pytest

from app.db.database import Database
from tests.support import WorkspaceFixture, make_workspace


@pytest.fixture(scope="module")
async def model_workspace(db: Database) -> WorkspaceFixture:
    """A workspace of the module's own: its tests change its data model."""
    return await make_workspace(db)
