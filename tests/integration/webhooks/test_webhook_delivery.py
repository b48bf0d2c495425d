"""Delivery to a real receiver: Twenty's signature verifies, nothing is lost or duplicated, the
events of one record arrive in order through an outage, failures are logged, retried, given up
and replayed, a failing endpoint blocks no other, internal targets stay unreachable."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.db.database import Database
from app.metadata import roles
from app.query import engine
from app.query.actors import api_key_actor
from app.webhooks.worker import DeliveryWorker
from tests.integration.rest.helpers import create_many
from tests.integration.webhooks.conftest import (
    FAST,
    WEBHOOKS,
    outbox,
    running_worker,
    subscribe,
    until,
)
from tests.integration.webhooks.receiver import Receiver, verify_twenty_signature
from tests.support import WorkspaceFixture

TWENTY_KEYS = [
    "targetUrl",
    "eventName",
    "objectMetadata",
    "workspaceId",
    "webhookId",
    "eventDate",
    "record",
]


async def _log(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, hook: dict[str, Any], query: str = ""
) -> dict[str, Any]:
    response = await client.get(
        f"{WEBHOOKS}/{hook['id']}/deliveries{query}", headers=workspace.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _attempts(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, hook: dict[str, Any]
) -> list[int]:
    """Attempts per delivery, oldest first."""
    log = await _log(client, workspace, hook)
    return [d["attempts"] for d in reversed(log["data"]["webhookDeliveries"])]


async def test_a_receiver_written_for_twenty_verifies_our_signature(
    client: httpx.AsyncClient,
    db: Database,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    hook = await subscribe(client, fresh_workspace, receiver.url, secret="shhh-ünïcode")
    created = await client.post(
        "/rest/people",
        json={"name": {"firstName": "Zoë", "lastName": "Ø"}, "city": "Saint-Étienne"},
        headers=fresh_workspace.headers,
    )
    person = created.json()["data"]["createPerson"]["id"]
    [got] = await receiver.wait_for(1)
    assert verify_twenty_signature("shhh-ünïcode", got.headers, got.raw)
    assert not verify_twenty_signature("another secret", got.headers, got.raw)
    assert got.headers["content-type"] == "application/json"
    assert re.fullmatch(r"[0-9]{13}", got.headers["x-twenty-webhook-timestamp"])
    assert re.fullmatch(r"[0-9a-f]{32}", got.headers["x-twenty-webhook-nonce"])
    assert got.headers["x-webhook-attempt"] == "1"
    body = got.body
    assert list(body) == TWENTY_KEYS
    assert body["targetUrl"] == receiver.url
    assert body["eventName"] == "person.created"
    assert body["objectMetadata"]["nameSingular"] == "person"
    assert body["workspaceId"] == str(fresh_workspace.id)
    assert body["webhookId"] == hook["id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["eventDate"])
    assert body["record"]["id"] == person
    assert body["record"]["name"] == {"firstName": "Zoë", "lastName": "Ø"}
    [row] = await outbox(db, fresh_workspace)
    assert got.event_id == str(row["id"])

    await client.patch(
        f"/rest/people/{person}", json={"city": "Lyon"}, headers=fresh_workspace.headers
    )
    [updated] = await receiver.wait_for(1, where=lambda r: r.body["eventName"] == "person.updated")
    assert list(updated.body) == [*TWENTY_KEYS, "updatedFields"]
    assert updated.body["updatedFields"] == ["city"]
    assert verify_twenty_signature("shhh-ünïcode", updated.headers, updated.raw)


async def test_a_batch_of_60_is_60_deliveries(
    client: httpx.AsyncClient,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    await subscribe(client, fresh_workspace, receiver.url, ["person.created"])
    people = await create_many(
        client, fresh_workspace, "people", [{"city": f"c{i}"} for i in range(60)]
    )
    got = await receiver.wait_for(60)
    assert sorted(r.body["record"]["id"] for r in got) == sorted(p["id"] for p in people)
    assert len({r.event_id for r in got}) == 60


async def test_receiver_down_then_up_gets_every_event_in_order_per_record(
    client: httpx.AsyncClient,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    hook = await subscribe(client, fresh_workspace, receiver.url)
    receiver.stop()  # connection refused from now on
    h = fresh_workspace.headers
    people = await create_many(client, fresh_workspace, "people", [{"city": "0"}, {"city": "0"}])
    for step in range(1, 4):
        for person in people:
            response = await client.patch(
                f"/rest/people/{person['id']}", json={"city": str(step)}, headers=h
            )
            assert response.status_code == 200

    async def tried() -> bool:
        log = await _log(client, fresh_workspace, hook, "?status=pending")
        return any(d["attempts"] >= 2 for d in log["data"]["webhookDeliveries"])

    await until(tried)
    receiver.start()
    got = await receiver.wait_for(8)
    for person in people:
        cities = [r.body["record"]["city"] for r in got if r.body["record"]["id"] == person["id"]]
        assert cities == ["0", "1", "2", "3"]

    async def all_delivered() -> bool:
        # The receiver has each request before the worker has its answer and writes the
        # outcome: the log catches up a moment after the last request arrived.
        log = await _log(client, fresh_workspace, hook)
        return all(d["status"] == "delivered" for d in log["data"]["webhookDeliveries"])

    await until(all_delivered)
    log = await _log(client, fresh_workspace, hook)
    assert log["totalCount"] == 8
    retried = [d for d in log["data"]["webhookDeliveries"] if d["attempts"] > 1]
    assert retried
    first_try = retried[0]["attemptLog"][0]
    assert first_try["success"] is False
    assert first_try["statusCode"] is None
    assert "ConnectError" in first_try["error"]
    assert retried[0]["attemptLog"][-1]["statusCode"] == 200
    assert log["endpoint"]["state"] == "healthy"


async def test_a_rolled_back_write_sends_nothing(
    app: Any,
    client: httpx.AsyncClient,
    db: Database,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    await subscribe(client, fresh_workspace, receiver.url)
    catalog = await app.state.crm.catalogs.get(fresh_workspace.id)
    person = catalog.by_singular("person")
    async with db.connection() as conn:
        admin = await roles.role_by_label(conn, fresh_workspace.id, roles.ADMIN)
    assert admin is not None
    access = catalog.access(admin.id)
    assert access is not None

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with db.transaction() as conn:
            written = await engine.create(
                conn,
                catalog,
                person,
                [{"city": "rolled back"}],
                actor=api_key_actor("test"),
                options=engine.ReadOptions(),
                access=access,
            )
            assert written
            assert (
                len(
                    await conn.fetch(
                        "SELECT 1 FROM core.webhook_delivery WHERE record_id = $1",
                        uuid.UUID(written[0]["id"]),
                    )
                )
                == 1
            )
            raise Abort
    assert await outbox(db, fresh_workspace) == []
    await client.post("/rest/people", json={"city": "committed"}, headers=fresh_workspace.headers)
    await receiver.wait_for(1)
    await asyncio.sleep(0.3)
    assert [r.body["record"]["city"] for r in receiver.events()] == ["committed"]


async def test_two_workers_never_deliver_one_event_twice(
    client: httpx.AsyncClient,
    database_url: str,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    async with running_worker(database_url):
        await subscribe(client, fresh_workspace, receiver.url)
        for _ in range(3):
            await create_many(client, fresh_workspace, "people", [{"city": "x"}] * 60)
        got = await receiver.wait_for(180)
        await asyncio.sleep(0.5)  # a late duplicate would show up now
    counts = Counter(r.event_id for r in receiver.events())
    assert len(counts) == 180
    assert max(counts.values()) == 1
    assert len(got) == 180


async def test_non_2xx_is_retried_then_given_up_then_replayed(
    client: httpx.AsyncClient,
    database_url: str,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
) -> None:
    async with running_worker(database_url, replace(FAST, horizon=0.4)):
        hook = await subscribe(client, fresh_workspace, receiver.url)
        receiver.status = 500
        await client.post("/rest/companies", json={"name": "A"}, headers=fresh_workspace.headers)

        async def given_up() -> bool:
            log = await _log(client, fresh_workspace, hook, "?status=failed")
            return log["totalCount"] == 1

        await until(given_up)
        log = await _log(client, fresh_workspace, hook)
        [delivery] = log["data"]["webhookDeliveries"]
        assert delivery["attempts"] >= 2
        assert delivery["lastStatusCode"] == 500
        assert delivery["lastError"] == "HTTP 500"
        assert [a["statusCode"] for a in delivery["attemptLog"]] == [500] * delivery["attempts"]
        assert receiver.refused == delivery["attempts"]
        assert receiver.received == []

        receiver.status = 200
        path = f"{WEBHOOKS}/{hook['id']}/deliveries/{delivery['id']}"
        replayed = await client.post(f"{path}/replay", headers=fresh_workspace.headers)
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["data"]["replayWebhookDelivery"]["status"] == "pending"
        [got] = await receiver.wait_for(1)
        assert got.event_id == delivery["id"]
        assert int(got.headers["x-webhook-attempt"]) == delivery["attempts"] + 1

        async def delivered() -> bool:  # the outcome is written once the worker has the answer
            one = (await client.get(path, headers=fresh_workspace.headers)).json()
            return bool(one["data"]["webhookDelivery"]["status"] == "delivered")

        await until(delivered)
        one = (await client.get(path, headers=fresh_workspace.headers)).json()
        detail = one["data"]["webhookDelivery"]
        assert detail["replayedAt"] is not None
        assert detail["payload"]["record"]["name"] == "A"


async def test_replay_of_every_failed_delivery(
    client: httpx.AsyncClient,
    db: Database,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    hook = await subscribe(client, fresh_workspace, receiver.url)
    await create_many(client, fresh_workspace, "companies", [{"name": "A"}, {"name": "B"}])
    await receiver.wait_for(2)
    async with db.connection() as conn:  # as if both had been given up
        await conn.execute(
            "UPDATE core.webhook_delivery SET status = 'failed' WHERE webhook_id = $1",
            uuid.UUID(hook["id"]),
        )
    replayed = await client.post(
        f"{WEBHOOKS}/{hook['id']}/deliveries/replay", headers=fresh_workspace.headers
    )
    assert replayed.json() == {"data": {"replayWebhookDeliveries": {"count": 2}}}
    await receiver.wait_for(4)
    counts = Counter(r.event_id for r in receiver.events())
    assert sorted(counts.values()) == [2, 2]  # the same event ids again: receivers can dedupe


async def test_a_failing_endpoint_is_probed_and_blocks_no_other(
    client: httpx.AsyncClient,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    healthy = Receiver()
    healthy.start()
    try:
        broken = await subscribe(client, fresh_workspace, receiver.url, ["company.created"])
        await subscribe(client, fresh_workspace, healthy.url, ["company.created"])
        receiver.status = 503
        await create_many(
            client, fresh_workspace, "companies", [{"name": f"n{i}"} for i in range(8)]
        )
        await healthy.wait_for(8)

        async def failing() -> bool:
            return (await _log(client, fresh_workspace, broken))["endpoint"]["state"] == "failing"

        await until(failing)
        before = await _attempts(client, fresh_workspace, broken)
        await asyncio.sleep(1.0)  # several backoff steps: only the probe is tried again
        after = await _attempts(client, fresh_workspace, broken)
        assert after[0] >= before[0] + 2  # the oldest pending delivery is the probe
        assert after[1:] == before[1:]
        log = await _log(client, fresh_workspace, broken)
        assert log["endpoint"]["consecutiveFailures"] >= 8
        assert log["endpoint"]["failingSince"] is not None

        await create_many(client, fresh_workspace, "companies", [{"name": "later"}])
        await healthy.wait_for(9)  # the healthy webhook never waited
        receiver.status = 200
        await receiver.wait_for(9)  # the probe succeeds, the backlog flows
        assert (await _log(client, fresh_workspace, broken))["endpoint"]["state"] == "healthy"
    finally:
        healthy.stop()


async def test_the_worker_never_connects_to_an_internal_address_unless_allowed(
    client: httpx.AsyncClient,
    database_url: str,
    fresh_workspace: WorkspaceFixture,
    receiver: Receiver,
) -> None:
    async with running_worker(database_url, replace(FAST, allow_private=False)):
        hook = await subscribe(client, fresh_workspace, receiver.url)  # allowed when created
        await client.post("/rest/companies", json={"name": "A"}, headers=fresh_workspace.headers)

        async def attempted() -> bool:
            log = await _log(client, fresh_workspace, hook)
            return bool(log["data"]["webhookDeliveries"][0]["attemptLog"])

        await until(attempted)
    log = await _log(client, fresh_workspace, hook)
    error = log["data"]["webhookDeliveries"][0]["attemptLog"][0]["error"]
    assert "127.0.0.1" in error
    assert "not a public address" in error
    assert receiver.received == []
    assert receiver.refused == 0
