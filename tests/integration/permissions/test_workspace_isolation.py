"""A key of workspace A never reads, writes, counts or infers anything of workspace B: not by id,
filter, cursor or relation, over REST, /graphql, or the metadata APIs (spec §10, §12 item 19).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.metadata.helpers import create_field, create_object
from tests.integration.rest.helpers import create_many, find_many, records_of
from tests.support import WorkspaceFixture, make_workspace


@dataclass
class Pair:
    a: WorkspaceFixture
    b: WorkspaceFixture
    ids: dict[str, str]  # B's records and metadata, and A's own person


@pytest.fixture(scope="module")
async def pair(db: Database, module_client: httpx.AsyncClient) -> Pair:
    a, b = await make_workspace(db), await make_workspace(db)
    [mine] = await create_many(module_client, a, "people", [{"city": "Mine"}])
    [company] = await create_many(module_client, b, "companies", [{"name": "Theirs"}])
    theirs = await create_many(
        module_client,
        b,
        "people",
        [{"city": "Theirs", "companyId": company["id"]}, {"city": "Theirs too"}],
    )
    custom = await create_object(module_client, b)
    secret = await create_field(module_client, b, custom["id"], "secret", "TEXT")
    ids = {
        "mine": mine["id"],
        "company": company["id"],
        "person": theirs[0]["id"],
        "person2": theirs[1]["id"],
        "object": custom["id"],
        "field": secret["id"],
    }
    return Pair(a, b, ids)


async def _theirs_unchanged(client: httpx.AsyncClient, pair: Pair) -> None:
    response = await client.get(f"/rest/people/{pair.ids['person']}", headers=pair.b.headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["person"]["city"] == "Theirs"
    response = await client.get(
        f"/rest/metadata/fields/{pair.ids['field']}", headers=pair.b.headers
    )
    assert response.json()["data"]["field"]["name"] == "secret"


# ---- REST ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/rest/people/{person}", None, 404),
        ("PATCH", "/rest/people/{person}", {"city": "Stolen"}, 404),
        ("DELETE", "/rest/people/{person}", None, 404),
        ("DELETE", "/rest/people/{person}?soft_delete=true", None, 404),
        ("PATCH", "/rest/people/{person}/restore", None, 404),
        ("PATCH", "/rest/people/merge", {"ids": ["{mine}", "{person}"]}, 404),
        ("GET", "/rest/metadata/objects/{object}", None, 404),
        ("GET", "/rest/metadata/fields/{field}", None, 404),
        ("PATCH", "/rest/metadata/objects/{object}", {"labelSingular": "Stolen"}, 404),
        ("DELETE", "/rest/metadata/objects/{object}", None, 404),
        ("DELETE", "/rest/metadata/fields/{field}", None, 404),
        ("PATCH", "/rest/metadata/fields/{field}", {"label": "Stolen"}, 400),  # Twenty's 400
    ],
)
async def test_rest_by_id_finds_nothing_of_another_workspace(
    client: httpx.AsyncClient,
    pair: Pair,
    method: str,
    path: str,
    body: Any,
    status: int,
) -> None:
    for name, value in pair.ids.items():
        path = path.replace("{" + name + "}", value)
    if body is not None and "ids" in body:
        body = {"ids": [pair.ids[i.strip("{}")] for i in body["ids"]]}
    response = await client.request(method, path, json=body, headers=pair.a.headers)
    assert response.status_code == status, response.text
    assert "data" not in response.json()
    await _theirs_unchanged(client, pair)


async def test_rest_filters_and_counts_see_only_this_workspace(
    client: httpx.AsyncClient, pair: Pair
) -> None:
    theirs = f"[{pair.ids['person']},{pair.ids['person2']}]"
    body = await find_many(client, pair.a, "people", filter=f"id[in]:{theirs}")
    assert records_of(body, "people") == [] and body["totalCount"] == 0
    body = await find_many(client, pair.a, "people", filter=f"companyId[eq]:{pair.ids['company']}")
    assert body["totalCount"] == 0
    groups = await client.get(
        "/rest/people/groupBy", params={"group_by": '[{"city":true}]'}, headers=pair.a.headers
    )
    assert [g["groupByDimensionValues"] for g in groups.json()] == [["Mine"]]
    bulk = await client.patch(
        "/rest/people",
        params={"filter": f"id[in]:{theirs}"},
        json={"city": "Stolen"},
        headers=pair.a.headers,
    )
    assert bulk.json() == {"data": {"updatePeople": []}}
    duplicates = await client.post(
        "/rest/people/duplicates", json={"ids": [pair.ids["person"]]}, headers=pair.a.headers
    )
    assert duplicates.json()["data"] == [{"totalCount": 0, "personDuplicates": []}]
    await _theirs_unchanged(client, pair)


async def test_rest_cursor_and_relation_cannot_reach_another_workspace(
    client: httpx.AsyncClient, pair: Pair
) -> None:
    their_page = await find_many(client, pair.b, "people", limit=1)
    body = await find_many(
        client, pair.a, "people", starting_after=their_page["pageInfo"]["endCursor"]
    )
    assert {p["id"] for p in records_of(body, "people")} <= {pair.ids["mine"]}
    linked = await client.post(
        "/rest/people", json={"companyId": pair.ids["company"]}, headers=pair.a.headers
    )
    assert linked.status_code == 400
    assert "companyId" in linked.json()["messages"][0]


async def test_metadata_lists_only_this_workspaces_model(
    client: httpx.AsyncClient, pair: Pair
) -> None:
    objects = await client.get("/rest/metadata/objects", headers=pair.a.headers)
    assert pair.ids["object"] not in {o["id"] for o in objects.json()["data"]["objects"]}
    fields = await client.get("/rest/metadata/fields", headers=pair.a.headers)
    assert pair.ids["field"] not in {f["id"] for f in fields.json()["data"]["fields"]}


# ---- GraphQL ------------------------------------------------------------------------------


async def _gql(
    client: httpx.AsyncClient, key: WorkspaceFixture, query: str, endpoint: str = "/graphql"
) -> dict[str, Any]:
    response = await client.post(endpoint, json={"query": query}, headers=key.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('mutation { updatePerson(id: "{person}", data: {city: "Stolen"}) { id } }', "NOT_FOUND"),
        ('mutation { deletePerson(id: "{person}") { id } }', "NOT_FOUND"),
        ('mutation { destroyPerson(id: "{person}") { id } }', "NOT_FOUND"),
        ('mutation { restorePerson(id: "{person}") { id } }', "NOT_FOUND"),
        (
            'mutation { mergePeople(ids: ["{mine}", "{person}"], conflictPriorityIndex: 0) '
            "{ id } }",
            "NOT_FOUND",
        ),
        ('mutation { createPerson(data: {companyId: "{company}"}) { id } }', "BAD_USER_INPUT"),
    ],
)
async def test_graphql_writes_by_id_find_nothing_of_another_workspace(
    client: httpx.AsyncClient, pair: Pair, query: str, code: str
) -> None:
    for name, value in pair.ids.items():
        query = query.replace("{" + name + "}", value)
    body = await _gql(client, pair.a, query)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert body["data"] is None or all(v is None for v in body["data"].values())
    await _theirs_unchanged(client, pair)


async def test_graphql_reads_see_only_this_workspace(client: httpx.AsyncClient, pair: Pair) -> None:
    theirs = f'["{pair.ids["person"]}", "{pair.ids["person2"]}"]'
    query = (
        f'{{ one: person(filter: {{id: {{eq: "{pair.ids["person"]}"}}}}) {{ id }} '
        f"many: people(filter: {{id: {{in: {theirs}}}}}) "
        "{ totalCount edges { node { id } } } "
        "all: people { totalCount countUniqueValuesCity } }"
    )
    body = await _gql(client, pair.a, query)
    assert "errors" not in body, body
    data = body["data"]
    assert data["one"] is None
    assert data["many"] == {"totalCount": 0, "edges": []}
    assert data["all"] == {"totalCount": 1, "countUniqueValuesCity": 1}
    destroyed = await _gql(
        client, pair.a, f"mutation {{ destroyPeople(filter: {{id: {{in: {theirs}}}}}) {{ id }} }}"
    )
    assert destroyed == {"data": {"destroyPeople": []}}
    their_page = await _gql(client, pair.b, "{ people(first: 1) { pageInfo { endCursor } } }")
    cursor = their_page["data"]["people"]["pageInfo"]["endCursor"]
    after = await _gql(
        client, pair.a, f'{{ people(after: "{cursor}") {{ edges {{ node {{ id }} }} }} }}'
    )
    people = (after.get("data") or {}).get("people") or {"edges": []}
    assert {edge["node"]["id"] for edge in people["edges"]} <= {pair.ids["mine"]}
    await _theirs_unchanged(client, pair)


@pytest.mark.parametrize(
    "query",
    [
        '{ object(id: "{object}") { id } }',
        '{ field(id: "{field}") { id } }',
        'mutation { updateOneField(input: {id: "{field}", update: {label: "Stolen"}}) { id } }',
        'mutation { updateOneObject(input: {id: "{object}", update: {labelSingular: "S"}}) '
        "{ id } }",
        'mutation { deleteOneField(input: {id: "{field}"}) { id } }',
        'mutation { deleteOneObject(input: {id: "{object}"}) { id } }',
    ],
)
async def test_graphql_metadata_by_id_finds_nothing_of_another_workspace(
    client: httpx.AsyncClient, pair: Pair, query: str
) -> None:
    for name, value in pair.ids.items():
        query = query.replace("{" + name + "}", value)
    body = await _gql(client, pair.a, query, "/metadata")
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND", error
    assert body["data"] is None
    await _theirs_unchanged(client, pair)
