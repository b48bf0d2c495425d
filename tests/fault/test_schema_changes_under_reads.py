"""Reads while other clients add, rename and delete fields of the same object: a read admitted
with the catalog of before a change, that meets the table of after it, refreshes its catalog
and runs once more (app/rest/retry.py, the GraphQL endpoint): every read answers 200."""

from __future__ import annotations

import asyncio

import httpx

from tests.integration.metadata.helpers import create_field, standard_object, update_field
from tests.support import WorkspaceFixture

CYCLES = 8
READERS = 3


async def test_reads_during_field_changes_all_succeed(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    person = await standard_object(client, ws, "person")
    await client.post("/rest/people", json={"jobTitle": "reader"}, headers=ws.headers)
    done = asyncio.Event()
    statuses: list[int] = []

    async def change() -> None:
        try:
            for cycle in range(CYCLES):
                field = await create_field(client, ws, person["id"], f"churn{cycle}", "TEXT")
                renamed = await update_field(
                    client, ws, field["id"], name=f"churned{cycle}", label=f"Churned {cycle}"
                )
                assert renamed.status_code == 200, renamed.text
                off = await update_field(client, ws, field["id"], isActive=False)
                assert off.status_code == 200, off.text
                gone = await client.delete(
                    f"/rest/metadata/fields/{field['id']}", headers=ws.headers
                )
                assert gone.status_code == 200, gone.text
        finally:
            done.set()

    async def read() -> None:
        while not done.is_set():
            rest = await client.get("/rest/people?depth=1&limit=5", headers=ws.headers)
            graphql = await client.post(
                "/graphql",
                json={"query": "{ people(first: 5) { edges { node { id jobTitle } } } }"},
                headers=ws.headers,
            )
            errors = graphql.json().get("errors")
            statuses.extend([rest.status_code, 500 if errors else graphql.status_code])

    await asyncio.wait_for(asyncio.gather(change(), *(read() for _ in range(READERS))), 120)
    assert statuses and set(statuses) == {200}, [s for s in statuses if s != 200]
