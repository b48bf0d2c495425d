"""REST /rest/metadata/fields: the cases of Twenty's field-metadata.integration-spec.ts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.metadata.helpers import create_field, create_object, messages, unique
from tests.support import WorkspaceFixture

FIELDS = "/rest/metadata/fields"
UNKNOWN = "20202020-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
async def parent(module_client: httpx.AsyncClient, model_workspace: WorkspaceFixture) -> Any:
    return await create_object(module_client, model_workspace)


async def test_list_envelope_paging_and_cursors(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    headers = model_workspace.headers
    body = (await client.get(FIELDS, headers=headers)).json()
    assert isinstance(body["data"]["fields"], list)
    assert body["totalCount"] == len(body["data"]["fields"]) > 100
    one = (await client.get(f"{FIELDS}?limit=1", headers=headers)).json()
    assert len(one["data"]["fields"]) == 1
    assert one["pageInfo"]["hasNextPage"] is True and one["pageInfo"]["hasPreviousPage"] is False
    after = one["pageInfo"]["endCursor"]
    two = (await client.get(f"{FIELDS}?limit=2&starting_after={after}", headers=headers)).json()
    assert after not in [f["id"] for f in two["data"]["fields"]]
    assert two["totalCount"] == one["totalCount"]
    both = await client.get(
        f"{FIELDS}?starting_after={UNKNOWN}&ending_before={UNKNOWN}", headers=headers
    )
    assert both.status_code == 400
    assert (await client.get(f"{FIELDS}?starting_after=nope", headers=headers)).status_code == 400


async def test_get_one_field(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, parent: Any
) -> None:
    field = await create_field(client, model_workspace, parent["id"], unique("getField"), "TEXT")
    headers = model_workspace.headers
    for given in (field["id"], field["id"].upper()):
        response = await client.get(f"{FIELDS}/{given}", headers=headers)
        assert response.status_code == 200
        assert response.json()["data"]["field"]["objectMetadataId"] == parent["id"]
    assert (await client.get(f"{FIELDS}/not-a-uuid", headers=headers)).status_code == 400
    assert (await client.get(f"{FIELDS}/{UNKNOWN}", headers=headers)).status_code == 404


async def test_create_returns_201_and_refuses_duplicates_and_empty_names(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, parent: Any
) -> None:
    name = unique("postField")
    body = {
        "objectMetadataId": parent["id"],
        "type": "TEXT",
        "name": name,
        "label": "Post Field",
        "isLabelSyncedWithName": False,
    }
    response = await client.post(FIELDS, json=body, headers=model_workspace.headers)
    assert response.status_code == 201, response.text
    created = response.json()["data"]["createOneField"]
    assert created["name"] == name and created["objectMetadataId"] == parent["id"]
    assert created["isCustom"] is True and created["defaultValue"] == "''"
    again = await client.post(FIELDS, json=body, headers=model_workspace.headers)
    assert again.status_code == 400
    assert messages(again) == [
        f'Name "{name}" is not available as it is already used by another field'
    ]
    empty = await client.post(FIELDS, json={"name": ""}, headers=model_workspace.headers)
    assert empty.status_code == 400
    assert "name should not be empty" in messages(empty)
    assert "objectMetadataId should not be empty" in messages(empty)


async def test_patch_and_put_update_the_field(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, parent: Any
) -> None:
    field = await create_field(client, model_workspace, parent["id"], unique("patchField"), "TEXT")
    for method in ("PATCH", "PUT"):
        response = await client.request(
            method,
            f"{FIELDS}/{field['id']}",
            json={"label": f"{method} Label"},
            headers=model_workspace.headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["updateOneField"]["label"] == f"{method} Label"


async def test_patch_on_an_unknown_field_is_400_as_in_twenty(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    response = await client.patch(
        f"{FIELDS}/{UNKNOWN}", json={"label": "Whatever"}, headers=model_workspace.headers
    )
    assert response.status_code == 400
    assert messages(response) == ["Field metadata not found"]


async def test_delete_returns_the_field_then_it_is_gone(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, parent: Any
) -> None:
    field = await create_field(client, model_workspace, parent["id"], unique("gone"), "TEXT")
    headers = model_workspace.headers
    response = await client.delete(f"{FIELDS}/{field['id']}", headers=headers)
    assert response.status_code == 200
    assert response.json()["data"]["deleteOneField"]["id"] == field["id"]
    assert (await client.get(f"{FIELDS}/{field['id']}", headers=headers)).status_code == 404
    assert (await client.delete(f"{FIELDS}/{UNKNOWN}", headers=headers)).status_code == 404
