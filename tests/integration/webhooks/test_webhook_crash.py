"""A committed event survives the death of the server that wrote it: a real `crm serve`
process (delivering webhooks itself, the default) is SIGKILLed while its delivery is in
flight, and the event reaches the receiver once a server runs again. And `crm worker`, the
worker run apart, delivers and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal

import httpx
import pytest

from app.db.database import Database
from tests.integration.webhooks.conftest import outbox, subscribe, until
from tests.integration.webhooks.receiver import Receiver
from tests.support import CRM, TEST_SECRET, WorkspaceFixture, crm_server

pytestmark = pytest.mark.slow

# Short timeouts and backoffs: a lease expires 3 s after its claim (twice the timeout + 1 s).
WEBHOOK_ENV = {
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    "WEBHOOK_TIMEOUT_SECONDS": "1",
    "WEBHOOK_POLL_SECONDS": "0.2",
    "WEBHOOK_BACKOFF_BASE_SECONDS": "0.1",
}


async def test_sigkill_between_commit_and_delivery_loses_nothing(
    client: httpx.AsyncClient,
    db: Database,
    database_url: str,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
) -> None:
    await subscribe(client, fresh_workspace, receiver.url)
    receiver.holding.set()  # the first delivery will be in flight when the server dies
    async with crm_server(database_url, **WEBHOOK_ENV) as (http, process):
        created = await http.post(
            "/rest/people", json={"city": "Kill"}, headers=fresh_workspace.headers
        )
        assert created.status_code == 201, created.text
        await until(lambda: receiver.held == 1)
        process.send_signal(signal.SIGKILL)
    receiver.holding.clear()  # the held request is answered to nobody: not a delivery
    [event] = await outbox(db, fresh_workspace)
    assert event["status"] == "pending"
    assert receiver.received == []

    async with crm_server(database_url, **WEBHOOK_ENV):
        [got] = await receiver.wait_for(1, within=30)

        async def delivered() -> bool:  # written once the worker has the receiver's answer
            [row] = await outbox(db, fresh_workspace)
            return bool(row["status"] == "delivered")

        await until(delivered)
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
        env={**os.environ, "DATABASE_URL": database_url, "APP_SECRET": TEST_SECRET, **WEBHOOK_ENV},
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
