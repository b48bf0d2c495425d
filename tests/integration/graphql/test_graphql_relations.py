"""Core GraphQL relations in one call: many-to-one objects, one-to-many connections, no N+1.

Statements are counted with app.query.trace, which sees every statement the engine sends
(and its parameters).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from app.query import trace
from tests.integration.graphql.helpers import data, first_error, gql, nodes
from tests.support import WorkspaceFixture, make_workspace


@pytest.fixture(scope="module")
async def crm(db: Database, module_client: httpx.AsyncClient) -> WorkspaceFixture:
    """Three companies (Big 500 employees, Mid 120, Tiny 3), 12 people, 4 per company."""
    workspace = await make_workspace(db)
    companies = await data(
        module_client,
        workspace,
        """mutation { createCompanies(data: [
            {name: "Big", employees: 500}, {name: "Mid", employees: 120},
            {name: "Tiny", employees: 3}]) { id name } }""",
    )
    people = [
        {
            "name": {"firstName": f"{company['name']}{i}", "lastName": "X"},
            "companyId": company["id"],
            "position": i,
            "city": "Paris" if i % 2 else "Rome",
        }
        for company in companies["createCompanies"]
        for i in range(4)
    ]
    await data(
        module_client,
        workspace,
        "mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }",
        {"d": people},
    )
    return workspace


async def counted(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, query: str
) -> tuple[dict[str, Any], list[str]]:
    """`data` of `query`, and the statements the engine sent for it."""
    seen: list[str] = []
    with trace.observe(seen.append):
        body = await gql(client, workspace, query)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result, seen


async def test_people_with_their_company_name_take_one_statement(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    result, statements = await counted(
        module_client,
        crm,
        "{ people(first: 60) { edges { node { name { firstName } company { name } } } } }",
    )
    people = nodes(result["people"])
    assert len(people) == 12
    assert {p["company"]["name"] for p in people} == {"Big", "Mid", "Tiny"}
    assert len(statements) == 1  # the page and its companies, as JSON, in one statement


async def test_total_count_adds_no_statement(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    result, statements = await counted(
        module_client,
        crm,
        "{ people(first: 60) { totalCount edges { node { company { name } } } } }",
    )
    assert result["people"]["totalCount"] == 12
    assert len(statements) == 1


async def test_observed_statements_carry_their_parameters(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    sent: list[trace.Sent] = []
    with trace.observe_sent(sent.append):
        body = await gql(
            module_client, crm, '{ people(filter: {city: {eq: "Rome"}}) { totalCount } }'
        )
    assert body["data"]["people"]["totalCount"] == 6
    (statement,) = sent
    assert "Rome" in statement.params  # the filter's value, bound, not in the text
    assert "Rome" not in statement.sql


async def test_nested_relations_take_one_statement(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    result, statements = await counted(
        module_client,
        crm,
        """{ companies(orderBy: [{name: AscNullsFirst}]) { edges { node { name
              people(orderBy: [{position: DescNullsLast}], first: 2) {
                totalCount
                pageInfo { hasNextPage }
                edges { node { name { firstName } company { name } } } } } } } }""",
    )
    companies = nodes(result["companies"])
    assert [c["name"] for c in companies] == ["Big", "Mid", "Tiny"]
    for company in companies:
        page = company["people"]
        assert page["totalCount"] == 4
        assert page["pageInfo"]["hasNextPage"] is True
        names = [n["name"]["firstName"] for n in nodes(page)]
        assert names == [f"{company['name']}3", f"{company['name']}2"]
        assert {n["company"]["name"] for n in nodes(page)} == {company["name"]}
    # companies, each one's page of people with its count, their companies: one statement
    assert len(statements) == 1


async def test_nested_connection_has_its_own_filter_and_cursor(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    query = """{ company(filter: {name: {eq: "Mid"}}) {
        people(filter: {city: {eq: "Paris"}}, orderBy: [{position: AscNullsFirst}], first: 1
               %s) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { position } } } } }"""
    first = (await data(module_client, crm, query % ""))["company"]["people"]
    assert first["totalCount"] == 2
    assert [n["position"] for n in nodes(first)] == [1]
    cursor = first["pageInfo"]["endCursor"]
    second = (await data(module_client, crm, query % f', after: "{cursor}"'))["company"]["people"]
    assert [n["position"] for n in nodes(second)] == [3]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_many_to_one_filter_through_the_relation(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        crm,
        """{ big: people(filter: {company: {employees: {gte: 100}}}) { totalCount }
             named: people(filter: {company: {name: {in: ["Tiny"]}}, city: {eq: "Rome"}}) {
               totalCount }
             either: people(filter: {company: {or: [{name: {eq: "Tiny"}},
                                                    {employees: {gt: 400}}]}}) { totalCount } }""",
    )
    assert result["big"]["totalCount"] == 8
    assert result["named"]["totalCount"] == 2
    assert result["either"]["totalCount"] == 8


async def test_a_second_relation_hop_is_refused_by_name(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    error = await first_error(
        module_client,
        crm,
        "{ people(filter: {company: {accountOwner: {id: {is: NULL}}}}) { totalCount } }",
    )
    assert "accountOwner" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["appCode"] == "FIELD_NOT_FOUND"


async def test_aliases_fragments_and_directives(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        crm,
        """query Q($withCity: Boolean!) {
             company(filter: {name: {eq: "Big"}}) {
               paris: people(filter: {city: {eq: "Paris"}}) { totalCount ...Names }
               rome: people(filter: {city: {eq: "Rome"}}) { totalCount }
             }
             people(first: 1, orderBy: [{position: AscNullsFirst}]) {
               edges { node { ... on Person {
                 city @include(if: $withCity)
                 jobTitle @skip(if: true) } } }
             }
           }
           fragment Names on PersonConnection { edges { node { name { firstName } } } }""",
        {"withCity": True},
    )
    company = result["company"]
    assert company["paris"]["totalCount"] == 2
    assert company["rome"]["totalCount"] == 2
    assert sorted(n["name"]["firstName"] for n in nodes(company["paris"])) == ["Big1", "Big3"]
    assert nodes(result["people"])[0] == {"city": "Rome"}


async def test_a_missing_related_record_is_null(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    result = await data(
        client,
        fresh_workspace,
        'mutation { createPerson(data: {city: "Alone"}) { city company { name } } }',
    )
    assert result["createPerson"] == {"city": "Alone", "company": None}


async def test_order_by_a_field_of_the_related_record(
    module_client: httpx.AsyncClient, crm: WorkspaceFixture
) -> None:
    query = """query($after: String, $n: Int) {
        people(first: $n, after: $after, orderBy: [{company: {employees: AscNullsFirst}},
                                                   {position: DescNullsLast}]) {
          edges { node { name { firstName } } } pageInfo { endCursor } } }"""
    result = await data(module_client, crm, query, {"n": 5})
    names = [n["name"]["firstName"] for n in nodes(result["people"])]
    assert names == ["Tiny3", "Tiny2", "Tiny1", "Tiny0", "Mid3"]
    cursor = result["people"]["pageInfo"]["endCursor"]
    more = await data(module_client, crm, query, {"n": 2, "after": cursor})
    assert [n["name"]["firstName"] for n in nodes(more["people"])] == ["Mid2", "Mid1"]
