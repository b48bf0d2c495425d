"""Managing webhooks as Twenty does: /rest/metadata/webhooks, the deprecated /rest/webhooks, and
the /metadata operations; who may; what inputs are refused; which targets are refused."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db.database import Database
from app.main import create_app
from app.metadata import roles
from tests.integration.auth.helpers import bearer, error_of, gql, key_with_role
from tests.integration.webhooks.conftest import WEBHOOKS, subscribe
from tests.support import WorkspaceFixture, make_workspace

TARGET = "https://hooks.example.test/crm"
WEBHOOK_FIELDS = (
    "id targetUrl operations description secret applicationId createdAt updatedAt deletedAt"
)


@pytest.fixture(autouse=True)
async def _retire_webhooks(db: Database) -> AsyncIterator[None]:
    """The webhooks made here point at hosts no test may reach: none outlives its test, so no
    worker of a later suite ever tries them."""
    yield
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE core.webhook SET deleted_at = now() WHERE deleted_at IS NULL "
            "AND target_url NOT LIKE 'http://127.0.0.1:%'"
        )


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["statusCode"] == status
    return body


async def test_rest_lifecycle_with_twentys_shapes(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    headers = fresh_workspace.headers
    created = await subscribe(
        client,
        fresh_workspace,
        "  https://Hooks.Example.TEST  ",
        ["person.created", "*.updated", "person.created"],
        description="  my   receiver ",
    )
    assert created["targetUrl"] == "https://hooks.example.test/"  # new URL(x).toString()
    assert created["operations"] == ["person.created", "*.updated"]
    assert created["description"] == "my receiver"
    assert re.fullmatch(r"[0-9a-f]{64}", created["secret"])
    assert set(created) == set(WEBHOOK_FIELDS.split())
    assert created["deletedAt"] is None

    listed = await client.get(WEBHOOKS, headers=headers)
    assert listed.status_code == 200
    assert listed.json() == [created]  # a bare array, as Twenty answers

    one = await client.get(f"{WEBHOOKS}/{created['id']}", headers=headers)
    assert one.json() == created

    patched = await client.patch(
        f"{WEBHOOKS}/{created['id']}",
        json={"targetUrl": TARGET, "operations": ["*.*"], "description": None, "secret": "s3"},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["targetUrl"] == TARGET
    assert patched.json()["operations"] == ["*.*"]
    assert patched.json()["description"] is None
    assert patched.json()["secret"] == "s3"

    deleted = await client.delete(f"{WEBHOOKS}/{created['id']}", headers=headers)
    assert deleted.status_code == 200
    assert deleted.json() is True
    _error(
        await client.get(f"{WEBHOOKS}/{created['id']}", headers=headers), 404, "WEBHOOK_NOT_FOUND"
    )
    assert (await client.get(WEBHOOKS, headers=headers)).json() == []


async def test_legacy_path_answers_the_same_with_deprecation_headers(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/webhooks",
        json={"targetUrl": TARGET, "operations": ["*.*"]},
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    assert response.headers["Deprecation"] == "@1786320000"
    assert response.headers["Link"] == f'<{WEBHOOKS}>; rel="successor-version"'
    listed = await client.get("/rest/webhooks", headers=fresh_workspace.headers)
    assert listed.json() == [response.json()]
    assert (
        "Deprecation" not in (await client.get(WEBHOOKS, headers=fresh_workspace.headers)).headers
    )


@pytest.mark.parametrize(
    ("body", "code", "needle", "hint"),
    [
        ({"operations": ["peron.created"]}, "INVALID_WEBHOOK_INPUT", "no object 'peron'", "person"),
        ({"operations": ["person.create"]}, "INVALID_WEBHOOK_INPUT", "action", "created"),
        ({"operations": ["person"]}, "INVALID_WEBHOOK_INPUT", "'<object>.<action>'", None),
        ({"operations": []}, "INVALID_WEBHOOK_INPUT", "non-empty", None),
        ({"operations": None}, "INVALID_WEBHOOK_INPUT", "'operations' is required", None),
        ({"targetUrl": "ftp://files.example.test/x"}, "INVALID_TARGET_URL", "only http", None),
        ({"targetUrl": "not a url"}, "INVALID_TARGET_URL", "Invalid target URL", None),
        ({"targetUrl": None}, "INVALID_WEBHOOK_INPUT", "'targetUrl' is required", None),
        ({"targetURL": TARGET}, "INVALID_WEBHOOK_INPUT", "Unknown webhook property", "targetUrl"),
        ({"description": 5}, "INVALID_WEBHOOK_INPUT", "'description' must be a string", None),
    ],
)
async def test_create_refuses_bad_input_naming_it(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    body: dict[str, Any],
    code: str,
    needle: str,
    hint: str | None,
) -> None:
    full = {"targetUrl": TARGET, "operations": ["*.*"], **body}
    if "targetURL" in body:
        del full["targetUrl"]
    error = _error(await client.post(WEBHOOKS, json=full, headers=workspace.headers), 400, code)
    assert needle in error["messages"][0]
    assert error.get("hint") == (f"Did you mean '{hint}'?" if hint else error.get("hint"))


async def test_a_taken_id_is_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    webhook_id = str(uuid.uuid4())
    first = await subscribe(client, workspace, TARGET, id=webhook_id)
    assert first["id"] == webhook_id
    again = await client.post(
        WEBHOOKS,
        json={"id": webhook_id, "targetUrl": TARGET, "operations": ["*.*"]},
        headers=workspace.headers,
    )
    _error(again, 400, "WEBHOOK_ALREADY_EXISTS")


async def test_only_a_role_that_may_manage_settings_may_use_them(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await subscribe(client, fresh_workspace, TARGET)
    member = bearer(await key_with_role(db, fresh_workspace, roles.MEMBER))
    for method, path, body in [
        ("GET", WEBHOOKS, None),
        ("POST", WEBHOOKS, {"targetUrl": TARGET, "operations": ["*.*"]}),
        ("GET", f"{WEBHOOKS}/{created['id']}", None),
        ("PATCH", f"{WEBHOOKS}/{created['id']}", {"operations": ["foo"]}),
        ("DELETE", f"/rest/webhooks/{created['id']}", None),
        ("GET", f"{WEBHOOKS}/{created['id']}/deliveries", None),
    ]:
        response = await client.request(method, path, json=body, headers=member)
        error = _error(response, 400, "PERMISSION_DENIED")
        assert error["messages"] == ["User does not have permission"]
    answer = await gql(client, member, "{ webhooks { id } }")
    assert error_of(answer)["extensions"]["code"] == "FORBIDDEN"
    assert len((await client.get(WEBHOOKS, headers=fresh_workspace.headers)).json()) == 1


async def test_a_workspace_never_sees_anothers_webhooks(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await subscribe(client, fresh_workspace, TARGET)
    other = await make_workspace(db)
    path = f"{WEBHOOKS}/{created['id']}"
    assert (await client.get(WEBHOOKS, headers=other.headers)).json() == []
    _error(await client.get(path, headers=other.headers), 404, "WEBHOOK_NOT_FOUND")
    _error(
        await client.patch(path, json={"secret": "x"}, headers=other.headers),
        404,
        "WEBHOOK_NOT_FOUND",
    )
    _error(await client.delete(path, headers=other.headers), 404, "WEBHOOK_NOT_FOUND")
    answer = await gql(client, other.headers, f'{{ webhook(id: "{created["id"]}") {{ id }} }}')
    assert answer == {"data": {"webhook": None}}


async def test_graphql_operations_by_twentys_names(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    headers = fresh_workspace.headers
    made = await gql(
        client,
        headers,
        "mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { "
        f"{WEBHOOK_FIELDS} }} }}",
        {"input": {"targetUrl": TARGET, "operations": ["company.*"], "description": "zap"}},
    )
    webhook = made["data"]["createWebhook"]
    assert webhook["operations"] == ["company.*"]
    assert re.fullmatch(r"[0-9a-f]{64}", webhook["secret"])
    assert webhook["applicationId"]

    listed = await gql(client, headers, f"{{ webhooks {{ {WEBHOOK_FIELDS} }} }}")
    assert listed["data"]["webhooks"] == [webhook]
    one = await gql(client, headers, f'{{ webhook(id: "{webhook["id"]}") {{ id targetUrl }} }}')
    assert one["data"]["webhook"] == {"id": webhook["id"], "targetUrl": TARGET}
    missing = await gql(client, headers, f'{{ webhook(id: "{uuid.uuid4()}") {{ id }} }}')
    assert missing == {"data": {"webhook": None}}

    updated = await gql(
        client,
        headers,
        "mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { "
        "operations description targetUrl } }",
        {"input": {"id": webhook["id"], "update": {"operations": ["*.created"]}}},
    )
    assert updated["data"]["updateWebhook"] == {
        "operations": ["*.created"],
        "description": "zap",
        "targetUrl": TARGET,
    }
    refused = await gql(
        client,
        headers,
        "mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { id } }",
        {"input": {"id": webhook["id"], "update": {"operations": ["*.sent"]}}},
    )
    assert error_of(refused)["extensions"]["code"] == "BAD_USER_INPUT"
    assert "action must be one of" in error_of(refused)["message"]

    deleted = await gql(
        client, headers, f'mutation {{ deleteWebhook(id: "{webhook["id"]}") {{ id deletedAt }} }}'
    )
    assert deleted["data"]["deleteWebhook"]["id"] == webhook["id"]
    assert deleted["data"]["deleteWebhook"]["deletedAt"] is not None
    assert (await gql(client, headers, "{ webhooks { id } }"))["data"]["webhooks"] == []
    gone = await gql(
        client, headers, f'mutation {{ deleteWebhook(id: "{webhook["id"]}") {{ id }} }}'
    )
    assert error_of(gone)["extensions"]["code"] == "NOT_FOUND"


# ---- targets: refused unless the operator allows internal hosts (Note [webhook targets]) ----


@pytest.fixture(scope="module")
async def guarded_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A server with the default WEBHOOK_ALLOW_PRIVATE_TARGETS=false."""
    guarded = create_app(settings.model_copy(update={"webhook_allow_private_targets": False}))
    async with guarded.router.lifespan_context(guarded):
        transport = httpx.ASGITransport(app=guarded)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8080/hooks", "127.0.0.1, a loopback"),
        ("http://localhost/hooks", "a loopback"),
        ("http://10.1.2.3/hooks", "10.1.2.3, a private"),
        ("http://192.168.0.7/hooks", "a private"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local (metadata)"),
        ("http://[::1]:9000/", "::1, a loopback"),
        ("http://[::ffff:127.0.0.1]/", "a loopback"),
        ("http://0.0.0.0/", "0.0.0.0"),
    ],
)
async def test_internal_targets_are_refused_with_a_clear_400(
    guarded_client: httpx.AsyncClient, workspace: WorkspaceFixture, url: str, address: str
) -> None:
    response = await guarded_client.post(
        WEBHOOKS, json={"targetUrl": url, "operations": ["*.*"]}, headers=workspace.headers
    )
    error = _error(response, 400, "INVALID_TARGET_URL")
    assert address in error["messages"][0]
    assert "WEBHOOK_ALLOW_PRIVATE_TARGETS=true" in error["hint"]


async def test_a_public_target_is_accepted_and_an_internal_one_refused_on_update(
    guarded_client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    workspace = fresh_workspace
    created = await guarded_client.post(
        WEBHOOKS,
        json={"targetUrl": "https://93.184.215.14/hooks", "operations": ["*.*"]},
        headers=workspace.headers,
    )
    assert created.status_code == 201, created.text
    moved = await guarded_client.patch(
        f"{WEBHOOKS}/{created.json()['id']}",
        json={"targetUrl": "http://127.0.0.1/"},
        headers=workspace.headers,
    )
    _error(moved, 400, "INVALID_TARGET_URL")
