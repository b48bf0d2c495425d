"""The /graphql endpoint: auth, request shapes, error codes, limits, GET, introspection, cache."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from app.graphql.core.cache import SchemaCache
from tests.integration.graphql.helpers import data, first_error, gql
from tests.support import WorkspaceFixture, make_workspace


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer crm_nope"}, {"Authorization": "Basic abc"}],
    ids=["missing", "invalid", "wrong-scheme"],
)
async def test_unauthenticated_requests_get_401_with_a_graphql_error(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json", "must be a JSON object"),
        (b"[]", "must be a JSON object"),
        (b'{"query": ""}', "'query' must be a non-empty string"),
        (b'{"query": "{ __typename }", "variables": [1]}', "'variables' must be an object"),
    ],
)
async def test_malformed_requests_are_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, payload: bytes, message: str
) -> None:
    response = await client.post(
        "/graphql",
        content=payload,
        headers={**workspace.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_parse_and_validation_errors_have_their_codes(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    parse = await first_error(client, workspace, "{ people { ")
    assert parse["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    invalid = await first_error(client, workspace, "{ persons { totalCount } }")
    assert invalid["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "persons" in invalid["message"]
    coercion = await first_error(
        client,
        workspace,
        "query($id: UUID!) { person(filter: {id: {eq: $id}}) { id } }",
        {"id": "not-a-uuid"},
    )
    assert coercion["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Invalid UUID" in coercion["message"]


async def test_engine_errors_carry_graphql_and_stable_codes(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    error = await first_error(
        client,
        workspace,
        'mutation { createPerson(data: {city: "x"}, upsert: true, upsertOn: "city") { id } }',
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["appCode"] == "INVALID_PARAMETER"
    assert error["path"] == ["createPerson"]


async def test_get_runs_queries_but_not_mutations(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    query = await client.get(
        "/graphql",
        params={
            "query": "query Q($n: Int) { people(first: $n) { totalCount } }",
            "variables": '{"n": 1}',
        },
        headers=workspace.headers,
    )
    assert query.status_code == 200
    assert isinstance(query.json()["data"]["people"]["totalCount"], int)
    mutation = await client.get(
        "/graphql",
        params={"query": 'mutation { createPerson(data: {city: "x"}) { id } }'},
        headers=workspace.headers,
    )
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"


async def test_introspection_works_for_authenticated_callers(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    result = await data(
        client,
        workspace,
        """{ __schema { queryType { name } mutationType { name } }
             person: __type(name: "Person") { fields { name } }
             filter: __type(name: "PersonFilterInput") { inputFields { name } } }""",
    )
    assert result["__schema"] == {
        "queryType": {"name": "Query"},
        "mutationType": {"name": "Mutation"},
    }
    assert {"id", "name", "company", "companyId", "noteTargets"} <= {
        f["name"] for f in result["person"]["fields"]
    }
    assert {"and", "or", "not", "company", "companyId"} <= {
        f["name"] for f in result["filter"]["inputFields"]
    }


async def test_a_query_deeper_than_the_limit_is_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    path = ["people", "edges", "node", "company"] * 3 + ["id"]  # 13 fields deep
    deep = "{ " + " { ".join(path) + " }" * (len(path) - 1) + " }"
    error = await first_error(client, workspace, deep)
    assert error["message"] == "Query is too deep: depth 13 exceeds the maximum of 12"
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED", "appCode": "QUERY_TOO_DEEP"}


async def test_a_query_costlier_than_the_limit_is_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    fields = " ".join(["id", "city", "jobTitle", "avatarUrl", "position"])
    costly = (
        "query($n: Int) { companies(first: 200) { edges { node { people(first: $n) {"
        f" edges {{ node {{ {fields} }} }} }} }} }} }} }}"
    )
    error = await first_error(client, workspace, costly, {"n": 200})
    assert error["message"].startswith("Query is too complex: cost ")
    assert error["extensions"]["appCode"] == "QUERY_TOO_COMPLEX"
    cheap = await gql(client, workspace, costly, {"n": 2})
    assert "errors" not in cheap


async def test_schema_is_built_once_per_catalog_version(
    app: Any, client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture, db: Database
) -> None:
    cache: SchemaCache = app.state.core_graphql_schemas
    await gql(client, fresh_workspace, "{ __typename }")
    catalogs = app.state.crm.catalogs
    catalog = await catalogs.get(fresh_workspace.id)
    schema = cache.cached(catalog)
    assert schema is not None
    builds = cache.builds
    await gql(client, fresh_workspace, "{ people { totalCount } }")
    assert cache.builds == builds
    assert cache.cached(catalog) is schema

    async with db.connection() as conn:
        await conn.execute(
            "UPDATE core.workspace SET metadata_version = metadata_version + 1 WHERE id = $1",
            fresh_workspace.id,
        )
    newer = await catalogs.refresh(fresh_workspace.id)
    assert newer.version == catalog.version + 1
    await gql(client, fresh_workspace, "{ people { totalCount } }")
    assert cache.builds == builds + 1
    assert cache.cached(newer) is not schema
    assert cache.cached(catalog) is None


async def test_graphql_requests_count_against_the_key_rate_limit(
    client: httpx.AsyncClient, db: Database
) -> None:
    ws = await make_workspace(db)
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE core.api_key SET rate_limit_per_minute = 2 WHERE id = $1", ws.key_id
        )
    for _ in range(2):
        ok = await client.post("/graphql", json={"query": "{ __typename }"}, headers=ws.headers)
        assert ok.status_code == 200
        assert ok.headers["X-RateLimit-Limit"] == "2"
    refused = await client.post("/graphql", json={"query": "{ __typename }"}, headers=ws.headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert refused.json()["errors"][0]["extensions"]["code"] == "LIMIT_REACHED"


async def test_a_failing_root_field_leaves_its_siblings_data(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    body = await gql(
        client,
        workspace,
        '{ ok: people { totalCount } bad: people(after: "x") { edges { cursor } } }',
    )
    assert isinstance(body["data"]["ok"]["totalCount"], int)
    assert body["data"]["bad"] is None
    assert body["errors"][0]["path"] == ["bad"]
