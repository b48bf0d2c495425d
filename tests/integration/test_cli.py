"""The `crm` command against the test database: workspaces and the API-key lifecycle."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import httpx

from tests.support import TEST_SECRET, WorkspaceFixture

CRM = Path(sys.executable).with_name("crm")


async def crm(database_url: str, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "APP_SECRET": TEST_SECRET}
    process = await asyncio.create_subprocess_exec(
        str(CRM), *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_apikey_create_json_prints_a_working_token_once(
    client: httpx.AsyncClient, database_url: str, workspace: WorkspaceFixture
) -> None:
    code, out, _ = await crm(
        database_url, "apikey", "create", "--workspace", workspace.name, "--name", "ci", "--json"
    )
    assert code == 0
    created = json.loads(out)
    assert set(created) >= {"id", "token"}
    assert created["token"].startswith("crm_")
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert (await client.get("/rest/people?limit=1", headers=headers)).status_code == 200

    code, listing, _ = await crm(database_url, "apikey", "list", "--json")
    assert code == 0
    assert created["token"] not in listing
    assert created["id"] in [k["id"] for k in json.loads(listing)]

    code, out, _ = await crm(database_url, "apikey", "revoke", created["id"])
    assert code == 0
    revoked = await client.get("/rest/people?limit=1", headers=headers)
    assert revoked.status_code == 401
    assert revoked.json()["messages"] == ["This API Key is revoked"]


async def test_keys_are_stored_only_as_hashes(
    database_url: str, workspace: WorkspaceFixture
) -> None:
    _, out, _ = await crm(
        database_url, "apikey", "create", "--workspace", workspace.name, "--name", "h", "--json"
    )
    token = json.loads(out)["token"]
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        dump = await conn.fetchval("SELECT string_agg(t::text, ' ') FROM core.api_key t")
    finally:
        await conn.close()
    assert token not in dump
    assert token[4:] not in dump


async def test_apikey_create_with_unknown_workspace_fails_cleanly(database_url: str) -> None:
    code, _, err = await crm(database_url, "apikey", "create", "--workspace", "nope", "--name", "x")
    assert code == 1
    assert "workspace 'nope' not found" in err


async def test_expiry_in_the_past_is_refused(
    database_url: str, workspace: WorkspaceFixture
) -> None:
    code, _, err = await crm(
        database_url,
        "apikey",
        "create",
        "--workspace",
        workspace.name,
        "--name",
        "old",
        "--expires-at",
        "2001-01-01",
    )
    assert code == 1
    assert "expiresAt must be in the future" in err


async def test_workspace_create_builds_the_standard_model(database_url: str) -> None:
    code, out, _ = await crm(database_url, "workspace", "create", "cli-made")
    assert code == 0, out
    assert "created workspace 'cli-made'" in out
    code, out, _ = await crm(database_url, "workspace", "list")
    assert "cli-made" in out
    code, _, err = await crm(database_url, "workspace", "create", "cli-made")
    assert code == 1
    assert "already exists" in err


async def test_bad_setting_is_named_at_start() -> None:
    env = {**os.environ, "PORT": "not-a-port"}
    process = await asyncio.create_subprocess_exec(
        str(CRM),
        "workspace",
        "list",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "PORT" in err.decode()


async def test_apikey_rotate_prints_a_new_token_and_honours_the_overlap(
    client: httpx.AsyncClient, database_url: str, workspace: WorkspaceFixture
) -> None:
    code, out, _ = await crm(
        database_url, "apikey", "create", "--workspace", workspace.name, "--name", "r", "--json"
    )
    created = json.loads(out)
    old = {"Authorization": f"Bearer {created['token']}"}

    code, out, err = await crm(
        database_url, "apikey", "rotate", created["id"], "--overlap-seconds", "600", "--json"
    )
    assert code == 0, err
    rotated = json.loads(out)
    assert rotated["id"] == created["id"]
    assert rotated["token"] != created["token"]
    assert rotated["previousTokenValidUntil"] is not None
    new = {"Authorization": f"Bearer {rotated['token']}"}
    assert (await client.get("/rest/people?limit=1", headers=old)).status_code == 200
    assert (await client.get("/rest/people?limit=1", headers=new)).status_code == 200

    code, out, _ = await crm(database_url, "apikey", "rotate", created["id"])
    assert code == 0
    assert "the old token no longer works" in out
    newest = {"Authorization": f"Bearer {out.strip().splitlines()[-1]}"}
    assert (await client.get("/rest/people?limit=1", headers=newest)).status_code == 200
    for gone in (old, new):  # the overlap window belonged to the token replaced last
        assert (await client.get("/rest/people?limit=1", headers=gone)).status_code == 401

    code, _, err = await crm(database_url, "apikey", "rotate", "not-a-uuid")
    assert code == 2


async def test_apikey_create_refuses_a_role_keys_may_not_hold(
    database_url: str, workspace: WorkspaceFixture
) -> None:
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO core.role (id, workspace_id, label, can_be_assigned_to_api_keys) "
            "VALUES (gen_random_uuid(), $1, 'Humans', false)",
            workspace.id,
        )
    finally:
        await conn.close()
    code, _, err = await crm(
        database_url,
        "apikey",
        "create",
        "--workspace",
        workspace.name,
        "--name",
        "h",
        "--role",
        "Humans",
    )
    assert code == 1
    assert "cannot be assigned to API keys" in err


async def test_role_list_shows_the_seeded_roles(
    database_url: str, fresh_workspace: WorkspaceFixture
) -> None:
    code, out, err = await crm(
        database_url, "role", "list", "--workspace", fresh_workspace.name, "--json"
    )
    assert code == 0, err
    listed = {r["label"]: r for r in json.loads(out)}
    assert set(listed) == {"Admin", "Member"}
    assert listed["Admin"]["apiKeys"] == 1
    assert listed["Admin"]["isEditable"] is False
    assert listed["Member"]["canUpdateAllSettings"] is False
    code, out, _ = await crm(database_url, "role", "list", "--workspace", fresh_workspace.name)
    assert code == 0
    assert "Admin" in out
    assert "Member" in out
