"""Find duplicates and merge, as Twenty's REST suites assert them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support import WorkspaceFixture


async def _people(
    client: httpx.AsyncClient, ws: WorkspaceFixture, people: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    response = await client.post("/rest/batch/people", json=people, headers=ws.headers)
    assert response.status_code == 201, response.text
    records: list[dict[str, Any]] = response.json()["data"]["createPeople"]
    return records


async def test_duplicates_by_data_match_full_name(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await _people(
        client,
        fresh_workspace,
        [
            {"name": {"firstName": "John", "lastName": "Doe"}},
            {"name": {"firstName": "Jane", "lastName": "Roe"}},
        ],
    )
    response = await client.post(
        "/rest/people/duplicates",
        json={"data": [{"name": {"firstName": "John", "lastName": "Doe"}}]},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    [entry] = response.json()["data"]
    assert entry["totalCount"] == 1
    assert entry["personDuplicates"][0]["name"] == {"firstName": "John", "lastName": "Doe"}


async def test_duplicates_by_ids_never_report_the_record_itself(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    first, second, _other = await _people(
        client,
        fresh_workspace,
        [
            {
                "emails": {"primaryEmail": "a@example.com"},
                "name": {"firstName": "A", "lastName": "Z"},
            },
            {"name": {"firstName": "A", "lastName": "Z"}},
            {"name": {"firstName": "A", "lastName": ""}},
        ],
    )
    response = await client.post(
        "/rest/people/duplicates", json={"ids": [first["id"]]}, headers=fresh_workspace.headers
    )
    [entry] = response.json()["data"]
    ids = [p["id"] for p in entry["personDuplicates"]]
    assert first["id"] not in ids
    assert ids == [second["id"]]  # same full name; an empty last name never matches


async def test_duplicates_input_rules(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    both = await client.post(
        "/rest/people/duplicates", json={"data": [{}], "ids": []}, headers=workspace.headers
    )
    assert both.status_code == 400
    assert both.json()["messages"] == ['You cannot provide both "data" and "ids" arguments']
    empty = await client.post(
        "/rest/people/duplicates", json={"data": []}, headers=workspace.headers
    )
    assert empty.status_code == 400
    assert "can not be empty" in empty.json()["messages"][0]
    no_ids = await client.post(
        "/rest/people/duplicates", json={"ids": []}, headers=workspace.headers
    )
    assert no_ids.status_code == 200
    assert no_ids.json() == {"data": []}


async def test_merge_keeps_priority_values_fills_gaps_and_removes_the_others(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    h = fresh_workspace.headers
    a, b = await _people(
        client,
        fresh_workspace,
        [
            {"name": {"firstName": "Keep", "lastName": ""}, "city": "Paris"},
            {"name": {"firstName": "Gone", "lastName": "Smith"}, "city": "Rome", "jobTitle": "CEO"},
        ],
    )
    opportunity = (
        await client.post(
            "/rest/opportunities", json={"name": "Deal", "pointOfContactId": b["id"]}, headers=h
        )
    ).json()["data"]["createOpportunity"]
    response = await client.patch(
        "/rest/people/merge",
        json={"ids": [a["id"], b["id"]], "conflictPriorityIndex": 0, "dryRun": False},
        headers=h,
    )
    assert response.status_code == 200, response.text
    merged = response.json()["data"]["mergePerson"]
    assert merged["id"] == a["id"]
    assert merged["city"] == "Paris"
    assert merged["jobTitle"] == "CEO"
    assert (await client.get(f"/rest/people/{b['id']}", headers=h)).status_code == 404
    moved = await client.get(f"/rest/opportunities/{opportunity['id']}", headers=h)
    assert moved.json()["data"]["opportunity"]["pointOfContactId"] == a["id"]


async def test_merge_dry_run_previews_and_changes_nothing(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    h = fresh_workspace.headers
    a, b = await _people(client, fresh_workspace, [{"city": ""}, {"city": "Oslo"}])
    response = await client.patch(
        "/rest/people/merge",
        json={"ids": [a["id"], b["id"]], "conflictPriorityIndex": 0, "dryRun": True},
        headers=h,
    )
    preview = response.json()["data"]["mergePerson"]
    assert preview["city"] == "Oslo"
    assert preview["id"] not in (a["id"], b["id"])
    assert (await client.get(f"/rest/people/{b['id']}", headers=h)).status_code == 200
    still = (await client.get(f"/rest/people/{a['id']}", headers=h)).json()["data"]["person"]
    assert still["city"] == ""


async def test_merge_refuses_bad_input(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    h = workspace.headers
    too_many = [str(uuid.uuid4()) for _ in range(10)]
    response = await client.patch(
        "/rest/people/merge", json={"ids": too_many, "conflictPriorityIndex": 0}, headers=h
    )
    assert response.status_code == 400
    assert "more than 9" in response.json()["messages"][0]
    one = await client.patch(
        "/rest/people/merge", json={"ids": [too_many[0]], "conflictPriorityIndex": 0}, headers=h
    )
    assert one.status_code == 400
    missing = await client.patch(
        "/rest/people/merge", json={"ids": too_many[:2], "conflictPriorityIndex": 0}, headers=h
    )
    assert missing.status_code == 404
    bad_index = await client.patch(
        "/rest/people/merge", json={"ids": too_many[:2], "conflictPriorityIndex": 5}, headers=h
    )
    assert bad_index.status_code == 400
    assert "conflictPriorityIndex" in bad_index.json()["messages"][0]
