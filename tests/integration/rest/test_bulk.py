"""Bulk writes by filter: update, soft delete, destroy and restore many (spec §1.6, §2.6).

Each test seeds its own workspace, since it counts and deletes records.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.rest.helpers import assert_error, create_many, find_many, records_of
from tests.support import WorkspaceFixture

CITIES = ["Paris", "Paris", "Lyon", "Nice"]


async def seed(client: httpx.AsyncClient, workspace: WorkspaceFixture) -> list[dict[str, Any]]:
    return await create_many(
        client,
        workspace,
        "people",
        [{"name": {"firstName": f"P{i}"}, "city": city} for i, city in enumerate(CITIES)],
    )


async def cities(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, **params: Any
) -> list[str]:
    body = await find_many(client, workspace, "people", order_by="name.firstName", **params)
    return [p["city"] for p in records_of(body, "people")]


async def test_update_many_changes_only_the_matching_records(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await seed(client, fresh_workspace)
    response = await client.patch(
        "/rest/people",
        params={"filter": 'city[eq]:"Paris"'},
        json={"city": "Marseille", "jobTitle": "Moved"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()["data"]["updatePeople"]
    assert sorted(p["name"]["firstName"] for p in updated) == ["P0", "P1"]
    assert {p["jobTitle"] for p in updated} == {"Moved"}
    assert await cities(client, fresh_workspace) == ["Marseille", "Marseille", "Lyon", "Nice"]


async def test_update_many_by_put_is_an_alias(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await seed(client, fresh_workspace)
    response = await client.put(
        "/rest/people",
        params={"filter": 'city[eq]:"Nice"'},
        json={"city": "Cannes"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]["updatePeople"]) == 1
    assert await cities(client, fresh_workspace) == ["Paris", "Paris", "Lyon", "Cannes"]


async def test_update_many_matching_nothing_returns_an_empty_list(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await seed(client, fresh_workspace)
    response = await client.patch(
        "/rest/people",
        params={"filter": 'city[eq]:"Nowhere"'},
        json={"city": "Somewhere"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"updatePeople": []}}


async def test_update_many_with_fields_id_returns_only_ids(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    people = await seed(client, fresh_workspace)
    response = await client.patch(
        "/rest/people",
        params={"filter": 'city[eq]:"Lyon"', "fields": "id"},
        json={"city": "Grenoble"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"updatePeople": [{"id": people[2]["id"]}]}}


async def test_update_many_with_an_invalid_body_changes_nothing(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await seed(client, fresh_workspace)
    response = await client.patch(
        "/rest/people",
        params={"filter": 'city[eq]:"Paris"'},
        json={"city": "Ok", "position": "first-ish"},
        headers=fresh_workspace.headers,
    )
    body = assert_error(response, 400, code="INVALID_FIELD_VALUE")
    assert "position" in body["messages"][0]
    assert await cities(client, fresh_workspace) == CITIES


async def test_soft_delete_many_hides_records_until_the_filter_mentions_deleted_at(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    people = await seed(client, fresh_workspace)
    response = await client.delete(
        "/rest/people",
        params={"filter": 'city[eq]:"Paris"', "soft_delete": "true"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    deleted = response.json()["data"]["deletePeople"]
    assert sorted(p["id"] for p in deleted) == sorted(p["id"] for p in people[:2])
    assert all(p["deletedAt"] is not None for p in deleted)

    assert await cities(client, fresh_workspace) == ["Lyon", "Nice"]
    listed = await find_many(client, fresh_workspace, "people")
    assert listed["totalCount"] == 2
    one = await client.get(f"/rest/people/{people[0]['id']}", headers=fresh_workspace.headers)
    assert one.status_code == 404
    assert await cities(client, fresh_workspace, filter="deletedAt[is]:NOT_NULL") == [
        "Paris",
        "Paris",
    ]
    either = "or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)"
    assert await cities(client, fresh_workspace, filter=either) == CITIES


async def test_soft_deleted_records_are_not_updated_by_a_filter_that_ignores_them(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    people = await seed(client, fresh_workspace)
    await client.delete(
        f"/rest/people/{people[0]['id']}?soft_delete=true", headers=fresh_workspace.headers
    )
    response = await client.patch(
        "/rest/people",
        params={"filter": 'city[eq]:"Paris"'},
        json={"jobTitle": "Touched"},
        headers=fresh_workspace.headers,
    )
    assert [p["id"] for p in response.json()["data"]["updatePeople"]] == [people[1]["id"]]


async def test_destroy_many_removes_records_for_good(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    people = await seed(client, fresh_workspace)
    response = await client.delete(
        "/rest/people",
        params={"filter": 'city[in]:["Lyon","Nice"]'},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    destroyed = response.json()["data"]["destroyPeople"]
    assert sorted(p["id"] for p in destroyed) == sorted(p["id"] for p in people[2:])
    assert await cities(client, fresh_workspace) == ["Paris", "Paris"]
    assert await cities(client, fresh_workspace, filter="deletedAt[is]:NOT_NULL") == []


async def test_destroy_many_with_soft_delete_false_destroys(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await seed(client, fresh_workspace)
    response = await client.delete(
        "/rest/people",
        params={"filter": 'city[eq]:"Nice"', "soft_delete": "false"},
        headers=fresh_workspace.headers,
    )
    assert len(response.json()["data"]["destroyPeople"]) == 1
    assert await cities(client, fresh_workspace, filter="deletedAt[is]:NOT_NULL") == []


async def test_destroy_many_can_target_soft_deleted_records(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await seed(client, fresh_workspace)
    await client.delete(
        "/rest/people",
        params={"filter": 'city[eq]:"Paris"', "soft_delete": "true"},
        headers=fresh_workspace.headers,
    )
    response = await client.delete(
        "/rest/people", params={"filter": "deletedAt[is]:NOT_NULL"}, headers=fresh_workspace.headers
    )
    assert len(response.json()["data"]["destroyPeople"]) == 2
    either = "or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)"
    assert await cities(client, fresh_workspace, filter=either) == ["Lyon", "Nice"]


async def test_restore_many_brings_back_soft_deleted_records(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    people = await seed(client, fresh_workspace)
    await client.delete(
        "/rest/people",
        params={"filter": 'city[in]:["Paris","Lyon"]', "soft_delete": "true"},
        headers=fresh_workspace.headers,
    )
    response = await client.patch(
        "/rest/people/restore",
        params={"filter": 'city[eq]:"Paris"'},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    restored = response.json()["data"]["restorePeople"]
    assert sorted(p["id"] for p in restored) == sorted(p["id"] for p in people[:2])
    assert all(p["deletedAt"] is None for p in restored)
    assert await cities(client, fresh_workspace) == ["Paris", "Paris", "Nice"]


async def test_restore_many_with_fields_id_returns_only_ids(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    people = await seed(client, fresh_workspace)
    await client.delete(
        f"/rest/people/{people[3]['id']}?soft_delete=true", headers=fresh_workspace.headers
    )
    response = await client.patch(
        "/rest/people/restore",
        params={"filter": 'city[eq]:"Nice"', "fields": "id"},
        headers=fresh_workspace.headers,
    )
    assert response.json() == {"data": {"restorePeople": [{"id": people[3]["id"]}]}}


async def test_restore_one_with_fields_id_returns_only_the_id(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    people = await seed(client, fresh_workspace)
    pid = people[0]["id"]
    await client.delete(f"/rest/people/{pid}?soft_delete=true", headers=fresh_workspace.headers)
    response = await client.patch(
        f"/rest/people/{pid}/restore?fields=id", headers=fresh_workspace.headers
    )
    assert response.json() == {"data": {"restorePerson": {"id": pid}}}
    again = await client.patch(f"/rest/people/{pid}/restore", headers=fresh_workspace.headers)
    assert_error(again, 404, message="Record not found")


async def test_create_with_fields_id_returns_only_the_id_and_stores_everything(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people?fields=id",
        json={"name": {"firstName": "Only"}, "city": "Id"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201
    created = response.json()["data"]["createPerson"]
    assert set(created) == {"id"}
    stored = await client.get(f"/rest/people/{created['id']}", headers=fresh_workspace.headers)
    assert stored.json()["data"]["person"]["city"] == "Id"


@pytest.mark.parametrize(
    ("method", "path", "params", "message"),
    [
        (
            "DELETE",
            "/rest/people",
            {"soft_delete": "true"},
            "Filters are mandatory for bulk delete operations",
        ),
        ("DELETE", "/rest/people", {}, "Filters are mandatory for bulk destroy operations"),
        (
            "DELETE",
            "/rest/people",
            {"filter": ""},
            "Filters are mandatory for bulk destroy operations",
        ),
        ("PATCH", "/rest/people", {}, "Filters are mandatory for bulk update operations"),
        ("PATCH", "/rest/people/restore", {}, "Filters are mandatory for bulk restore operations"),
    ],
)
async def test_bulk_write_without_a_filter_returns_400_and_changes_nothing(
    client: httpx.AsyncClient,
    fresh_workspace: WorkspaceFixture,
    method: str,
    path: str,
    params: dict[str, str],
    message: str,
) -> None:
    await seed(client, fresh_workspace)
    response = await client.request(
        method, path, params=params, json={"city": "X"}, headers=fresh_workspace.headers
    )
    body = assert_error(response, 400, code="FILTER_REQUIRED", message=message)
    assert body["error"] == "BadRequestException"
    assert await cities(client, fresh_workspace) == CITIES
