"""Helpers for the metadata suites: create objects and fields, read them, call /metadata."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from tests.support import WorkspaceFixture


def unique(prefix: str) -> str:
    """A camelCase name no other test uses: `prefix` + 6 lowercase letters."""
    return prefix + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))


async def create_object(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    singular: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    singular = singular or unique("thing")
    body = {
        "nameSingular": singular,
        "namePlural": f"{singular}s",
        "labelSingular": singular.title(),
        "labelPlural": f"{singular.title()}s",
        **extra,
    }
    response = await client.post("/rest/metadata/objects", json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]["createOneObject"]
    return created


async def create_field(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    object_id: str,
    name: str,
    field_type: str,
    **extra: Any,
) -> dict[str, Any]:
    body = {"objectMetadataId": object_id, "name": name, "label": name.title(), "type": field_type}
    response = await client.post(
        "/rest/metadata/fields", json={**body, **extra}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]["createOneField"]
    return created


async def update_field(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, field_id: str, **changes: Any
) -> httpx.Response:
    return await client.patch(
        f"/rest/metadata/fields/{field_id}", json=changes, headers=workspace.headers
    )


async def standard_object(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, singular: str
) -> dict[str, Any]:
    response = await client.get("/rest/metadata/objects", headers=workspace.headers)
    assert response.status_code == 200, response.text
    objects = response.json()["data"]["objects"]
    found: dict[str, Any] = next(o for o in objects if o["nameSingular"] == singular)
    return found


def field_named(obj: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in obj["fields"] if f["name"] == name)
    return found


async def gql(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """POST /metadata; the whole JSON body of a 200 answer."""
    response = await client.post(
        "/metadata", json={"query": query, "variables": variables}, headers=workspace.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def messages(response: httpx.Response) -> list[str]:
    body = response.json()
    listed: list[str] = body["messages"]
    return listed
