"""API keys on POST /metadata with Twenty's operations: create a key, then generate its token
(again: rotate), list, read, rename, revoke, re-role."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app.db.database import Database
from app.metadata import roles
from tests.integration.auth.helpers import add_role, error_of, gql, role_id, status_with
from tests.support import WorkspaceFixture, make_workspace

KEY = "id name expiresAt revokedAt createdAt updatedAt lastUsedAt tokenHint role { id label }"
CREATE = f"""
mutation CreateApiKey($input: CreateApiKeyInput!) {{ createApiKey(input: $input) {{ {KEY} }} }}"""
GENERATE = """
mutation GenerateApiKeyToken($apiKeyId: UUID!, $expiresAt: String!) {
  generateApiKeyToken(apiKeyId: $apiKeyId, expiresAt: $expiresAt) { token }
}"""
LIST = f"query ApiKeys {{ apiKeys {{ {KEY} }} }}"
ONE = f"query ApiKey($input: GetApiKeyInput!) {{ apiKey(input: $input) {{ {KEY} }} }}"
UPDATE = f"""
mutation UpdateApiKey($input: UpdateApiKeyInput!) {{ updateApiKey(input: $input) {{ {KEY} }} }}"""
REVOKE = f"""
mutation RevokeApiKey($input: RevokeApiKeyInput!) {{ revokeApiKey(input: $input) {{ {KEY} }} }}"""
ASSIGN = """
mutation AssignRoleToApiKey($apiKeyId: UUID!, $roleId: UUID!) {
  assignRoleToApiKey(apiKeyId: $apiKeyId, roleId: $roleId)
}"""


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat().replace("+00:00", "Z")


async def create(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, **extra: Any
) -> dict[str, Any]:
    admin = await role_id(client, workspace, roles.ADMIN)
    given = {"name": "from graphql", "expiresAt": in_days(90), "roleId": str(admin), **extra}
    body = await gql(client, workspace.headers, CREATE, {"input": given})
    assert "errors" not in body, body
    created: dict[str, Any] = body["data"]["createApiKey"]
    return created


async def generate(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, key_id: str, expires_at: str
) -> str:
    body = await gql(
        client, workspace.headers, GENERATE, {"apiKeyId": key_id, "expiresAt": expires_at}
    )
    assert "errors" not in body, body
    token: str = body["data"]["generateApiKeyToken"]["token"]
    return token


async def test_create_then_generate_token_as_twentys_clients_do(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create(client, fresh_workspace, name="zapier")
    assert created["name"] == "zapier"
    assert created["role"]["label"] == roles.ADMIN
    assert created["revokedAt"] is None
    assert created["expiresAt"].endswith("Z")

    first = await generate(client, fresh_workspace, created["id"], created["expiresAt"])
    assert await status_with(client, first) == 200
    second = await generate(client, fresh_workspace, created["id"], created["expiresAt"])
    assert second != first
    assert await status_with(client, first) == 401  # generating again rotates, at once
    assert await status_with(client, second) == 200

    listed = await gql(client, fresh_workspace.headers, LIST)
    assert second not in str(listed)
    key = next(k for k in listed["data"]["apiKeys"] if k["id"] == created["id"])
    assert key["tokenHint"] == f"crm_…{second[-4:]}"
    assert key["lastUsedAt"] is not None


async def test_the_api_key_type_has_no_token_field(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    body = await gql(client, workspace.headers, "{ apiKeys { id token } }")
    assert error_of(body)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_generate_token_can_only_bring_expiry_nearer(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create(client, fresh_workspace, expiresAt=in_days(90))
    await generate(client, fresh_workspace, created["id"], in_days(400))
    one = await gql(client, fresh_workspace.headers, ONE, {"input": {"id": created["id"]}})
    assert one["data"]["apiKey"]["expiresAt"] == created["expiresAt"]
    await generate(client, fresh_workspace, created["id"], in_days(10))
    one = await gql(client, fresh_workspace.headers, ONE, {"input": {"id": created["id"]}})
    assert one["data"]["apiKey"]["expiresAt"] < created["expiresAt"]

    body = await gql(
        client,
        fresh_workspace.headers,
        GENERATE,
        {"apiKeyId": created["id"], "expiresAt": "not a date"},
    )
    assert error_of(body)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_update_renames_and_revoke_stops_the_key(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create(client, fresh_workspace)
    token = await generate(client, fresh_workspace, created["id"], created["expiresAt"])
    body = await gql(
        client, fresh_workspace.headers, UPDATE, {"input": {"id": created["id"], "name": "ci"}}
    )
    assert body["data"]["updateApiKey"]["name"] == "ci"
    assert await status_with(client, token) == 200

    body = await gql(client, fresh_workspace.headers, REVOKE, {"input": {"id": created["id"]}})
    assert body["data"]["revokeApiKey"]["revokedAt"] is not None
    assert await status_with(client, token) == 401
    body = await gql(
        client,
        fresh_workspace.headers,
        GENERATE,
        {"apiKeyId": created["id"], "expiresAt": in_days(1)},
    )
    assert error_of(body)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_assign_role_changes_the_keys_role(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create(client, fresh_workspace)
    member = await role_id(client, fresh_workspace, roles.MEMBER)
    body = await gql(
        client, fresh_workspace.headers, ASSIGN, {"apiKeyId": created["id"], "roleId": str(member)}
    )
    assert body["data"]["assignRoleToApiKey"] is True
    one = await gql(client, fresh_workspace.headers, ONE, {"input": {"id": created["id"]}})
    assert one["data"]["apiKey"]["role"]["label"] == roles.MEMBER

    closed = await add_role(db, fresh_workspace, "No keys", can_be_assigned_to_api_keys=False)
    body = await gql(
        client, fresh_workspace.headers, ASSIGN, {"apiKeyId": created["id"], "roleId": str(closed)}
    )
    error = error_of(body)
    assert error["extensions"]["appCode"] == "ROLE_CANNOT_BE_ASSIGNED_TO_API_KEYS"


async def test_create_refuses_a_role_api_keys_may_not_hold(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    closed = await add_role(db, fresh_workspace, "People only", can_be_assigned_to_api_keys=False)
    given = {"name": "x", "expiresAt": in_days(1), "roleId": str(closed)}
    body = await gql(client, fresh_workspace.headers, CREATE, {"input": given})
    assert error_of(body)["message"] == "Role 'People only' cannot be assigned to API keys"
    listed = await gql(client, fresh_workspace.headers, LIST)
    assert [k["name"] for k in listed["data"]["apiKeys"]] == ["test"]


async def test_another_workspaces_key_is_null_or_not_found(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    other = await make_workspace(db)
    headers = fresh_workspace.headers
    one = await gql(client, headers, ONE, {"input": {"id": str(other.key_id)}})
    assert one["data"]["apiKey"] is None
    for query, variables in [
        (UPDATE, {"input": {"id": str(other.key_id), "name": "mine"}}),
        (REVOKE, {"input": {"id": str(other.key_id)}}),
        (GENERATE, {"apiKeyId": str(other.key_id), "expiresAt": in_days(1)}),
        (ASSIGN, {"apiKeyId": str(other.key_id), "roleId": str(uuid.uuid4())}),
    ]:
        body = await gql(client, headers, query, variables)
        assert error_of(body)["extensions"]["code"] == "NOT_FOUND", body
    assert await status_with(client, other.token) == 200
