"""Aggregate fields of spec §2.5, computed in SQL, only the ones selected; on custom objects."""

from __future__ import annotations

import httpx
import pytest

from app.db.database import Database
from app.query import trace
from tests.integration.graphql.helpers import data, gql, make_pet_workspace
from tests.support import WorkspaceFixture

PETS = [
    {
        "name": "Rex",
        "species": "DOG",
        "vaccinated": True,
        "weight": 30,
        "price": {"amountMicros": 100_000_000, "currencyCode": "EUR"},
        "birthday": "2020-01-05",
    },
    {
        "name": "Tom",
        "species": "CAT",
        "vaccinated": False,
        "weight": 4,
        "price": {"amountMicros": 50_000_000, "currencyCode": "EUR"},
        "birthday": "2018-06-01",
    },
    {"name": "Kit", "species": "CAT", "vaccinated": True, "weight": 2},
    {"name": "", "traits": ["CALM"]},
]


@pytest.fixture(scope="module")
async def pets(db: Database, module_client: httpx.AsyncClient) -> WorkspaceFixture:
    workspace = await make_pet_workspace(db)
    owner = await data(
        module_client, workspace, 'mutation { createPetOwner(data: {name: "Ann"}) { id } }'
    )
    owner_id = owner["createPetOwner"]["id"]
    await data(
        module_client,
        workspace,
        "mutation($d: [PetCreateInput!]!) { createPets(data: $d) { id } }",
        {"d": [{**pet, "ownerId": owner_id} for pet in PETS[:3]] + PETS[3:]},
    )
    await data(module_client, workspace, 'mutation { createPetOwner(data: {name: "Bo"}) { id } }')
    return workspace


async def test_counts_percentages_and_numbers(
    module_client: httpx.AsyncClient, pets: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        pets,
        """{ pets { totalCount countEmptyName countNotEmptyName countUniqueValuesSpecies
                    percentageEmptySpecies percentageNotEmptySpecies countEmptyTraits
                    sumWeight avgWeight minWeight maxWeight
                    sumPriceAmountMicros avgPriceAmountMicros minPriceAmountMicros
                    maxPriceAmountMicros countTrueVaccinated countFalseVaccinated
                    minBirthday maxBirthday countEmptyPrice } }""",
    )
    assert result["pets"] == {
        "totalCount": 4,
        "countEmptyName": 1,
        "countNotEmptyName": 3,
        "countUniqueValuesSpecies": 2,
        "percentageEmptySpecies": 0.25,
        "percentageNotEmptySpecies": 0.75,
        "countEmptyTraits": 3,
        "sumWeight": 36,
        "avgWeight": 12,
        "minWeight": 2,
        "maxWeight": 30,
        "sumPriceAmountMicros": 150_000_000,
        "avgPriceAmountMicros": 75_000_000,
        "minPriceAmountMicros": 50_000_000,
        "maxPriceAmountMicros": 100_000_000,
        "countTrueVaccinated": 2,
        "countFalseVaccinated": 1,
        "minBirthday": "2018-06-01",
        "maxBirthday": "2020-01-05",
        "countEmptyPrice": 2,
    }


async def test_aggregates_follow_the_filter_and_are_null_on_no_records(
    module_client: httpx.AsyncClient, pets: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        pets,
        """{ cats: pets(filter: {species: {eq: CAT}}) { totalCount sumWeight }
             none: pets(filter: {name: {eq: "Nobody"}}) {
               totalCount countEmptyName sumWeight percentageEmptyName } }""",
    )
    assert result["cats"] == {"totalCount": 2, "sumWeight": 6}
    assert result["none"] == {
        "totalCount": 0,
        "countEmptyName": None,
        "sumWeight": None,
        "percentageEmptyName": None,
    }


async def test_only_selected_aggregates_are_computed_in_one_statement(
    module_client: httpx.AsyncClient, pets: WorkspaceFixture
) -> None:
    seen: list[str] = []
    with trace.observe(seen.append):
        body = await gql(module_client, pets, "{ pets { countUniqueValuesName } }")
    assert body["data"]["pets"] == {"countUniqueValuesName": 3}
    assert len(seen) == 1
    assert "count(DISTINCT" in seen[0]
    assert "sum(" not in seen[0]
    assert "ORDER BY" not in seen[0]  # no page was read: nothing asked for records


async def test_nested_connection_aggregates_per_parent(
    module_client: httpx.AsyncClient, pets: WorkspaceFixture
) -> None:
    seen: list[str] = []
    with trace.observe(seen.append):
        body = await gql(
            module_client,
            pets,
            """{ petOwners(orderBy: [{name: AscNullsFirst}]) { edges { node { name
                   pets { totalCount sumWeight maxWeight } } } } }""",
        )
    owners = {e["node"]["name"]: e["node"]["pets"] for e in body["data"]["petOwners"]["edges"]}
    assert owners == {
        "Ann": {"totalCount": 3, "sumWeight": 36, "maxWeight": 30},
        "Bo": {"totalCount": 0, "sumWeight": None, "maxWeight": None},
    }
    assert len(seen) == 1


async def test_custom_object_operations_and_enums(
    module_client: httpx.AsyncClient, pets: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        pets,
        """{ pet(filter: {name: {eq: "Rex"}}) { name species traits owner { name } }
             pets(filter: {traits: {containsAny: [CALM]}}) { totalCount }
             petOwners { totalCount } }""",
    )
    assert result["pet"] == {
        "name": "Rex",
        "species": "DOG",
        "traits": None,
        "owner": {"name": "Ann"},
    }
    assert result["pets"]["totalCount"] == 1
    assert result["petOwners"]["totalCount"] == 2


async def test_group_by_returns_one_connection_per_group(
    module_client: httpx.AsyncClient, pets: WorkspaceFixture
) -> None:
    body = await gql(
        module_client,
        pets,
        """{ petsGroupBy(groupBy: [{species: true}], filter: {weight: {is: NOT_NULL}},
                             orderBy: [{aggregate: {totalCount: DescNullsLast}}],
                             orderByForRecords: [{weight: AscNullsFirst}]) {
                   groupByDimensionValues totalCount sumWeight
                   edges { node { name owner { name } } } } }""",
    )
    assert "errors" not in body, body["errors"]
    groups = body["data"]["petsGroupBy"]
    assert groups == [
        {
            "groupByDimensionValues": ["CAT"],
            "totalCount": 2,
            "sumWeight": 6,
            "edges": [
                {"node": {"name": "Kit", "owner": {"name": "Ann"}}},
                {"node": {"name": "Tom", "owner": {"name": "Ann"}}},
            ],
        },
        {
            "groupByDimensionValues": ["DOG"],
            "totalCount": 1,
            "sumWeight": 30,
            "edges": [{"node": {"name": "Rex", "owner": {"name": "Ann"}}}],
        },
    ]


async def test_group_by_dates_by_granularity(
    module_client: httpx.AsyncClient, pets: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        pets,
        """{ petsGroupBy(groupBy: [{birthday: {granularity: YEAR}}],
                         filter: {birthday: {is: NOT_NULL}},
                         orderBy: [{birthday: {orderBy: AscNullsFirst, granularity: YEAR}}]) {
               groupByDimensionValues countUniqueValuesName } }""",
    )
    assert result["petsGroupBy"] == [
        {"groupByDimensionValues": ["2018"], "countUniqueValuesName": 1},
        {"groupByDimensionValues": ["2020"], "countUniqueValuesName": 1},
    ]
