"""Many-to-one relations: `depth=1` embedding, and (ours, beyond Twenty) filter and order_by
through a relation, e.g. `company.employees[gte]:100` and `company.name[DescNullsLast]`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.rest.helpers import assert_error, create_many, find_many, records_of
from tests.support import WorkspaceFixture, make_workspace


@dataclass(frozen=True)
class World:
    workspace: WorkspaceFixture
    companies: dict[str, dict[str, Any]]
    people: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
async def world(module_client: httpx.AsyncClient, db: Database) -> World:
    workspace = await make_workspace(db)
    companies = await create_many(
        module_client,
        workspace,
        "companies",
        [
            {
                "name": "Acme Industries",
                "employees": 500,
                "address": {"addressCity": "Paris"},
                "annualRecurringRevenue": {"amountMicros": 2_000_000, "currencyCode": "EUR"},
            },
            {"name": "Blue Acme", "employees": 100},
            {"name": "Cyberdyne", "employees": 12},
            {"name": "Gone Corp", "employees": 1000},
        ],
    )
    by_name = {c["name"]: c for c in companies}
    people = await create_many(
        module_client,
        workspace,
        "people",
        [
            {"name": {"firstName": "Ann"}, "companyId": by_name["Acme Industries"]["id"]},
            {"name": {"firstName": "Ben"}, "companyId": by_name["Blue Acme"]["id"]},
            {"name": {"firstName": "Cy"}, "companyId": by_name["Cyberdyne"]["id"]},
            {"name": {"firstName": "Dee"}},
            {"name": {"firstName": "Gil"}, "companyId": by_name["Gone Corp"]["id"]},
        ],
    )
    response = await module_client.delete(
        f"/rest/companies/{by_name['Gone Corp']['id']}?soft_delete=true",
        headers=workspace.headers,
    )
    assert response.status_code == 200
    return World(workspace, by_name, {p["name"]["firstName"]: p for p in people})


def first_names(body: dict[str, Any]) -> list[str]:
    return [p["name"]["firstName"] for p in records_of(body, "people")]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ("company.employees[gte]:100", {"Ann", "Ben"}),
        ('company.name[ilike]:"%acme%"', {"Ann", "Ben"}),
        ('company.name[eq]:"Cyberdyne"', {"Cy"}),
        ('company.address.addressCity[eq]:"Paris"', {"Ann"}),
        ("company.annualRecurringRevenue.currencyCode[eq]:EUR", {"Ann"}),
        ("company.employees[lt]:100", {"Cy"}),
        ("not(company.employees[gte]:100)", {"Cy", "Dee", "Gil"}),
        ('or(company.name[eq]:"Cyberdyne",companyId[is]:NULL)', {"Cy", "Dee"}),
        # a soft-deleted company matches nothing through the relation
        ('company.name[eq]:"Gone Corp"', set()),
        # no company (or a soft-deleted one) reads as NULL, as a LEFT JOIN would
        ("company.employees[is]:NULL", {"Dee", "Gil"}),
        ("company.employees[is]:NOT_NULL", {"Ann", "Ben", "Cy"}),
        ("not(company.employees[is]:NULL)", {"Ann", "Ben", "Cy"}),
    ],
)
async def test_filter_through_a_many_to_one_relation(
    client: httpx.AsyncClient, world: World, filter: str, expected: set[str]
) -> None:
    body = await find_many(client, world.workspace, "people", filter=filter)
    assert set(first_names(body)) == expected
    assert body["totalCount"] == len(expected)


async def test_filter_by_the_related_id_through_the_relation(
    client: httpx.AsyncClient, world: World
) -> None:
    cyberdyne = world.companies["Cyberdyne"]["id"]
    body = await find_many(client, world.workspace, "people", filter=f"company.id[eq]:{cyberdyne}")
    assert first_names(body) == ["Cy"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("company.name[DescNullsLast]", ["Cy", "Ben", "Ann", "Gil", "Dee"]),
        ("company.name[AscNullsFirst]", ["Dee", "Gil", "Ann", "Ben", "Cy"]),
        ("company.employees[DescNullsFirst]", ["Dee", "Gil", "Ann", "Ben", "Cy"]),
    ],
)
async def test_order_by_through_a_many_to_one_relation(
    client: httpx.AsyncClient, world: World, order_by: str, expected: list[str]
) -> None:
    """A soft-deleted company counts as no company, as it does for filters and embeds; NULLs
    tie and fall back to the id tiebreaker, so only their block's place is checked here."""
    body = await find_many(client, world.workspace, "people", order_by=order_by)
    names = first_names(body)
    nulls = {"Dee", "Gil"}
    if expected[0] in nulls:
        assert set(names[:2]) == nulls
        assert names[2:] == expected[2:]
    else:
        assert names[:3] == expected[:3]
        assert set(names[3:]) == nulls


