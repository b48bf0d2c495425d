"""The OpenAPI routes: Twenty's paths and aliases, the key from the header or `?token=`, the
base document (HTTP 200) without a valid key, and a document that follows the model."""

from __future__ import annotations

import httpx
import pytest
from openapi_spec_validator import validate

from app.db.database import Database
from tests.support import WorkspaceFixture, make_workspace

PATHS = ["/rest/open-api/core", "/open-api/core", "/rest/open-api/metadata", "/open-api/metadata"]


@pytest.mark.parametrize("path", PATHS)
async def test_document_with_a_valid_key_describes_the_workspace(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, path: str
) -> None:
    response = await client.get(path, headers=workspace.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    validate(document)
    assert document["openapi"] == "3.1.1"
    if path.endswith("core"):
        assert document["servers"] == [
            {"url": "http://testserver/rest", "description": "This server"}
        ]
        assert "/people/{id}" in document["paths"]
        assert "PersonForResponse" in document["components"]["schemas"]
    else:
        assert document["servers"][0]["url"] == "http://testserver/rest/metadata"
        assert "/objects" in document["paths"]
        assert "/apiKeys/{id}/regenerate" in document["paths"]
        assert {"get", "patch", "delete"} <= set(document["paths"]["/webhooks/{id}"])


async def test_the_webhook_routes_answer_what_the_metadata_document_says(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    """Each webhook route's answer validates against its documented schema (Twenty's bare
    answers: an array, the webhook, `true`), and what the document requires is required."""
    from jsonschema import Draft202012Validator

    document = (await client.get("/rest/open-api/metadata", headers=workspace.headers)).json()
    paths = document["paths"]

    def check(path: str, method: str, status: int, body: object) -> None:
        content = paths[path][method]["responses"][str(status)]["content"]
        schema = {**content["application/json"]["schema"], **document}  # $refs resolve
        Draft202012Validator(schema).validate(body)

    base, headers = "/rest/metadata/webhooks", workspace.headers
    created = await client.post(
        base,
        json={"targetUrl": "http://127.0.0.1:9/hook", "operations": ["person.created"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    check("/webhooks", "post", 201, created.json())
    webhook_id = created.json()["id"]
    listed = await client.get(base, headers=headers)
    check("/webhooks", "get", 200, listed.json())
    one = await client.get(f"{base}/{webhook_id}", headers=headers)
    check("/webhooks/{id}", "get", 200, one.json())
    updated = await client.patch(
        f"{base}/{webhook_id}", json={"description": "CRM sync"}, headers=headers
    )
    check("/webhooks/{id}", "patch", 200, updated.json())
    deleted = await client.delete(f"{base}/{webhook_id}", headers=headers)
    check("/webhooks/{id}", "delete", 200, deleted.json())

    assert document["components"]["schemas"]["Webhook"]["required"] == ["targetUrl", "operations"]
    missing = await client.post(base, json={"targetUrl": "http://127.0.0.1:9/h"}, headers=headers)
    assert missing.status_code == 400, missing.text


async def test_token_query_parameter_is_accepted_as_twenty_front_end_sends_it(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/open-api/core", params={"token": workspace.token})
    assert response.status_code == 200
    assert "/companies" in response.json()["paths"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer crm_" + "x" * 43},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer not-a-key"},
    ],
    ids=["missing", "unknown", "wrong-scheme", "malformed"],
)
async def test_without_a_valid_key_the_base_document_is_answered_with_200(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for path in PATHS:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        document = response.json()
        validate(document)
        kind = path.rsplit("/", 1)[1]
        assert list(document["paths"]) == [f"/open-api/{kind}"]
        assert list(document["components"]) == ["securitySchemes"]
        assert "tags" not in document


async def test_revoked_key_gets_the_base_document(client: httpx.AsyncClient, db: Database) -> None:
    other = await make_workspace(db)
    revoked = await client.post(
        f"/rest/metadata/apiKeys/{other.key_id}/revoke", headers=other.headers
    )
    assert revoked.status_code == 200, revoked.text
    response = await client.get("/rest/open-api/core", params={"token": other.token})
    assert response.status_code == 200
    assert list(response.json()["paths"]) == ["/open-api/core"]


async def test_a_field_added_through_the_metadata_api_is_in_the_next_document(
    client: httpx.AsyncClient, db: Database
) -> None:
    own = await make_workspace(db)
    before = (await client.get("/rest/open-api/core", headers=own.headers)).json()
    assert "shoeSize" not in before["components"]["schemas"]["Person"]["properties"]
    objects = (await client.get("/rest/metadata/objects", headers=own.headers)).json()
    person = next(o for o in objects["data"]["objects"] if o["nameSingular"] == "person")
    created = await client.post(
        "/rest/metadata/fields",
        headers=own.headers,
        json={
            "objectMetadataId": person["id"],
            "name": "shoeSize",
            "label": "Shoe size",
            "type": "NUMBER",
        },
    )
    assert created.status_code == 201, created.text
    after = (await client.get("/rest/open-api/core", headers=own.headers)).json()
    schemas = after["components"]["schemas"]
    assert schemas["Person"]["properties"]["shoeSize"] == {"type": ["number", "null"]}
    assert schemas["PersonForResponse"]["properties"]["shoeSize"] == {"type": ["number", "null"]}
