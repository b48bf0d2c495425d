"""GET /rest/{plural}: the envelope, the record shape, and the read options `fields` and
`omit_null_values` (spec §1.3, §1.4, §12 items 2 and 14)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.rest.helpers import assert_error, create_many, find_many, records_of
from tests.support import WorkspaceFixture

PERSON_KEYS = {
    *("id", "createdAt", "updatedAt", "deletedAt", "position", "createdBy"),
    *("name", "emails", "linkedinLink", "xLink", "jobTitle", "phones", "city", "avatarUrl"),
    "companyId",
}


async def test_find_many_returns_twentys_envelope(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_many(client, fresh_workspace, "people", [{"city": "A"}, {"city": "B"}])
    body = await find_many(client, fresh_workspace, "people")
    assert set(body) == {"data", "totalCount", "pageInfo"}
    assert set(body["data"]) == {"people"}
    assert body["totalCount"] == 2
    assert set(body["pageInfo"]) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}
    assert body["pageInfo"]["hasNextPage"] is False
    assert body["pageInfo"]["hasPreviousPage"] is False
    assert isinstance(body["pageInfo"]["startCursor"], str)
    assert {p["id"] for p in records_of(body, "people")} == {p["id"] for p in created}


async def test_a_record_has_every_field_but_one_to_many_relations_and_search_vector(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await create_many(client, fresh_workspace, "people", [{"city": "Shape"}])
    [person] = records_of(await find_many(client, fresh_workspace, "people"), "people")
    assert set(person) == PERSON_KEYS
    assert person["name"] == {"firstName": "", "lastName": ""}
    assert set(person["emails"]) == {"primaryEmail", "additionalEmails"}
    assert set(person["phones"]) == {
        "primaryPhoneNumber",
        "primaryPhoneCountryCode",
        "primaryPhoneCallingCode",
        "additionalPhones",
    }
    assert set(person["createdBy"]) == {"source", "workspaceMemberId", "name", "context"}


async def test_composite_values_and_normalisation_round_trip(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [company] = await create_many(
        client,
        fresh_workspace,
        "companies",
        [
            {
                "name": "Round Trip",
                "domainName": {
                    "primaryLinkUrl": "HTTPS://Example.COM/path/",
                    "secondaryLinks": [{"url": "https://b.io/", "label": "b"}],
                },
                "annualRecurringRevenue": {"amountMicros": 12_500_000, "currencyCode": "USD"},
                "address": {"addressCity": "Oslo", "addressLat": 59.91, "addressLng": 10.75},
                "employees": 7,
            }
        ],
    )
    response = await client.get(f"/rest/companies/{company['id']}", headers=fresh_workspace.headers)
    stored = response.json()["data"]["company"]
    assert stored["domainName"] == {
        "primaryLinkUrl": "https://example.com/path",
        "primaryLinkLabel": "",
        "secondaryLinks": [{"url": "https://b.io", "label": "b"}],
    }
    assert stored["annualRecurringRevenue"] == {"amountMicros": 12_500_000, "currencyCode": "USD"}
    assert stored["address"]["addressLat"] == 59.91
    assert stored["employees"] == 7
    assert stored["idealCustomerProfile"] is False


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("id", {"id"}),
        ("id,city", {"id", "city"}),
        ("city", {"id", "city"}),
        ("name,companyId", {"id", "name", "companyId"}),
        ("name.firstName", {"id", "name"}),
        ("company", {"id", "companyId"}),
    ],
)
async def test_fields_restricts_the_returned_keys(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, fields: str, expected: set[str]
) -> None:
    [person] = await create_many(client, workspace, "people", [{"city": "Fields"}])
    listed = await find_many(
        client, workspace, "people", fields=fields, filter=f"id[eq]:{person['id']}"
    )
    assert [set(p) for p in records_of(listed, "people")] == [expected]
    one = await client.get(
        f"/rest/people/{person['id']}", params={"fields": fields}, headers=workspace.headers
    )
    assert set(one.json()["data"]["person"]) == expected


async def test_repeated_fields_parameters_are_merged(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    [person] = await create_many(client, workspace, "people", [{"city": "Twice"}])
    response = await client.get(
        f"/rest/people/{person['id']}?fields=id&fields=city", headers=workspace.headers
    )
    assert response.json() == {"data": {"person": {"id": person["id"], "city": "Twice"}}}


async def test_update_with_fields_returns_only_those_and_changes_the_rest(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    [person] = await create_many(client, workspace, "people", [{"city": "Before"}])
    response = await client.patch(
        f"/rest/people/{person['id']}?fields=id",
        json={"city": "After", "jobTitle": "New"},
        headers=workspace.headers,
    )
    assert response.json() == {"data": {"updatePerson": {"id": person["id"]}}}
    stored = (await client.get(f"/rest/people/{person['id']}", headers=workspace.headers)).json()
    assert stored["data"]["person"]["city"] == "After"
    assert stored["data"]["person"]["jobTitle"] == "New"


async def test_omit_null_values_drops_null_keys(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    [person] = await create_many(client, workspace, "people", [{"city": None}])
    response = await client.get(
        f"/rest/people/{person['id']}?omit_null_values=true", headers=workspace.headers
    )
    record: dict[str, Any] = response.json()["data"]["person"]
    assert "city" not in record
    assert "deletedAt" not in record
    assert "companyId" not in record
    assert record["jobTitle"] == ""
    default = await client.get(f"/rest/people/{person['id']}", headers=workspace.headers)
    assert default.json()["data"]["person"]["city"] is None


async def test_soft_deleted_record_is_hidden_from_find_one(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    [person] = await create_many(client, workspace, "people", [{"city": "Hidden"}])
    await client.delete(f"/rest/people/{person['id']}?soft_delete=true", headers=workspace.headers)
    response = await client.get(f"/rest/people/{person['id']}", headers=workspace.headers)
    assert_error(response, 404, message="Record not found")
    shown = await find_many(
        client, workspace, "people", filter=f"and(id[eq]:{person['id']},deletedAt[is]:NOT_NULL)"
    )
    assert [p["city"] for p in records_of(shown, "people")] == ["Hidden"]


async def test_every_standard_object_can_be_listed(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    for plural in (
        "people",
        "companies",
        "opportunities",
        "notes",
        "tasks",
        "noteTargets",
        "taskTargets",
        "workspaceMembers",
        "attachments",
        "favorites",
        "timelineActivities",
    ):
        body = await find_many(client, workspace, plural, limit=1, depth=1)
        assert plural in body["data"]


async def test_create_update_of_a_note_with_rich_text(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/notes",
        json={"title": "Minutes", "bodyV2": {"markdown": "# Hello", "blocknote": "[]"}},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    note = response.json()["data"]["createNote"]
    assert note["bodyV2"] == {"markdown": "# Hello", "blocknote": "[]"}
    patched = await client.patch(
        f"/rest/notes/{note['id']}",
        json={"bodyV2": {"markdown": "# Bye"}},
        headers=workspace.headers,
    )
    assert patched.json()["data"]["updateNote"]["bodyV2"] == {
        "markdown": "# Bye",
        "blocknote": "[]",
    }


async def test_composite_update_is_partial_and_lists_are_stored(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [person] = await create_many(
        client,
        fresh_workspace,
        "people",
        [{"name": {"firstName": "Ada", "lastName": "Lovelace"}, "city": "London"}],
    )
    response = await client.patch(
        f"/rest/people/{person['id']}",
        json={
            "name": {"firstName": "Augusta"},
            "emails": {"primaryEmail": "ada@Example.COM", "additionalEmails": ["a@b.io"]},
        },
        headers=fresh_workspace.headers,
    )
    updated = response.json()["data"]["updatePerson"]
    assert updated["name"] == {"firstName": "Augusta", "lastName": "Lovelace"}
    assert updated["emails"] == {
        "primaryEmail": "ada@example.com",
        "additionalEmails": ["a@b.io"],
    }
    assert updated["city"] == "London"
    assert updated["updatedAt"] > person["updatedAt"]
