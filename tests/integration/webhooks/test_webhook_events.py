"""Which events every write makes, as the outbox holds them (no worker runs here): every write
path of REST and GraphQL, standard and custom objects, one event per record, Twenty's matching
of `operations`, the record's full shape and `updatedFields`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.graphql.helpers import data, make_pet_workspace
from tests.integration.rest.helpers import create_many
from tests.integration.webhooks.conftest import outbox, subscribe
from tests.support import WorkspaceFixture

NOWHERE = "http://127.0.0.1:9/never-called"


@pytest.fixture(autouse=True)
async def _no_pending_leftovers(db: Database) -> AsyncIterator[None]:
    """The events written here are never delivered: retire them, so that the delivery suites'
    workers do not spend attempts on them."""
    yield
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE core.webhook_delivery d SET status = 'failed' FROM core.webhook w "
            "WHERE w.id = d.webhook_id AND w.target_url = $1 AND d.status = 'pending'",
            NOWHERE,
        )


@pytest.fixture
async def hooked(client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture) -> WorkspaceFixture:
    """A workspace with one webhook on every event."""
    await subscribe(client, fresh_workspace, NOWHERE)
    return fresh_workspace


async def _events(db: Database, workspace: WorkspaceFixture) -> list[tuple[str, str]]:
    return [(row["event_name"], str(row["record_id"])) for row in await outbox(db, workspace)]


async def _new_events(db: Database, workspace: WorkspaceFixture, seen: int) -> list[dict[str, Any]]:
    return (await outbox(db, workspace))[seen:]


async def test_every_rest_write_path_makes_one_event_per_record(
    client: httpx.AsyncClient, db: Database, hooked: WorkspaceFixture
) -> None:
    h = hooked.headers
    one = (await client.post("/rest/people", json={"city": "Oslo"}, headers=h)).json()
    a = one["data"]["createPerson"]["id"]
    batch = await create_many(client, hooked, "people", [{"city": "Lyon"}, {"city": "Lyon"}])
    b, c = (r["id"] for r in batch)
    assert await _events(db, hooked) == [
        ("person.created", a),
        ("person.created", b),
        ("person.created", c),
    ]

    upsert = await client.post(
        "/rest/batch/people?upsert=true",
        json=[{"id": a, "city": "Bergen"}, {"city": "Paris"}],
        headers=h,
    )
    assert upsert.status_code == 201, upsert.text
    d = upsert.json()["data"]["createPeople"][1]["id"]
    steps: list[tuple[str, httpx.Response]] = [
        ("upsert", upsert),
        (
            "update one",
            await client.patch(f"/rest/people/{a}", json={"jobTitle": "CTO"}, headers=h),
        ),
        (
            "update many",
            await client.patch(
                "/rest/people?filter=city[eq]:Lyon", json={"jobTitle": "Ops"}, headers=h
            ),
        ),
        ("soft delete one", await client.delete(f"/rest/people/{b}?soft_delete=true", headers=h)),
        ("restore one", await client.patch(f"/rest/people/{b}/restore", headers=h)),
        (
            "soft delete many",
            await client.delete("/rest/people?filter=city[eq]:Lyon&soft_delete=true", headers=h),
        ),
        (
            "restore many",
            await client.patch("/rest/people/restore?filter=city[eq]:Lyon", headers=h),
        ),
        ("destroy one", await client.delete(f"/rest/people/{d}", headers=h)),
        ("destroy many", await client.delete("/rest/people?filter=city[eq]:Lyon", headers=h)),
    ]
    for step, response in steps:
        assert response.status_code in (200, 201), (step, response.text)
    per_record: dict[str, list[str]] = {}
    for event, record_id in await _events(db, hooked):
        per_record.setdefault(record_id, []).append(event.removeprefix("person."))
    assert per_record == {
        a: ["created", "updated", "updated"],  # the upsert found a, then update one
        b: ["created", "updated", "deleted", "restored", "deleted", "restored", "destroyed"],
        c: ["created", "updated", "deleted", "restored", "destroyed"],
        d: ["created", "destroyed"],  # the upsert made d
    }


async def test_merge_updates_the_winner_deletes_the_others_and_updates_moved_relations(
    client: httpx.AsyncClient, db: Database, hooked: WorkspaceFixture
) -> None:
    h = hooked.headers
    companies = await create_many(
        client, hooked, "companies", [{"name": "A"}, {"name": "A2", "employees": 5}]
    )
    winner, loser = (c["id"] for c in companies)
    person = (
        await client.post("/rest/people", json={"companyId": loser, "city": "X"}, headers=h)
    ).json()["data"]["createPerson"]["id"]
    seen = len(await outbox(db, hooked))
    body = {"ids": [winner, loser], "conflictPriorityIndex": 0}
    dry = await client.patch("/rest/companies/merge", json={**body, "dryRun": True}, headers=h)
    assert dry.status_code == 200, dry.text
    assert len(await outbox(db, hooked)) == seen  # a dry run writes nothing
    merged = await client.patch("/rest/companies/merge", json=body, headers=h)
    assert merged.status_code == 200, merged.text
    rows = await _new_events(db, hooked, seen)
    assert [(r["event_name"], str(r["record_id"])) for r in rows] == [
        ("person.updated", person),  # re-pointed at the winner
        ("company.updated", winner),  # took the loser's employees, kept its own name
        ("company.deleted", loser),
    ]
    assert rows[0]["updated_fields"] == ["companyId"]
    assert rows[0]["record"]["companyId"] == winner
    assert rows[1]["updated_fields"] == ["employees"]
    assert rows[1]["record"]["name"] == "A"
    assert rows[2]["record"]["deletedAt"] is not None


async def test_graphql_writes_make_the_same_events(
    client: httpx.AsyncClient, db: Database, hooked: WorkspaceFixture
) -> None:
    made = await data(
        client, hooked, 'mutation { createPeople(data: [{city: "A"}, {city: "B"}]) { id } }'
    )
    a, b = (p["id"] for p in made["createPeople"])
    await data(
        client, hooked, f'mutation {{ updatePerson(id: "{a}", data: {{city: "C"}}) {{ id }} }}'
    )
    await data(client, hooked, f'mutation {{ deletePerson(id: "{b}") {{ id }} }}')
    await data(client, hooked, f'mutation {{ restorePerson(id: "{b}") {{ id }} }}')
    await data(client, hooked, 'mutation { destroyPeople(filter: {city: {eq: "C"}}) { id } }')
    assert await _events(db, hooked) == [
        ("person.created", a),
        ("person.created", b),
        ("person.updated", a),
        ("person.deleted", b),
        ("person.restored", b),
        ("person.destroyed", a),
    ]


async def test_custom_objects_make_events_under_their_own_name(
    client: httpx.AsyncClient, db: Database
) -> None:
    pets = await make_pet_workspace(db)
    await subscribe(client, pets, NOWHERE, ["pet.*"])
    owner = await data(client, pets, 'mutation { createPetOwner(data: {name: "Ann"}) { id } }')
    rex = await data(client, pets, 'mutation { createPet(data: {name: "Rex"}) { id } }')
    rex_id = rex["createPet"]["id"]
    await data(
        client, pets, f'mutation {{ updatePet(id: "{rex_id}", data: {{name: "T"}}) {{ id }} }}'
    )
    assert owner["createPetOwner"]["id"]  # petOwner.* is not subscribed
    assert await _events(db, pets) == [("pet.created", rex_id), ("pet.updated", rex_id)]


async def test_operations_match_as_twentys(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    hooks = {
        ops: (await subscribe(client, ws, NOWHERE, [ops]))["id"]
        for ops in ("person.created", "*.updated", "company.*", "*.*")
    }
    person = (await client.post("/rest/people", json={"city": "A"}, headers=ws.headers)).json()
    person_id = person["data"]["createPerson"]["id"]
    await client.patch(f"/rest/people/{person_id}", json={"city": "B"}, headers=ws.headers)
    await client.post("/rest/companies", json={"name": "Acme"}, headers=ws.headers)
    got: dict[str, list[str]] = {ops: [] for ops in hooks}
    by_id = {hook_id: ops for ops, hook_id in hooks.items()}
    for row in await outbox(db, ws):
        got[by_id[str(row["webhook_id"])]].append(row["event_name"])
    assert got == {
        "person.created": ["person.created"],
        "*.updated": ["person.updated"],
        "company.*": ["company.created"],
        "*.*": ["person.created", "person.updated", "company.created"],
    }


async def test_event_record_is_the_full_record_whatever_the_client_selected(
    client: httpx.AsyncClient, db: Database, hooked: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people?fields=id",
        json={"name": {"firstName": "Ada", "lastName": "L"}, "emails": {"primaryEmail": "a@x.io"}},
        headers=hooked.headers,
    )
    assert set(response.json()["data"]["createPerson"]) == {"id"}
    [row] = await outbox(db, hooked)
    record = row["record"]
    assert record["name"] == {"firstName": "Ada", "lastName": "L"}
    assert record["emails"]["primaryEmail"] == "a@x.io"
    assert {"id", "createdAt", "updatedAt", "deletedAt", "createdBy", "city", "companyId"} <= set(
        record
    )
    assert row["updated_fields"] is None


async def test_updated_fields_list_what_changed_and_a_no_op_update_makes_no_event(
    client: httpx.AsyncClient, db: Database, hooked: WorkspaceFixture
) -> None:
    h = hooked.headers
    created = await client.post("/rest/people", json={"city": "A", "jobTitle": "J"}, headers=h)
    person = created.json()["data"]["createPerson"]["id"]
    changed = await client.patch(
        f"/rest/people/{person}",
        json={"city": "B", "jobTitle": "J", "name": {"firstName": "N"}},
        headers=h,
    )
    assert changed.status_code == 200
    same = await client.patch(f"/rest/people/{person}", json={"city": "B"}, headers=h)
    assert same.status_code == 200
    rows = await outbox(db, hooked)
    assert [r["event_name"] for r in rows] == ["person.created", "person.updated"]
    assert sorted(rows[1]["updated_fields"]) == ["city", "name"]
    assert rows[1]["record"]["city"] == "B"


async def test_a_batch_of_60_makes_60_events_and_no_webhook_makes_none(
    client: httpx.AsyncClient, db: Database, hooked: WorkspaceFixture, workspace: WorkspaceFixture
) -> None:
    created = await create_many(client, hooked, "people", [{"city": f"c{i}"} for i in range(60)])
    rows = await outbox(db, hooked)
    assert [str(r["record_id"]) for r in rows] == [p["id"] for p in created]
    await create_many(client, workspace, "people", [{"city": "quiet"}])
    assert await outbox(db, workspace) == []


async def test_a_deleted_webhook_gets_no_more_events(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    hook = await subscribe(client, fresh_workspace, NOWHERE)
    await client.post("/rest/companies", json={"name": "A"}, headers=fresh_workspace.headers)
    deleted = await client.delete(
        f"/rest/metadata/webhooks/{hook['id']}", headers=fresh_workspace.headers
    )
    assert deleted.status_code == 200
    await client.post("/rest/companies", json={"name": "B"}, headers=fresh_workspace.headers)
    rows = await outbox(db, fresh_workspace)
    assert [(r["event_name"], r["status"], r["last_error"]) for r in rows] == [
        ("company.created", "failed", "webhook deleted")
    ]
