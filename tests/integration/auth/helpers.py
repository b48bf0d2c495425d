"""Helpers for the API-key and role suites: call the management APIs, add keys and roles straight
in the database, read what the database holds."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.auth import api_keys
from app.db.database import Database
from app.metadata import roles
from tests.support import TEST_SECRET, WorkspaceFixture

KEYS = "/rest/metadata/apiKeys"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def status_with(client: httpx.AsyncClient, token: str) -> int:
    """The status of a cheap core read made with `token`."""
    response = await client.get("/rest/people?limit=1", headers=bearer(token))
    return response.status_code


async def create_key(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, **body: Any
) -> dict[str, Any]:
    """POST /rest/metadata/apiKeys with the Admin role unless `roleId` is given; the created key
    (with its `token`)."""
    if "roleId" not in body:
        body["roleId"] = str(await role_id(client, workspace, roles.ADMIN))
    body.setdefault("name", "made-by-test")
    response = await client.post(KEYS, json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]["createApiKey"]
    return created


async def role_id(client: httpx.AsyncClient, workspace: WorkspaceFixture, label: str) -> uuid.UUID:
    """The id of the workspace's role `label`, as GET /rest/metadata/roles lists it."""
    response = await client.get("/rest/metadata/roles", headers=workspace.headers)
    assert response.status_code == 200, response.text
    found = next(r for r in response.json()["data"]["roles"] if r["label"] == label)
    return uuid.UUID(found["id"])


async def key_with_role(db: Database, workspace: WorkspaceFixture, label: str) -> str:
    """A token of a new key of `workspace` acting with the role `label` (made in the database)."""
    async with db.transaction() as conn:
        role = await roles.role_by_label(conn, workspace.id, label)
        assert role is not None
        _, token = await api_keys.create_api_key(
            conn, secret=TEST_SECRET, workspace_id=workspace.id, name=label, role_id=role.id
        )
    return token


async def add_role(
    db: Database, workspace: WorkspaceFixture, label: str, **flags: bool
) -> uuid.UUID:
    """A role made straight in the database (flags by column name)."""
    columns = ["id", "workspace_id", "label", *flags]
    new_id = uuid.uuid4()
    async with db.connection() as conn:
        await conn.execute(
            f"INSERT INTO core.role ({', '.join(columns)}) "
            f"VALUES ({', '.join(f'${i}' for i in range(1, len(columns) + 1))})",
            new_id,
            workspace.id,
            label,
            *flags.values(),
        )
    return new_id


async def metadata_version(db: Database, workspace: WorkspaceFixture) -> int:
    async with db.connection() as conn:
        version: int = await conn.fetchval(
            "SELECT metadata_version FROM core.workspace WHERE id = $1", workspace.id
        )
    return version


async def gql(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """POST /metadata; the whole JSON body of a 200 answer."""
    response = await client.post(
        "/metadata", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    """The single GraphQL error of an answer."""
    assert body.get("errors"), body
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error
