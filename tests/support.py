"""Helpers shared by the tests: workspaces with an admin key, a `crm serve` process."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

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


CRM = Path(sys.executable).with_name("crm")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def crm_server(
    database_url: str, **env: str
) -> AsyncIterator[tuple[httpx.AsyncClient, asyncio.subprocess.Process]]:
    """A `crm serve` process on the test database (with `env` added to the environment), once
    it answers /healthz: an HTTP client for it, and the process. Terminated on the way out."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(CRM),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env={**os.environ, "DATABASE_URL": database_url, "APP_SECRET": TEST_SECRET, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(300):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.returncode is None, "the server exited"
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the server did not start")
            yield http, process
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 30)
