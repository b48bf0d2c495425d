"""Bounds on one query's size (app/query/bounds.py), over REST and GraphQL alike: each hostile
query is a 400 QUERY_TOO_LARGE naming the bound, never a database error or a 500."""

from __future__ import annotations

import uuid

import httpx

from app.query import bounds
from tests.support import WorkspaceFixture


async def _rest(client: httpx.AsyncClient, ws: WorkspaceFixture, **params: str) -> httpx.Response:
    return await client.get("/rest/companies", params=params, headers=ws.headers)


def _too_large(response: httpx.Response, bound: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "QUERY_TOO_LARGE", body
    assert bound in body["messages"][0] or bound in str(body)


async def test_rest_filter_terms_are_bounded(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    terms = ",".join(f"name[eq]:n{i}" for i in range(bounds.MAX_FILTER_TERMS + 1))
    _too_large(await _rest(client, workspace, filter=terms), str(bounds.MAX_FILTER_TERMS))
    fits = ",".join(f"name[eq]:n{i}" for i in range(100))
    assert (await _rest(client, workspace, filter=f"or({fits})")).status_code == 200


async def test_in_lists_are_bounded(client: httpx.AsyncClient, workspace: WorkspaceFixture) -> None:
    """(A REST URL cannot hold that many ids: GraphQL variables can.)"""
    ids = [str(uuid.uuid4()) for _ in range(bounds.MAX_LIST_VALUES + 1)]
    query = "query($f: CompanyFilterInput) { companies(filter: $f) { totalCount } }"
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"f": {"id": {"in": ids}}}},
        headers=workspace.headers,
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["appCode"] == "QUERY_TOO_LARGE"
    assert "'id'" in error["message"]


async def test_rest_order_by_terms_are_bounded(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    """2 000 terms used to reach PostgreSQL and come back as 'The database refused the
    operation'."""
    order = ",".join(["name[AscNullsFirst]"] * 2000)
    _too_large(await _rest(client, workspace, order_by=order), str(bounds.MAX_ORDER_TERMS))


async def test_graphql_variables_with_50000_and_terms_are_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    """50 000 terms needed more bind parameters than PostgreSQL takes: a 500."""
    query = "query($f: CompanyFilterInput) { companies(filter: $f) { totalCount } }"
    variables = {"f": {"and": [{"name": {"eq": f"n{i}"}} for i in range(50_000)]}}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=workspace.headers
    )
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["appCode"] == "QUERY_TOO_LARGE"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_graphql_filters_nested_too_deep_are_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    nested: dict[str, object] = {"name": {"eq": "x"}}
    for _ in range(bounds.MAX_FILTER_DEPTH + 5):
        nested = {"and": [nested]}
    query = "query($f: CompanyFilterInput) { companies(filter: $f) { totalCount } }"
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"f": nested}}, headers=workspace.headers
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["appCode"] == "QUERY_TOO_LARGE"
    deeper = '{"and": [' * 300 + '{"name": {"eq": "x"}}' + "]}" * 300
    raw = '{"query": "' + query + '", "variables": {"f": ' + deeper + "}}"
    response = await client.post(
        "/graphql",
        content=raw.encode(),
        headers={**workspace.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nested" in response.json()["errors"][0]["message"]


async def test_graphql_order_by_terms_are_bounded(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    order = ", ".join(["{name: AscNullsFirst}"] * 2000)
    response = await client.post(
        "/graphql",
        json={"query": f"{{ companies(orderBy: [{order}]) {{ totalCount }} }}"},
        headers=workspace.headers,
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["appCode"] == "QUERY_TOO_LARGE"
