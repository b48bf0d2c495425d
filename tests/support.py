"""Helpers shared by the tests: workspaces with an admin key."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from app.auth import api_keys
from app.db.database import Database
from app.metadata import roles
from app.metadata.workspaces import create_workspace

TEST_SECRET = "test-secret-" + "x" * 40


@dataclass(frozen=True)
class WorkspaceFixture:
    id: uuid.UUID
    name: str
    schema: str
    token: str
    key_id: uuid.UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_workspace(db: Database, name: str | None = None) -> WorkspaceFixture:
    name = name or f"ws-{secrets.token_hex(4)}"
    async with db.transaction() as conn:
        workspace = await create_workspace(conn, name)
        admin = await roles.role_by_label(conn, workspace.id, roles.ADMIN)
        assert admin is not None
        key, token = await api_keys.create_api_key(
            conn, secret=TEST_SECRET, workspace_id=workspace.id, name="test", role_id=admin.id
        )
    return WorkspaceFixture(workspace.id, workspace.name, workspace.schema_name, token, key.id)
