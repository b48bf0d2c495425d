"""Concurrent upserts of the same keys (Note [upsert lock order]): 16 clients each upsert one
batch over the same 50 emails, each in its own order. Every batch succeeds (no deadlock), no
email is stored twice, and no update is lost: batches are applied one after another, so every
record ends with the values of the same, last, batch."""

from __future__ import annotations

import asyncio
import random

import httpx

from tests.support import WorkspaceFixture

CLIENTS = 16
ROUNDS = 4
EMAILS = [f"shared{i}@example.com" for i in range(50)]


async def test_concurrent_upserts_over_the_same_keys_neither_deadlock_nor_duplicate(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace

    async def upsert(batch: int) -> int:
        emails = EMAILS[:]
        random.Random(batch).shuffle(emails)
        records = [
            {"emails": {"primaryEmail": email}, "jobTitle": f"batch-{batch}"} for email in emails
        ]
        response = await client.post(
            "/rest/batch/people?upsert=true&upsert_on=emails.primaryEmail",
            json=records,
            headers=ws.headers,
        )
        assert response.status_code == 201, response.text
        return batch

    async def rounds(first: int) -> list[int]:
        return [await upsert(first * ROUNDS + r) for r in range(ROUNDS)]

    await upsert(-1)  # every key exists: the batches below update, locking rows
    done = await asyncio.wait_for(asyncio.gather(*(rounds(c) for c in range(CLIENTS))), 120)
    assert sorted(b for batches in done for b in batches) == list(range(CLIENTS * ROUNDS))
    listed = await client.get("/rest/people?limit=200", headers=ws.headers)
    people = listed.json()["data"]["people"]
    emails = [p["emails"]["primaryEmail"] for p in people]
    assert sorted(emails) == sorted(EMAILS)  # each email once
    titles = {p["jobTitle"] for p in people}
    assert len(titles) == 1  # one batch applied last, whole
