"""The API-key lifecycle over `/rest/metadata/apiKeys`: a token shown once and stored only as a
hash, rename, revoke, regenerate (with and without an overlap), delete, expiry, roles, and the
deprecated `/rest/apiKeys` paths (spec §3.1, §6.1)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from app.db.database import Database
from app.metadata import roles
from tests.integration.auth.helpers import (
    KEYS,
    add_role,
    bearer,
    create_key,
    role_id,
    status_with,
)
from tests.integration.rest.helpers import assert_error
from tests.support import WorkspaceFixture, make_workspace

SECRET_KEYS = {"token", "tokenHash", "token_hash", "previousTokenHash"}


async def test_token_is_returned_once_and_stored_only_as_a_hash(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace, name="zapier")
    token = created["token"]
    assert token.startswith("crm_")
    assert created["tokenHint"] == f"crm_…{token[-4:]}"
    assert created["status"] == "active"
    assert await status_with(client, token) == 200

    listed = await client.get(KEYS, headers=fresh_workspace.headers)
    one = await client.get(f"{KEYS}/{created['id']}", headers=fresh_workspace.headers)
    for response in (listed, one):
        assert response.status_code == 200
        assert token not in response.text
        assert token[4:] not in response.text
    assert not SECRET_KEYS & set(one.json()["data"]["apiKey"])
    keys = listed.json()["data"]["apiKeys"]
    assert all(not SECRET_KEYS & set(k) for k in keys)
    assert created["id"] in [k["id"] for k in keys]

    async with db.connection() as conn:
        dump = await conn.fetchval("SELECT string_agg(t::text, ' ') FROM core.api_key t")
    assert token not in dump
    assert token[4:] not in dump


async def test_list_has_the_metadata_envelope_and_pages_by_id(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await create_key(client, fresh_workspace, name="second")
    response = await client.get(f"{KEYS}?limit=1", headers=fresh_workspace.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["totalCount"] == 2
    assert len(body["data"]["apiKeys"]) == 1
    assert body["pageInfo"]["hasNextPage"] is True
    after = body["pageInfo"]["endCursor"]
    rest = await client.get(f"{KEYS}?starting_after={after}", headers=fresh_workspace.headers)
    assert [k["id"] for k in rest.json()["data"]["apiKeys"]] != [after]
    assert rest.json()["pageInfo"]["hasNextPage"] is False


async def test_last_used_at_is_set_by_a_request(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    assert created["lastUsedAt"] is None
    assert await status_with(client, created["token"]) == 200
    one = await client.get(f"{KEYS}/{created['id']}", headers=fresh_workspace.headers)
    assert one.json()["data"]["apiKey"]["lastUsedAt"] is not None


async def test_rename_and_change_expiry_with_patch_or_put(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace, name="old name")
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    response = await client.patch(
        f"{KEYS}/{created['id']}",
        json={"name": "  new name ", "expiresAt": later},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()["data"]["updateApiKey"]
    assert updated["name"] == "new name"
    assert updated["expiresAt"] is not None
    assert "token" not in updated

    response = await client.put(
        f"{KEYS}/{created['id']}", json={"expiresAt": None}, headers=fresh_workspace.headers
    )
    assert response.json()["data"]["updateApiKey"]["expiresAt"] is None
    assert response.json()["data"]["updateApiKey"]["name"] == "new name"
    assert await status_with(client, created["token"]) == 200


async def test_bad_update_bodies_are_refused(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    path = f"{KEYS}/{created['id']}"
    for body, words in [
        ({"name": ""}, "name should not be empty"),
        ({"token": "crm_x"}, "property token should not exist"),
        ({"expiresAt": "soon"}, "expiresAt must be a valid ISO 8601 date string"),
        ({"expiresAt": "2001-01-01"}, "expiresAt must be in the future"),
    ]:
        response = await client.patch(path, json=body, headers=fresh_workspace.headers)
        assert_error(response, 400, contains=words)


async def test_revoke_stops_the_key_at_once_and_is_idempotent(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    assert await status_with(client, created["token"]) == 200
    first = await client.post(f"{KEYS}/{created['id']}/revoke", headers=fresh_workspace.headers)
    assert first.status_code == 200, first.text
    revoked = first.json()["data"]["revokeApiKey"]
    assert revoked["revokedAt"] is not None
    assert revoked["status"] == "revoked"
    response = await client.get("/rest/people", headers=bearer(created["token"]))
    assert_error(response, 401, message="This API Key is revoked")

    again = await client.post(f"{KEYS}/{created['id']}/revoke", headers=fresh_workspace.headers)
    assert again.json()["data"]["revokeApiKey"]["revokedAt"] == revoked["revokedAt"]
    undo = await client.patch(
        f"{KEYS}/{created['id']}", json={"revokedAt": None}, headers=fresh_workspace.headers
    )
    assert_error(undo, 400, contains="cannot be restored")


async def test_patch_with_revoked_at_revokes(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    response = await client.patch(
        f"{KEYS}/{created['id']}",
        json={"revokedAt": datetime.now(UTC).isoformat()},
        headers=fresh_workspace.headers,
    )
    assert response.json()["data"]["updateApiKey"]["revokedAt"] is not None
    assert await status_with(client, created["token"]) == 401


async def test_regenerate_ends_the_old_token_at_once(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    response = await client.post(
        f"{KEYS}/{created['id']}/regenerate", headers=fresh_workspace.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    regenerated = response.json()["data"]["regenerateApiKey"]
    assert regenerated["id"] == created["id"]
    assert regenerated["token"] != created["token"]
    assert regenerated["tokenHint"] == f"crm_…{regenerated['token'][-4:]}"
    assert regenerated["previousTokenValidUntil"] is None
    assert await status_with(client, created["token"]) == 401
    assert await status_with(client, regenerated["token"]) == 200


async def test_regenerate_with_an_overlap_keeps_the_old_token_until_it_ends(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    response = await client.post(
        f"{KEYS}/{created['id']}/regenerate",
        json={"overlapSeconds": 1},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 200, response.text
    regenerated = response.json()["data"]["regenerateApiKey"]
    assert regenerated["previousTokenValidUntil"] is not None
    assert await status_with(client, created["token"]) == 200  # inside the overlap
    assert await status_with(client, regenerated["token"]) == 200

    deadline = time.monotonic() + 10
    while await status_with(client, created["token"]) == 200:
        assert time.monotonic() < deadline, "the old token outlived its overlap"
        await asyncio.sleep(0.2)
    assert await status_with(client, created["token"]) == 401
    assert await status_with(client, regenerated["token"]) == 200


async def test_overlap_is_bounded(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    for overlap in (-1, 7 * 24 * 3600 + 1, "10"):
        response = await client.post(
            f"{KEYS}/{created['id']}/regenerate",
            json={"overlapSeconds": overlap},
            headers=fresh_workspace.headers,
        )
        assert_error(response, 400, contains="overlapSeconds")
    assert await status_with(client, created["token"]) == 200


async def test_a_revoked_key_cannot_be_regenerated(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    await client.post(f"{KEYS}/{created['id']}/revoke", headers=fresh_workspace.headers)
    response = await client.post(
        f"{KEYS}/{created['id']}/regenerate", headers=fresh_workspace.headers
    )
    assert_error(response, 400, contains="revoked")


async def test_delete_removes_the_key(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    response = await client.delete(f"{KEYS}/{created['id']}", headers=fresh_workspace.headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["deleteApiKey"]["id"] == created["id"]
    assert await status_with(client, created["token"]) == 401
    gone = await client.get(f"{KEYS}/{created['id']}", headers=fresh_workspace.headers)
    assert_error(gone, 404, code="NOT_FOUND")
    again = await client.delete(f"{KEYS}/{created['id']}", headers=fresh_workspace.headers)
    assert_error(again, 404)


async def test_expired_key_returns_401(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_key(client, fresh_workspace)
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE core.api_key SET expires_at = now() - interval '1 second' WHERE id = $1",
            uuid.UUID(created["id"]),
        )
    response = await client.get("/rest/people", headers=bearer(created["token"]))
    assert_error(response, 401, message="Token has expired.")
    listed = await client.get(f"{KEYS}/{created['id']}", headers=fresh_workspace.headers)
    assert listed.json()["data"]["apiKey"]["status"] == "expired"


async def test_a_key_needs_a_role_that_api_keys_may_hold(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(KEYS, json={"name": "x"}, headers=fresh_workspace.headers)
    assert_error(response, 400, contains="roleId should not be empty")

    closed = await add_role(db, fresh_workspace, "Humans only", can_be_assigned_to_api_keys=False)
    response = await client.post(
        KEYS, json={"name": "x", "roleId": str(closed)}, headers=fresh_workspace.headers
    )
    assert_error(response, 400, code="ROLE_CANNOT_BE_ASSIGNED_TO_API_KEYS")

    response = await client.post(
        KEYS, json={"name": "x", "roleId": str(uuid.uuid4())}, headers=fresh_workspace.headers
    )
    assert_error(response, 404, message="Role not found")


async def test_a_key_created_with_the_member_role_acts_with_it(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    member = await role_id(client, fresh_workspace, roles.MEMBER)
    created = await create_key(client, fresh_workspace, roleId=str(member))
    assert created["roleId"] == str(member)
    assert created["role"] == {"id": str(member), "label": roles.MEMBER}


async def test_another_workspaces_key_is_not_found(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    other = await make_workspace(db)
    path = f"{KEYS}/{other.key_id}"
    headers = fresh_workspace.headers
    for response in [
        await client.get(path, headers=headers),
        await client.patch(path, json={"name": "mine now"}, headers=headers),
        await client.post(f"{path}/revoke", headers=headers),
        await client.post(f"{path}/regenerate", headers=headers),
        await client.delete(path, headers=headers),
    ]:
        assert_error(response, 404, message="API key not found")
    assert await status_with(client, other.token) == 200
    listed = await client.get(KEYS, headers=headers)
    assert str(other.key_id) not in listed.text

    other_admin = await role_id(client, other, roles.ADMIN)
    response = await client.post(
        KEYS, json={"name": "x", "roleId": str(other_admin)}, headers=headers
    )
    assert_error(response, 404, message="Role not found")


async def test_malformed_id_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get(f"{KEYS}/not-a-uuid", headers=workspace.headers)
    assert_error(response, 400, code="INVALID_PATH")


async def test_deprecated_paths_answer_with_the_successor_headers(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    listed = await client.get("/rest/apiKeys", headers=fresh_workspace.headers)
    assert listed.status_code == 200, listed.text
    assert listed.headers["deprecation"] == "@1786320000"
    assert listed.headers["link"] == '</rest/metadata/apiKeys>; rel="successor-version"'
    assert listed.json()["data"]["apiKeys"][0]["id"] == str(fresh_workspace.key_id)

    admin = await role_id(client, fresh_workspace, roles.ADMIN)
    created = await client.post(
        "/rest/apiKeys",
        json={"name": "legacy", "roleId": str(admin)},
        headers=fresh_workspace.headers,
    )
    assert created.status_code == 201
    assert created.headers["deprecation"] == "@1786320000"
    key = created.json()["data"]["createApiKey"]
    revoked = await client.post(
        f"/rest/apiKeys/{key['id']}/revoke", headers=fresh_workspace.headers
    )
    assert revoked.headers["link"].startswith("</rest/metadata/apiKeys>")
    assert await status_with(client, key["token"]) == 401

    current = await client.get(KEYS, headers=fresh_workspace.headers)
    assert "deprecation" not in current.headers
