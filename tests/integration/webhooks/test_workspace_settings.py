"""The workspace's settings on /metadata: Twenty's currentWorkspace and updateWorkspace, readable
by every key, changed only by a role that may update settings; the default rate limit of the
workspace's keys takes effect on the next request."""

from __future__ import annotations

import httpx

from app.db.database import Database
from app.metadata import roles
from tests.integration.auth.helpers import bearer, error_of, gql, key_with_role
from tests.support import WorkspaceFixture

FIELDS = (
    "id displayName logo createdAt updatedAt deletedAt activationStatus metadataVersion "
    "databaseSchema subdomain rateLimitPerMinute rateLimitPerSecond"
)
UPDATE = f"mutation ($d: UpdateWorkspaceInput!) {{ updateWorkspace(data: $d) {{ {FIELDS} }} }}"


async def test_every_key_reads_the_current_workspace(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    member = bearer(await key_with_role(db, fresh_workspace, roles.MEMBER))
    answer = await gql(client, member, f"{{ currentWorkspace {{ {FIELDS} }} }}")
    current = answer["data"]["currentWorkspace"]
    assert current["id"] == str(fresh_workspace.id)
    assert current["subdomain"] == fresh_workspace.name
    assert current["databaseSchema"] == fresh_workspace.schema
    assert current["activationStatus"] == "ACTIVE"
    assert current["displayName"] is None
    assert current["deletedAt"] is None
    assert current["rateLimitPerMinute"] == 1_000_000  # the server's default (test settings)
    assert isinstance(current["metadataVersion"], float)


async def test_a_settings_role_changes_them_and_others_may_not(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    member = bearer(await key_with_role(db, fresh_workspace, roles.MEMBER))
    refused = await gql(client, member, UPDATE, {"d": {"displayName": "Nope"}})
    assert error_of(refused)["extensions"]["code"] == "FORBIDDEN"

    changed = await gql(
        client,
        fresh_workspace.headers,
        UPDATE,
        {"d": {"displayName": "  Acme   Corp ", "logo": "https://acme.test/logo.png"}},
    )
    assert "errors" not in changed, changed
    workspace = changed["data"]["updateWorkspace"]
    assert workspace["displayName"] == "Acme Corp"
    assert workspace["logo"] == "https://acme.test/logo.png"
    again = await gql(client, member, "{ currentWorkspace { displayName } }")
    assert again["data"]["currentWorkspace"]["displayName"] == "Acme Corp"

    cleared = await gql(client, fresh_workspace.headers, UPDATE, {"d": {"logo": None}})
    assert cleared["data"]["updateWorkspace"]["logo"] is None
    assert cleared["data"]["updateWorkspace"]["displayName"] == "Acme Corp"

    limited = await gql(client, fresh_workspace.headers, UPDATE, {"d": {"rateLimitPerSecond": 500}})
    assert limited["data"]["updateWorkspace"]["rateLimitPerSecond"] == 500
    default = await gql(
        client, fresh_workspace.headers, UPDATE, {"d": {"rateLimitPerSecond": None}}
    )
    assert default["data"]["updateWorkspace"]["rateLimitPerSecond"] == 1_000_000


async def test_invalid_settings_are_refused_naming_them(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    answer = await gql(
        client,
        fresh_workspace.headers,
        UPDATE,
        {"d": {"displayName": " ", "rateLimitPerMinute": 0}},
    )
    error = error_of(answer)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "displayName" in error["message"]
    assert "rateLimitPerMinute must be an integer from 1" in error["message"]
    unknown = await gql(
        client, fresh_workspace.headers, UPDATE, {"d": {"isGoogleAuthEnabled": True}}
    )
    assert "isGoogleAuthEnabled" in error_of(unknown)["message"]


async def test_the_workspace_rate_limit_applies_from_the_next_request(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    headers = fresh_workspace.headers
    set_limit = await gql(client, headers, UPDATE, {"d": {"rateLimitPerMinute": 3}})
    assert set_limit["data"]["updateWorkspace"]["rateLimitPerMinute"] == 3
    responses = [await client.get("/rest/people?limit=1", headers=headers) for _ in range(4)]
    assert responses[0].status_code == 200
    assert responses[0].headers["X-RateLimit-Limit"] == "3"
    assert responses[-1].status_code == 429  # at most 3 a minute, whichever counted the change
