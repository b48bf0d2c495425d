"""Core GraphQL reads: connections, filters, ordering, pagination, findOne, soft-delete rules."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.graphql.helpers import data, first_error, nodes
from tests.support import WorkspaceFixture, make_workspace

PEOPLE = [
    {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "city": "London", "position": 1},
    {"name": {"firstName": "Bob", "lastName": "Marley"}, "city": "Kingston", "position": 2},
    {"name": {"firstName": "Cleo", "lastName": "Patra"}, "city": "", "position": 3},
    {"name": {"firstName": "Dan", "lastName": "Brown"}, "city": "Paris", "position": 4},
    {
        "name": {"firstName": "Eve", "lastName": "Online"},
        "city": "paris",
        "position": 5,
        "jobTitle": "CTO",
    },
]

FIRST_NAMES = "edges { node { name { firstName } } }"


@pytest.fixture(scope="module")
async def seeded(db: Database, module_client: httpx.AsyncClient) -> WorkspaceFixture:
    workspace = await make_workspace(db)
    await data(
        module_client,
        workspace,
        "mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }",
        {"d": PEOPLE},
    )
    return workspace


async def people(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, args: str, selection: str = ""
) -> dict[str, Any]:
    query = f"{{ people{args} {{ totalCount {FIRST_NAMES} {selection} }} }}"
    result: dict[str, Any] = (await data(client, workspace, query))["people"]
    return result


def first_names(connection: dict[str, Any]) -> list[str]:
    return [node["name"]["firstName"] for node in nodes(connection)]


async def test_find_many_returns_edges_page_info_and_total_count(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture
) -> None:
    page = await people(
        module_client,
        seeded,
        "(first: 2, orderBy: [{position: AscNullsFirst}])",
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }",
    )
    assert page["totalCount"] == 5
    assert first_names(page) == ["Ada", "Bob"]
    info = page["pageInfo"]
    assert info["hasNextPage"] is True
    assert info["hasPreviousPage"] is False
    assert info["startCursor"] == page["edges"][0]["cursor"]
    assert info["endCursor"] == page["edges"][1]["cursor"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ('{city: {eq: "Paris"}}', ["Dan"]),
        ('{city: {neq: "Paris"}, position: {lte: 3}}', ["Ada", "Bob", "Cleo"]),
        ('{city: {in: ["London", "Kingston"]}}', ["Ada", "Bob"]),
        ('{city: {like: "%ari%"}}', ["Dan", "Eve"]),
        ('{city: {ilike: "PARIS"}}', ["Dan", "Eve"]),
        ('{city: {startsWith: "Lon"}}', ["Ada"]),
        ('{city: {endsWith: "ton"}}', ["Bob"]),
        ("{position: {gt: 4}}", ["Eve"]),
        ("{position: {gte: 2, lt: 4}}", ["Bob", "Cleo"]),
        ('{name: {firstName: {eq: "Cleo"}}}', ["Cleo"]),
        ('{name: {lastName: {ilike: "%o%"}}}', ["Ada", "Dan", "Eve"]),
        ('{or: [{city: {eq: "London"}}, {jobTitle: {eq: "CTO"}}]}', ["Ada", "Eve"]),
        ("{and: [{position: {gt: 1}}, {position: {lt: 3}}]}", ["Bob"]),
        ('{not: {city: {ilike: "paris"}}, position: {gt: 2}}', ["Cleo"]),
        ('{jobTitle: {is: NOT_NULL}, not: {jobTitle: {eq: ""}}}', ["Eve"]),
        ("{companyId: {is: NULL}, position: {eq: 1}}", ["Ada"]),
        ("{}", ["Ada", "Bob", "Cleo", "Dan", "Eve"]),
    ],
)
async def test_filters_by_operator_composite_and_logic(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture, where: str, expected: list[str]
) -> None:
    page = await people(
        module_client, seeded, f"(filter: {where}, orderBy: [{{position: AscNullsFirst}}])"
    )
    assert first_names(page) == expected
    assert page["totalCount"] == len(expected)


async def test_filter_values_can_come_from_variables(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        seeded,
        "query($f: PersonFilterInput) { people(filter: $f) { totalCount } }",
        {"f": {"name": {"firstName": {"in": ["Ada", "Eve"]}}}},
    )
    assert result["people"]["totalCount"] == 2


async def test_regex_is_declared_but_refused_by_name(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture
) -> None:
    error = await first_error(
        module_client, seeded, '{ people(filter: {city: {regex: "^P"}}) { totalCount } }'
    )
    assert error["message"] == 'Operator "regex" is not supported'
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("AscNullsFirst", ["Cleo", "Bob", "Ada", "Dan", "Eve"]),
        ("DescNullsLast", ["Eve", "Dan", "Ada", "Bob", "Cleo"]),
    ],
)
async def test_order_by_directions(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture, direction: str, expected: list[str]
) -> None:
    page = await people(module_client, seeded, f"(orderBy: [{{city: {direction}}}])")
    assert first_names(page) == expected


async def test_order_by_nulls_placement(
    db: Database, client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await data(
        client,
        fresh_workspace,
        """mutation { createCompanies(data: [{name: "A", employees: 5}, {name: "B"},
                                            {name: "C", employees: 1}]) { id } }""",
    )
    orders = {}
    for direction in ("AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast"):
        result = await data(
            client,
            fresh_workspace,
            f"{{ companies(orderBy: [{{employees: {direction}}}]) {{"
            " edges { node { name } } } }",
        )
        orders[direction] = [n["name"] for n in nodes(result["companies"])]
    assert orders == {
        "AscNullsFirst": ["B", "C", "A"],
        "AscNullsLast": ["C", "A", "B"],
        "DescNullsFirst": ["B", "A", "C"],
        "DescNullsLast": ["A", "C", "B"],
    }


async def test_forward_and_backward_pages(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture
) -> None:
    order = "orderBy: [{position: AscNullsFirst}]"
    info = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
    first = await people(module_client, seeded, f"(first: 2, {order})", info)
    after = first["pageInfo"]["endCursor"]
    second = await people(module_client, seeded, f'(first: 2, after: "{after}", {order})', info)
    assert first_names(second) == ["Cleo", "Dan"]
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True
    before = second["pageInfo"]["startCursor"]
    back = await people(module_client, seeded, f'(last: 1, before: "{before}", {order})', info)
    assert first_names(back) == ["Bob"]
    assert back["pageInfo"]["hasNextPage"] is True
    assert back["pageInfo"]["hasPreviousPage"] is True
    tail = await people(module_client, seeded, f"(last: 2, {order})", info)
    assert first_names(tail) == ["Dan", "Eve"]
    assert tail["pageInfo"]["hasNextPage"] is False
    assert tail["pageInfo"]["hasPreviousPage"] is True
    skipped = await people(module_client, seeded, f"(first: 2, offset: 3, {order})", info)
    assert first_names(skipped) == ["Dan", "Eve"]
    assert skipped["pageInfo"]["hasPreviousPage"] is True


async def test_invalid_cursor_is_a_bad_user_input(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture
) -> None:
    error = await first_error(
        module_client, seeded, '{ people(after: "not-a-cursor") { totalCount edges { cursor } } }'
    )
    assert "Invalid cursor" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["appCode"] == "INVALID_CURSOR"
    assert error["path"] == ["people"]


async def test_find_one_takes_a_filter_and_returns_null_when_nothing_matches(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture
) -> None:
    result = await data(
        module_client,
        seeded,
        """{ found: person(filter: {city: {eq: "Kingston"}}) { name { firstName } city }
             missing: person(filter: {city: {eq: "Atlantis"}}) { id } }""",
    )
    assert result["found"] == {"name": {"firstName": "Bob"}, "city": "Kingston"}
    assert result["missing"] is None


async def test_soft_deleted_records_show_only_when_the_filter_names_deleted_at(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await data(
        client,
        fresh_workspace,
        'mutation { createPeople(data: [{city: "Gone"}, {city: "Here"}]) { id city } }',
    )
    gone = created["createPeople"][0]["id"]
    deleted = await data(
        client,
        fresh_workspace,
        f'mutation {{ deletePerson(id: "{gone}") {{ id deletedAt }} }}',
    )
    assert deleted["deletePerson"]["deletedAt"] is not None
    result = await data(
        client,
        fresh_workspace,
        f"""{{ visible: people {{ totalCount edges {{ node {{ city }} }} }}
              deleted: people(filter: {{not: {{deletedAt: {{is: NULL}}}}}}) {{
                totalCount edges {{ node {{ id }} }} }}
              one: person(filter: {{id: {{eq: "{gone}"}}}}) {{ id }}
              oneDeleted: person(filter: {{id: {{eq: "{gone}"}}, deletedAt: {{is: NOT_NULL}}}}) {{
                id }} }}""",
    )
    assert [n["city"] for n in nodes(result["visible"])] == ["Here"]
    assert [n["id"] for n in nodes(result["deleted"])] == [gone]
    assert result["one"] is None
    assert result["oneDeleted"] == {"id": gone}


async def test_select_filter_takes_enum_values_and_refuses_unknown_ones(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await data(
        client,
        fresh_workspace,
        'mutation { createOpportunities(data: [{name: "Deal", stage: SCREENING}]) { id } }',
    )
    result = await data(
        client,
        fresh_workspace,
        "{ opportunities(filter: {stage: {in: [SCREENING, NEW]}}) { totalCount } }",
    )
    assert result["opportunities"]["totalCount"] == 1
    error = await first_error(
        client, fresh_workspace, "{ opportunities(filter: {stage: {eq: WON}}) { totalCount } }"
    )
    assert "OpportunityStageEnum" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_unknown_field_in_a_selection_is_a_validation_error(
    module_client: httpx.AsyncClient, seeded: WorkspaceFixture
) -> None:
    error = await first_error(module_client, seeded, "{ people { edges { node { nickname } } } }")
    assert "nickname" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
