"""Fixtures for the webhook suites: a local receiver, delivery workers with short backoffs, and
helpers to subscribe and to read the outbox.

The session's app runs no worker of its own (tests/conftest.py); a test that needs deliveries
starts one here, on the test database, so it knows which workers exist.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from app.db.database import Database
from app.webhooks.worker import DeliveryPolicy, DeliveryWorker
from tests.integration.webhooks.receiver import Receiver
from tests.support import WorkspaceFixture

WEBHOOKS = "/rest/metadata/webhooks"
FAST = DeliveryPolicy(
    timeout=2.0, horizon=60.0, backoff_base=0.05, backoff_max=0.3, poll=0.1, allow_private=True
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.holding.clear()
    server.stop()


@asynccontextmanager
async def running_worker(
    database_url: str, policy: DeliveryPolicy = FAST
) -> AsyncIterator[DeliveryWorker]:
    """A delivery worker with its own pool, as a separate deployment would have."""
    db = Database(database_url, max_size=4)
    await db.open()
    delivery = DeliveryWorker(db, policy)
    await delivery.start()
    try:
        yield delivery
    finally:
        await delivery.stop()
        await db.close()


@pytest.fixture
async def worker(database_url: str) -> AsyncIterator[DeliveryWorker]:
    async with running_worker(database_url) as delivery:
        yield delivery


async def until(condition: Callable[[], Any], within: float = 20.0) -> None:
    """Wait for `condition()` (a bool, or an awaitable of one) to hold, or AssertionError."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        held = condition()
        if inspect.isawaitable(held):
            held = await held
        if held:
            return
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def subscribe(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    url: str,
    operations: list[str] | None = None,
    **more: Any,
) -> dict[str, Any]:
    """POST /rest/metadata/webhooks; the created webhook."""
    body = {"targetUrl": url, "operations": operations or ["*.*"], **more}
    response = await client.post(WEBHOOKS, json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def outbox(db: Database, workspace: WorkspaceFixture) -> list[dict[str, Any]]:
    """The workspace's webhook events as written, in order."""
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT * FROM core.webhook_delivery WHERE workspace_id = $1 ORDER BY seq",
            workspace.id,
        )
    return [dict(row) for row in rows]
