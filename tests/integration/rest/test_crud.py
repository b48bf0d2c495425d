"""Core REST: create, read, update, delete and restore records over HTTP, as Twenty answers."""

from __future__ import annotations

import uuid

import httpx

from tests.support import WorkspaceFixture


async def test_create_one_returns_201_with_twentys_envelope(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people",
        json={"name": {"firstName": "Ada", "lastName": "Lovelace"}, "city": "London"},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    person = response.json()["data"]["createPerson"]
    assert person["name"] == {"firstName": "Ada", "lastName": "Lovelace"}
    assert person["city"] == "London"
    assert person["jobTitle"] == ""
    assert person["createdBy"]["source"] == "API"
    assert person["createdBy"]["workspaceMemberId"] is None
    assert person["companyId"] is None
    assert "company" not in person
    uuid.UUID(person["id"])


async def test_find_one_and_not_found(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    created = await client.post(
        "/rest/companies", json={"name": "Acme", "employees": 12}, headers=workspace.headers
    )
    company = created.json()["data"]["createCompany"]
    found = await client.get(f"/rest/companies/{company['id']}", headers=workspace.headers)
    assert found.status_code == 200
    assert found.json()["data"]["company"]["employees"] == 12
    missing = await client.get(f"/rest/companies/{uuid.uuid4()}", headers=workspace.headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFoundException"
    assert missing.json()["messages"] == ["Record not found"]


async def test_depth_one_embeds_the_related_company(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    company = (
        await client.post("/rest/companies", json={"name": "Embedded"}, headers=workspace.headers)
    ).json()["data"]["createCompany"]
    person = (
        await client.post(
            "/rest/people?depth=1",
            json={"name": {"firstName": "Emb"}, "companyId": company["id"]},
            headers=workspace.headers,
        )
    ).json()["data"]["createPerson"]
    assert person["company"]["name"] == "Embedded"
    assert person["companyId"] == company["id"]
    assert "people" not in person["company"]
    found = await client.get(f"/rest/people/{person['id']}?depth=0", headers=workspace.headers)
    assert "company" not in found.json()["data"]["person"]


async def test_update_delete_restore_cycle(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    h = workspace.headers
    person = (await client.post("/rest/people", json={"city": "Paris"}, headers=h)).json()["data"][
        "createPerson"
    ]
    pid = person["id"]
    updated = await client.patch(f"/rest/people/{pid}", json={"city": "Lyon"}, headers=h)
    assert updated.status_code == 200
    assert updated.json()["data"]["updatePerson"]["city"] == "Lyon"
    put = await client.put(f"/rest/people/{pid}", json={"jobTitle": "CTO"}, headers=h)
    assert put.json()["data"]["updatePerson"]["jobTitle"] == "CTO"

    soft = await client.delete(f"/rest/people/{pid}?soft_delete=true", headers=h)
    assert soft.status_code == 200
    assert soft.json() == {"data": {"deletePerson": {"id": pid}}}
    assert (await client.get(f"/rest/people/{pid}", headers=h)).status_code == 404

    restored = await client.patch(f"/rest/people/{pid}/restore", headers=h)
    assert restored.status_code == 200
    assert restored.json()["data"]["restorePerson"]["deletedAt"] is None
    assert (await client.get(f"/rest/people/{pid}", headers=h)).status_code == 200

    hard = await client.delete(f"/rest/people/{pid}", headers=h)
    assert hard.json() == {"data": {"deletePerson": {"id": pid}}}
    again = await client.delete(f"/rest/people/{pid}", headers=h)
    assert again.status_code == 404
    assert again.json()["messages"] == ["Record not found"]
