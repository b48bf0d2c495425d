"""POST /rest/batch/{plural} and upserts (spec §1.2 route 1, §1.7).

A batch is all-or-nothing; `upsert=true` matches on `id`, or on the unique field `upsert_on`
names, and only overwrites the fields the request sets.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.rest.helpers import (
    assert_error,
    create_many,
    find_many,
    make_gadget_workspace,
    records_of,
)
from tests.support import WorkspaceFixture


async def count(client: httpx.AsyncClient, workspace: WorkspaceFixture, plural: str) -> int:
    total: int = (await find_many(client, workspace, plural, limit=0))["totalCount"]
    return total


async def test_batch_create_returns_201_and_the_records_in_input_order(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/people",
        json=[{"name": {"firstName": f"P{i}"}, "city": f"City {i}"} for i in range(5)],
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()["data"]["createPeople"]
    assert [p["name"]["firstName"] for p in created] == [f"P{i}" for i in range(5)]
    assert all(p["createdBy"]["source"] == "API" for p in created)
    assert len({p["id"] for p in created}) == 5
    assert await count(client, fresh_workspace, "people") == 5


async def test_batch_create_keeps_a_client_supplied_id_and_created_by_source(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    given = str(uuid.uuid4())
    [person] = await create_many(
        client,
        fresh_workspace,
        "people",
        [{"id": given, "createdBy": {"source": "IMPORT", "workspaceMemberId": str(uuid.uuid4())}}],
    )
    assert person["id"] == given
    assert person["createdBy"]["source"] == "IMPORT"
    assert person["createdBy"]["workspaceMemberId"] is None


async def test_batch_with_fields_id_returns_only_ids(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/companies?fields=id",
        json=[{"name": "A"}, {"name": "B"}],
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()["data"]["createCompanies"]
    assert [set(c) for c in created] == [{"id"}, {"id"}]
    body = await find_many(client, fresh_workspace, "companies", order_by="name")
    assert [c["name"] for c in records_of(body, "companies")] == ["A", "B"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "not a list"}, "Body must be an array"),
        ([], "Input must not be empty"),
        ("text", "Body must be an array"),
    ],
)
async def test_batch_body_of_the_wrong_shape_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, body: Any, message: str
) -> None:
    response = await client.post("/rest/batch/companies", json=body, headers=workspace.headers)
    assert_error(response, 400, code="INVALID_BODY", message=message)


async def test_batch_over_the_limit_returns_400_and_writes_nothing(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/companies",
        json=[{"name": f"C{i}"} for i in range(61)],
        headers=fresh_workspace.headers,
    )
    body = assert_error(
        response, 400, code="TOO_MANY_RECORDS", message="Maximum number of records to upsert is 60."
    )
    assert body["error"] == "BadRequestException"
    assert await count(client, fresh_workspace, "companies") == 0


async def test_batch_at_the_limit_is_accepted(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_many(
        client, fresh_workspace, "companies", [{"name": f"C{i}"} for i in range(60)]
    )
    assert len(created) == 60


async def test_one_invalid_record_fails_the_whole_batch_naming_it(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/companies",
        json=[{"name": "Good"}, {"name": "Bad", "employees": "many"}, {"name": "Also good"}],
        headers=fresh_workspace.headers,
    )
    body = assert_error(response, 400, code="INVALID_FIELD_VALUE")
    assert "record 1" in body["messages"][0]
    assert "employees" in body["messages"][0]
    assert await count(client, fresh_workspace, "companies") == 0


async def test_a_database_refusal_in_a_batch_writes_nothing(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/people",
        json=[{"city": "Fine"}, {"city": "Dangling", "companyId": str(uuid.uuid4())}],
        headers=fresh_workspace.headers,
    )
    body = assert_error(response, 400)
    assert "companyId" in body["messages"][0]
    assert await count(client, fresh_workspace, "people") == 0


async def test_duplicate_ids_inside_one_batch_write_nothing(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    same = str(uuid.uuid4())
    response = await client.post(
        "/rest/batch/people",
        json=[{"id": same, "city": "One"}, {"id": same, "city": "Two"}],
        headers=fresh_workspace.headers,
    )
    assert_error(response, 400, code="DUPLICATE_ENTRY", message="A duplicate entry was detected")
    assert await count(client, fresh_workspace, "people") == 0


async def test_duplicate_unique_values_inside_one_batch_write_nothing(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/people",
        json=[
            {"emails": {"primaryEmail": "twin@example.com"}},
            {"emails": {"primaryEmail": "twin@example.com"}},
        ],
        headers=fresh_workspace.headers,
    )
    body = assert_error(response, 400, code="DUPLICATE_ENTRY")
    assert "emailsPrimaryEmail" in body.get("hint", "") or "emails" in body.get("hint", "")
    assert await count(client, fresh_workspace, "people") == 0


# ---- upsert ------------------------------------------------------------------------------


async def test_upsert_on_id_updates_the_existing_record_and_inserts_the_new_one(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [existing] = await create_many(
        client, fresh_workspace, "people", [{"city": "Paris", "jobTitle": "CEO"}]
    )
    response = await client.post(
        "/rest/batch/people?upsert=true",
        json=[{"id": existing["id"], "city": "Lyon"}, {"city": "Nice"}],
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    updated, inserted = response.json()["data"]["createPeople"]
    assert updated["id"] == existing["id"]
    assert updated["city"] == "Lyon"
    assert updated["jobTitle"] == "CEO"
    assert updated["createdAt"] == existing["createdAt"]
    assert inserted["city"] == "Nice"
    assert await count(client, fresh_workspace, "people") == 2


async def test_upsert_one_on_id_returns_the_updated_record(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [existing] = await create_many(client, fresh_workspace, "companies", [{"name": "Old"}])
    response = await client.post(
        "/rest/companies?upsert=true",
        json={"id": existing["id"], "name": "New"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["createCompany"]["name"] == "New"
    assert await count(client, fresh_workspace, "companies") == 1


async def test_upsert_on_unique_email_updates_only_the_fields_sent(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [existing] = await create_many(
        client,
        fresh_workspace,
        "people",
        [
            {
                "name": {"firstName": "Ada", "lastName": "Lovelace"},
                "emails": {"primaryEmail": "ada@example.com"},
                "city": "London",
                "jobTitle": "Engineer",
            }
        ],
    )
    response = await client.post(
        "/rest/batch/people?upsert=true&upsert_on=emails.primaryEmail",
        json=[
            {"emails": {"primaryEmail": "ada@example.com"}, "city": "Paris"},
            {"emails": {"primaryEmail": "alan@example.com"}, "city": "Manchester"},
        ],
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    updated, inserted = response.json()["data"]["createPeople"]
    assert updated["id"] == existing["id"]
    assert updated["city"] == "Paris"
    assert updated["jobTitle"] == "Engineer"
    assert updated["name"] == {"firstName": "Ada", "lastName": "Lovelace"}
    assert inserted["id"] != existing["id"]
    assert inserted["city"] == "Manchester"
    assert await count(client, fresh_workspace, "people") == 2


async def test_upsert_ignores_a_soft_deleted_record_with_the_same_email(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    h = fresh_workspace.headers
    [old] = await create_many(
        client, fresh_workspace, "people", [{"emails": {"primaryEmail": "gone@example.com"}}]
    )
    deleted = await client.delete(f"/rest/people/{old['id']}?soft_delete=true", headers=h)
    assert deleted.status_code == 200
    response = await client.post(
        "/rest/people?upsert=true&upsert_on=emails.primaryEmail",
        json={"emails": {"primaryEmail": "gone@example.com"}, "city": "Back"},
        headers=h,
    )
    assert response.status_code == 201, response.text
    new = response.json()["data"]["createPerson"]
    assert new["id"] != old["id"]
    assert new["deletedAt"] is None
    everyone = await find_many(client, fresh_workspace, "people", filter="deletedAt[is]:NOT_NULL")
    assert [p["id"] for p in records_of(everyone, "people")] == [old["id"]]


async def test_upsert_twice_on_the_same_email_in_one_batch_returns_400(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/people?upsert=true&upsert_on=emails.primaryEmail",
        json=[
            {"emails": {"primaryEmail": "twice@example.com"}, "city": "A"},
            {"emails": {"primaryEmail": "twice@example.com"}, "city": "B"},
        ],
        headers=fresh_workspace.headers,
    )
    body = assert_error(response, 400, code="DUPLICATE_ENTRY")
    assert body["hint"] == (
        "records 0 and 1 both upsert on emails.primaryEmail = 'twice@example.com'"
    )
    assert await count(client, fresh_workspace, "people") == 0


async def test_upsert_on_a_field_that_is_not_unique_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people?upsert=true&upsert_on=city", json={"city": "X"}, headers=workspace.headers
    )
    assert_error(response, 400, code="INVALID_PARAMETER", contains="'city' is not unique")


async def test_upsert_on_an_unknown_field_returns_400_with_suggestion(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people?upsert=true&upsert_on=emails.primaryEmial",
        json={"city": "X"},
        headers=workspace.headers,
    )
    body = assert_error(response, 400, code="FIELD_NOT_FOUND")
    assert body["hint"] == "Did you mean 'primaryEmail'?"


async def test_upsert_on_without_upsert_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people?upsert_on=emails.primaryEmail", json={"city": "X"}, headers=workspace.headers
    )
    assert_error(response, 400, contains="upsert=true")


async def test_upsert_with_an_invalid_flag_value_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people?upsert=yes", json={"city": "X"}, headers=workspace.headers
    )
    assert_error(response, 400, code="INVALID_PARAMETER", contains="'upsert' parameter invalid")


async def test_upsert_on_a_composite_means_its_unique_sub_field(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [existing] = await create_many(
        client, fresh_workspace, "people", [{"emails": {"primaryEmail": "x@example.com"}}]
    )
    response = await client.post(
        "/rest/people?upsert=true&upsert_on=emails",
        json={"emails": {"primaryEmail": "x@example.com"}, "city": "Rome"},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["createPerson"]["id"] == existing["id"]
    assert await count(client, fresh_workspace, "people") == 1


async def test_upsert_on_a_sub_field_the_index_does_not_cover_returns_400_with_hint(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people?upsert=true&upsert_on=emails.additionalEmails",
        json={"city": "X"},
        headers=workspace.headers,
    )
    body = assert_error(response, 400, code="INVALID_PARAMETER")
    assert body["hint"] == "upsert on 'emails.primaryEmail'"


async def test_upsert_batch_mixing_shapes_returns_records_in_input_order(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [first, second] = await create_many(
        client,
        fresh_workspace,
        "companies",
        [{"name": "One", "employees": 1}, {"name": "Two", "employees": 2}],
    )
    response = await client.post(
        "/rest/batch/companies?upsert=true",
        json=[
            {"id": first["id"], "employees": 10},
            {"name": "Three"},
            {"id": second["id"], "employees": 20},
        ],
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    records = response.json()["data"]["createCompanies"]
    assert [(r["name"], r["employees"]) for r in records] == [
        ("One", 10),
        ("Three", None),
        ("Two", 20),
    ]
    assert records[0]["id"] == first["id"]
    assert records[2]["id"] == second["id"]


async def test_upsert_on_the_id_of_a_soft_deleted_record_returns_400_and_writes_nothing(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    h = fresh_workspace.headers
    [gone] = await create_many(client, fresh_workspace, "people", [{"city": "Hidden"}])
    await client.delete(f"/rest/people/{gone['id']}?soft_delete=true", headers=h)
    response = await client.post(
        "/rest/batch/people?upsert=true",
        json=[{"city": "New"}, {"id": gone["id"], "city": "Zombie"}],
        headers=h,
    )
    body = assert_error(response, 400, code="DUPLICATE_ENTRY")
    assert f"/rest/people/{gone['id']}/restore" in body["hint"]
    assert await count(client, fresh_workspace, "people") == 0
    hidden = await find_many(client, fresh_workspace, "people", filter="deletedAt[is]:NOT_NULL")
    assert [p["city"] for p in records_of(hidden, "people")] == ["Hidden"]


async def test_a_batch_keeps_lists_json_and_nulls_per_record(
    client: httpx.AsyncClient, db: Database
) -> None:
    """Note [inserts by column]: list and JSON columns travel as JSON text, one array per
    column; what comes back (and what a read finds) is what each record sent, in its order:
    an empty list stays empty, a missing one stays null, list items keep their order."""
    workspace = await make_gadget_workspace(db)
    sent = [
        {"name": "a", "colors": ["BLUE", "RED"], "keywords": ["z", "a", 'quo"te'], "specs": [1]},
        {"name": "b", "colors": [], "keywords": [], "specs": {"n": None, "deep": {"x": [1.5]}}},
        {"name": "c", "colors": None, "keywords": None, "specs": None},
        {"name": "d", "price": "12345678901234567890.5", "specs": "text"},
    ]
    response = await client.post("/rest/batch/gadgets", json=sent, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created = response.json()["data"]["createGadgets"]
    listed = records_of(await find_many(client, workspace, "gadgets", order_by="name"), "gadgets")
    for records in (created, listed):
        assert [r["name"] for r in records] == ["a", "b", "c", "d"]
        assert [r["colors"] for r in records[:3]] == [["BLUE", "RED"], [], None]
        assert [r["keywords"] for r in records[:3]] == [["z", "a", 'quo"te'], [], None]
        assert [r["specs"] for r in records] == [[1], sent[1]["specs"], None, "text"]
    assert response.text.count("12345678901234567890.5") == 1