async def test_pagination_through_a_relation_ordering(
    client: httpx.AsyncClient, world: World
) -> None:
    order_by = "company.name[DescNullsLast]"
    everything = first_names(await find_many(client, world.workspace, "people", order_by=order_by))
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"order_by": order_by, "limit": 2}
        if cursor:
            params["starting_after"] = cursor
        body = await find_many(client, world.workspace, "people", **params)
        seen.extend(first_names(body))
        if not body["pageInfo"]["hasNextPage"]:
            break
        cursor = body["pageInfo"]["endCursor"]
    assert seen == everything


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("filter", "company.nme[eq]:x"),
        ("order_by", "company.nme"),
    ],
)
async def test_unknown_field_of_the_related_object_returns_400_with_suggestion(
    client: httpx.AsyncClient, world: World, parameter: str, value: str
) -> None:
    response = await client.get(
        "/rest/people", params={parameter: value}, headers=world.workspace.headers
    )
    body = assert_error(response, 400, code="FIELD_NOT_FOUND", contains="'nme'")
    assert body["hint"] == "Did you mean 'name'?"


@pytest.mark.parametrize(
    "filter",
    [
        "company.people.name.firstName[eq]:Ann",  # a second hop
        "company.accountOwner.name.firstName[eq]:x",  # a second many-to-one hop
        "pointOfContactForOpportunities.name[eq]:x",  # one-to-many
    ],
)
async def test_relation_paths_beyond_one_many_to_one_hop_return_400(
    client: httpx.AsyncClient, world: World, filter: str
) -> None:
    response = await client.get(
        "/rest/people", params={"filter": filter}, headers=world.workspace.headers
    )
    assert_error(response, 400, code="FIELD_NOT_FOUND")


async def test_depth_one_embeds_the_company_with_composites_and_no_nested_relations(
    client: httpx.AsyncClient, world: World
) -> None:
    ann = world.people["Ann"]
    response = await client.get(
        f"/rest/people/{ann['id']}?depth=1", headers=world.workspace.headers
    )
    person = response.json()["data"]["person"]
    company = person["company"]
    assert person["companyId"] == company["id"] == world.companies["Acme Industries"]["id"]
    assert company["name"] == "Acme Industries"
    assert company["address"]["addressCity"] == "Paris"
    assert company["annualRecurringRevenue"] == {"amountMicros": 2_000_000, "currencyCode": "EUR"}
    assert company["domainName"]["primaryLinkUrl"] == ""
    assert "accountOwnerId" in company
    assert "accountOwner" not in company
    assert "people" not in company
    assert "opportunities" not in company


async def test_depth_one_in_find_many_embeds_each_company_and_null_without_one(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await find_many(client, world.workspace, "people", depth=1, order_by="name.firstName")
    embedded = {
        p["name"]["firstName"]: (p["company"] or {}).get("name") for p in records_of(body, "people")
    }
    assert embedded == {
        "Ann": "Acme Industries",
        "Ben": "Blue Acme",
        "Cy": "Cyberdyne",
        "Dee": None,
        "Gil": None,  # its company is soft-deleted
    }
    assert all("pointOfContactForOpportunities" not in p for p in records_of(body, "people"))


async def test_depth_zero_returns_join_columns_only(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await find_many(
        client, world.workspace, "people", depth=0, filter="companyId[is]:NOT_NULL"
    )
    for person in records_of(body, "people"):
        assert "company" not in person
        assert person["companyId"] is not None


async def test_depth_one_on_the_one_side_does_not_embed_one_to_many_lists(
    client: httpx.AsyncClient, world: World
) -> None:
    acme = world.companies["Acme Industries"]
    response = await client.get(
        f"/rest/companies/{acme['id']}?depth=1", headers=world.workspace.headers
    )
    company = response.json()["data"]["company"]
    assert "people" not in company
    assert "accountOwner" in company
    assert company["accountOwner"] is None


async def test_fields_with_depth_one_embeds_only_the_named_relation(
    client: httpx.AsyncClient, world: World
) -> None:
    ann = world.people["Ann"]
    response = await client.get(
        f"/rest/people/{ann['id']}?depth=1&fields=id,company", headers=world.workspace.headers
    )
    person = response.json()["data"]["person"]
    assert set(person) == {"id", "companyId", "company"}
    assert person["company"]["name"] == "Acme Industries"


async def test_create_with_depth_one_embeds_the_company(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        "/rest/opportunities?depth=1",
        json={"name": "Deal", "companyId": world.companies["Cyberdyne"]["id"]},
        headers=world.workspace.headers,
    )
    assert response.status_code == 201, response.text
    opportunity = response.json()["data"]["createOpportunity"]
    assert opportunity["company"]["name"] == "Cyberdyne"
    assert opportunity["pointOfContact"] is None


async def test_is_null_through_a_relation_matches_a_null_value_of_a_live_record(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    [unknown, known] = await create_many(
        client,
        fresh_workspace,
        "companies",
        [{"name": "Unknown size"}, {"name": "Known", "employees": 3}],
    )
    await create_many(
        client,
        fresh_workspace,
        "people",
        [
            {"name": {"firstName": "U"}, "companyId": unknown["id"]},
            {"name": {"firstName": "K"}, "companyId": known["id"]},
        ],
    )
    body = await find_many(client, fresh_workspace, "people", filter="company.employees[is]:NULL")
    assert first_names(body) == ["U"]
