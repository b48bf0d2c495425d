"""Regressions for what the contract tests found: requests the document calls invalid that the
server used to accept, or answers the document did not describe."""

from __future__ import annotations

import httpx

from tests.integration.rest.helpers import assert_error
from tests.support import WorkspaceFixture


async def test_an_unknown_key_in_an_actor_value_is_refused_not_dropped(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people",
        json={"createdBy": {"source": "IMPORT", "bogus": 1}},
        headers=workspace.headers,
    )
    body = assert_error(response, 400, code="INVALID_FIELD_VALUE")
    assert "unknown sub-field 'bogus'" in body["messages"][0]


async def test_creating_an_api_key_with_an_unknown_role_is_a_documented_404(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/metadata/apiKeys",
        json={"name": "zapier", "roleId": "e3e70682-c209-1cac-a29f-6fbed82c07cd"},
        headers=workspace.headers,
    )
    assert_error(response, 404)
    document = (await client.get("/rest/open-api/metadata", headers=workspace.headers)).json()
    assert "404" in document["paths"]["/apiKeys"]["post"]["responses"]


async def test_an_empty_metadata_cursor_means_none_as_documented(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get(
        "/rest/metadata/objects",
        params={"starting_after": "", "ending_before": ""},
        headers=workspace.headers,
    )
    assert response.status_code == 200, response.text
    document = (await client.get("/rest/open-api/metadata", headers=workspace.headers)).json()
    parameters = document["components"]["parameters"]
    assert parameters["startingAfter"]["allowEmptyValue"] is True
    assert parameters["limit"]["allowEmptyValue"] is True
