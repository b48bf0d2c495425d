"""A committed event survives the death of the server that wrote it: a real `crm serve`
process (delivering webhooks itself, the default) is SIGKILLed while its delivery is in
flight, and the event reaches the receiver once a server runs again. And `crm worker`, the
worker run apart, delivers and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from app.db.database import Database
from tests.integration.webhooks.conftest import outbox, subscribe
from tests.integration.webhooks.receiver import Receiver
from tests.support import TEST_SECRET, WorkspaceFixture

CRM = Path(sys.executable).with_name("crm")

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "APP_SECRET": TEST_SECRET,
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "WEBHOOK_TIMEOUT_SECONDS": "1",
        "WEBHOOK_POLL_SECONDS": "0.2",
        "WEBHOOK_BACKOFF_BASE_SECONDS": "0.1",
    }


@asynccontextmanager
async def _server(database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, int]]:
    """A `crm serve` process on the test database; yields a client and its pid."""
    port = _free_port()
    env = _env(database_url)
    process = await asyncio.create_subprocess_exec(
        str(CRM),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
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
            yield http, process.pid
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def _until(condition: Callable[[], bool], within: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_sigkill_between_commit_and_delivery_loses_nothing(
    client: httpx.AsyncClient,
    db: Database,
    database_url: str,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
) -> None:
    await subscribe(client, fresh_workspace, receiver.url)
    receiver.holding.set()  # the first delivery will be in flight when the server dies
    async with _server(database_url) as (http, pid):
        created = await http.post(
            "/rest/people", json={"city": "Kill"}, headers=fresh_workspace.headers
        )
        assert created.status_code == 201, created.text
        await _until(lambda: receiver.held == 1)
        os.kill(pid, signal.SIGKILL)
    receiver.holding.clear()  # the held request is answered to nobody: not a delivery
    [event] = await outbox(db, fresh_workspace)
    assert event["status"] == "pending"
    assert receiver.received == []

    async with _server(database_url):
        [got] = await receiver.wait_for(1, within=30)
    assert got.event_id == str(event["id"])
    assert got.body["record"]["city"] == "Kill"
    assert int(got.headers["x-webhook-attempt"]) >= 2
    [after] = await outbox(db, fresh_workspace)
    assert after["status"] == "delivered"


async def test_crm_worker_delivers_apart_and_stops_on_sigterm(
    client: httpx.AsyncClient,
    database_url: str,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
) -> None:
    await subscribe(client, fresh_workspace, receiver.url)
    await client.post("/rest/companies", json={"name": "Apart"}, headers=fresh_workspace.headers)
    process = await asyncio.create_subprocess_exec(
        str(CRM),
        "worker",
        env=_env(database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        [got] = await receiver.wait_for(1, within=30)
        assert got.body["record"]["name"] == "Apart"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert b"delivering webhooks" in output
