"""Hostile GraphQL documents over HTTP: each is refused at once, and the server keeps serving.

The documents are the ones that froze or exhausted the server before validation became linear
and introspection and /metadata joined the cost model (app/graphql/core/cost.py).
"""

from __future__ import annotations

import httpx

from tests.support import WorkspaceFixture


def fragment_explosion(count: int = 40) -> str:
    chain = "\n".join(
        f"fragment F{i} on Person {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, count + 1)
    )
    return (
        f"{{ people(first: 200) {{ edges {{ node {{ ...F{count} }} }} }} }}\n"
        "fragment F0 on Person { id name { firstName } }\n" + chain
    )


async def _post(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, path: str, query: str
) -> httpx.Response:
    return await client.post(path, json={"query": query}, headers=workspace.headers)


async def test_fragments_spreading_each_other_are_refused_without_expanding_them(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await _post(client, workspace, "/graphql", fragment_explosion())
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["extensions"]["appCode"] == "QUERY_TOO_COMPLEX"
    assert (await client.get("/healthz")).status_code == 200


async def test_aliased_introspection_is_refused_and_one_introspection_is_served(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    one = "types { fields { args { type { name kind ofType { name kind } } } } }"
    hostile = "{ " + " ".join(f"a{i}: __schema {{ {one} }}" for i in range(300)) + " }"
    refused = await _post(client, workspace, "/graphql", hostile)
    [error] = refused.json()["errors"]
    assert error["extensions"]["appCode"] == "QUERY_TOO_COMPLEX"
    assert "introspection cost" in error["message"]
    served = await _post(client, workspace, "/graphql", "{ __schema { " + one + " } }")
    assert "errors" not in served.json()
    assert served.json()["data"]["__schema"]["types"]


async def test_metadata_aliases_are_costed_like_graphql(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    one = (
        "objects(paging: {first: 1000}) { edges { node { "
        "fields(paging: {first: 1000}) { edges { node { id name } } } } } }"
    )
    hostile = "{ " + " ".join(f"a{i}: {one}" for i in range(100)) + " }"
    refused = await _post(client, workspace, "/metadata", hostile)
    assert refused.status_code == 200
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["extensions"]["appCode"] == "QUERY_TOO_COMPLEX"
    served = await _post(client, workspace, "/metadata", "{ " + one + " }")
    assert "errors" not in served.json(), served.text
    assert served.json()["data"]["objects"]["edges"]


async def test_metadata_depth_is_limited(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    level = "fields { edges { node { object { %s } } } }"
    nested = "{ objects { edges { node { " + level % (level % (level % "id")) + " } } } }"
    [error] = (await _post(client, workspace, "/metadata", nested)).json()["errors"]
    assert error["extensions"]["appCode"] == "QUERY_TOO_DEEP"


async def test_unauthenticated_documents_are_never_parsed(client: httpx.AsyncClient) -> None:
    """A request without a valid key is refused before its body is read: even a body that is
    not JSON gets the 401, not a parse error."""
    for path in ("/graphql", "/metadata"):
        response = await client.post(
            path, content=b"{not json", headers={"Authorization": "Bearer nope"}
        )
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
