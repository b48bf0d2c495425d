"""PostgreSQL connections terminated under load, then the database refusing connections for a
while: the server answers 503 with Retry-After (never 500), /healthz says what is true, and the
server recovers by itself, without a restart."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from tests.fault.support import Server, start_server
from tests.support import WorkspaceFixture

CLIENTS = 6
RECOVERY_DEADLINE = 20.0


@pytest.fixture
async def named_server(database_url: str) -> AsyncIterator[tuple[Server, str]]:
    """A server whose connections carry an application name of their own, to terminate."""
    name = f"crm_fault_{secrets.token_hex(4)}"
    joiner = "&" if "?" in database_url else "?"
    process = await start_server(f"{database_url}{joiner}application_name={name}")
    yield process, name
    await process.stop()


async def _terminate(admin: asyncpg.Connection, name: str) -> int:
    terminated: int = await admin.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
        name,
    )
    return terminated


async def test_terminated_and_refused_connections_are_503_and_the_server_recovers(
    named_server: tuple[Server, str],
    server_url: str,
    database_url: str,
    workspace: WorkspaceFixture,
) -> None:
    server, name = named_server
    database = urlsplit(database_url).path.lstrip("/")
    answers: list[httpx.Response] = []
    health: list[int] = []
    stop = asyncio.Event()

    async def load(http: httpx.AsyncClient) -> None:
        query = {"query": "{ people(first: 5) { edges { node { id } } } }"}
        while not stop.is_set():
            answers.append(await http.get("/rest/people?limit=5"))
            answers.append(await http.post("/graphql", json=query))

    admin = await asyncpg.connect(server_url)  # the maintenance database, not the test one
    async with httpx.AsyncClient(
        base_url=server.url, headers=workspace.headers, timeout=30
    ) as http:
        clients = [asyncio.create_task(load(http)) for _ in range(CLIENTS)]
        try:
            await asyncio.sleep(0.5)
            assert await _terminate(admin, name) > 0  # under load: the pool reconnects
            await asyncio.sleep(0.5)
            await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            await _terminate(admin, name)
            await asyncio.sleep(0.5)
            health.append((await http.get("/healthz")).status_code)
            await asyncio.sleep(0.5)
        finally:
            await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
            await admin.close()
        deadline = time.monotonic() + RECOVERY_DEADLINE
        while time.monotonic() < deadline:
            if (await http.get("/healthz")).status_code == 200:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)  # a moment of load after recovery
        stop.set()
        await asyncio.wait_for(asyncio.gather(*clients), 30)
        after = await http.get("/rest/people?limit=5")
    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert 503 in statuses and 200 in statuses
    assert all(a.headers.get("Retry-After") for a in answers if a.status_code == 503)
    assert health == [503]  # /healthz said the truth during the outage
    assert after.status_code == 200  # recovered without a restart
    assert statuses[-1] == 200
