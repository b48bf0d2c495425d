"""Only a key whose role may update settings manages keys and roles: any other gets Twenty's
"User does not have permission" (REST 400, GraphQL FORBIDDEN) and changes nothing."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.db.database import Database
from app.metadata import roles
from tests.integration.auth.helpers import (
    KEYS,
    add_role,
    bearer,
    error_of,
    gql,
    key_with_role,
    metadata_version,
    role_id,
)
from tests.integration.rest.helpers import assert_error
from tests.support import WorkspaceFixture

DENIED = "User does not have permission"


@pytest.fixture
async def member_token(db: Database, fresh_workspace: WorkspaceFixture) -> str:
    return await key_with_role(db, fresh_workspace, roles.MEMBER)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", KEYS, None),
        ("GET", "/rest/apiKeys", None),
        ("POST", KEYS, {"name": "sneaky", "roleId": str(uuid.uuid4())}),
        ("GET", "{key}", None),
        ("PATCH", "{key}", {"name": "renamed"}),
        ("POST", "{key}/revoke", None),
        ("POST", "{key}/regenerate", None),
        ("DELETE", "{key}", None),
        ("GET", "/rest/metadata/roles", None),
    ],
)
async def test_a_member_key_may_not_manage_keys_over_rest(
    client: httpx.AsyncClient,
    fresh_workspace: WorkspaceFixture,
    member_token: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
) -> None:
    path = path.replace("{key}", f"{KEYS}/{fresh_workspace.key_id}")
    response = await client.request(method, path, json=body, headers=bearer(member_token))
    assert_error(response, 400, code="PERMISSION_DENIED", message=DENIED)
    assert response.json()["error"] == "BadRequestException"
    admin_still_works = await client.get("/rest/people?limit=1", headers=fresh_workspace.headers)
    assert admin_still_works.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "{ apiKeys { id } }",
        "{ getRoles { id } }",
        "{ getApiKeyRoles { id } }",
        'mutation { createOneRole(createRoleInput: {label: "Mine"}) { id } }',
        'mutation { deleteOneRole(roleId: "{member}") }',
        'mutation { generateApiKeyToken(apiKeyId: "{key}", expiresAt: "2100-01-01") { token } }',
        'mutation { revokeApiKey(input: {id: "{key}"}) { id } }',
        'mutation { assignRoleToApiKey(apiKeyId: "{key}", roleId: "{member}") }',
        'mutation { upsertObjectPermissions(upsertObjectPermissionsInput: {roleId: "{member}", '
        "objectPermissions: []}) { objectMetadataId } }",
    ],
)
async def test_a_member_key_is_forbidden_on_graphql(
    client: httpx.AsyncClient,
    db: Database,
    fresh_workspace: WorkspaceFixture,
    member_token: str,
    query: str,
) -> None:
    member = await role_id(client, fresh_workspace, roles.MEMBER)
    before = await metadata_version(db, fresh_workspace)
    query = query.replace("{key}", str(fresh_workspace.key_id)).replace("{member}", str(member))
    body = await gql(client, bearer(member_token), query)
    error = error_of(body)
    assert error["message"] == DENIED
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await metadata_version(db, fresh_workspace) == before
    assert (await client.get(KEYS, headers=fresh_workspace.headers)).status_code == 200


async def test_a_member_key_may_still_read_records(
    client: httpx.AsyncClient, member_token: str
) -> None:
    response = await client.get("/rest/people?limit=1", headers=bearer(member_token))
    assert response.status_code == 200


async def test_a_custom_role_with_settings_access_may_manage_keys(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    await add_role(
        db,
        fresh_workspace,
        "Key keeper",
        can_update_all_settings=True,
        can_read_all_object_records=True,
    )
    token = await key_with_role(db, fresh_workspace, "Key keeper")
    response = await client.get(KEYS, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["totalCount"] == 2


async def test_losing_settings_access_takes_effect_on_the_next_request(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    await add_role(db, fresh_workspace, "Fickle", can_update_all_settings=True)
    token = await key_with_role(db, fresh_workspace, "Fickle")
    assert (await client.get(KEYS, headers=bearer(token))).status_code == 200
    fickle = await role_id(client, fresh_workspace, "Fickle")
    update = {"id": str(fickle), "update": {"canUpdateAllSettings": False}}
    body = await gql(
        client,
        fresh_workspace.headers,
        "mutation ($input: UpdateRoleInput!) { updateOneRole(updateRoleInput: $input) { id } }",
        {"input": update},
    )
    assert "errors" not in body, body
    assert_error(await client.get(KEYS, headers=bearer(token)), 400, message=DENIED)
