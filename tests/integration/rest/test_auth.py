"""Who may call /rest: API keys in `Authorization: Bearer`, and one workspace per key (spec §1.1,
§1.8, §6.1, §12 item 19)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.auth.api_keys import revoke_api_key
from app.db.database import Database
from tests.integration.rest.helpers import assert_error, create_many, find_many, records_of
from tests.support import WorkspaceFixture, make_workspace

ROUTES = [
    ("GET", "/rest/people"),
    ("GET", f"/rest/people/{uuid.uuid4()}"),
    ("POST", "/rest/people"),
    ("POST", "/rest/batch/people"),
    ("PATCH", f"/rest/people/{uuid.uuid4()}"),
    ("DELETE", f"/rest/people/{uuid.uuid4()}"),
    ("PATCH", "/rest/people/restore"),
    ("GET", "/rest/not-an-object"),
    ("GET", "/rest/a/b/c/d"),
]


def assert_unauthenticated(response: httpx.Response, message: str | None = None) -> None:
    body = assert_error(response, 401, code="UNAUTHENTICATED", message=message)
    assert body["error"] == "UNAUTHENTICATED"
    assert body["statusCode"] == 401


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_every_route_needs_a_token_before_anything_else(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path, json={})
    assert_unauthenticated(response)


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "crm_" + "a" * 43,
        "Bearer not-a-key",
        "Bearer crm_short",
        "Bearer crm_" + "a" * 43,
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc",
    ],
)
async def test_malformed_or_unknown_token_returns_401(
    client: httpx.AsyncClient, authorization: str
) -> None:
    response = await client.get("/rest/people", headers={"Authorization": authorization})
    assert_unauthenticated(response)


async def test_scheme_is_case_insensitive(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get(
        "/rest/people?limit=0", headers={"Authorization": f"bearer {workspace.token}"}
    )
    assert response.status_code == 200


async def test_revoked_key_returns_401(client: httpx.AsyncClient, db: Database) -> None:
    workspace = await make_workspace(db)
    assert (await client.get("/rest/people", headers=workspace.headers)).status_code == 200
    async with db.transaction() as conn:
        await revoke_api_key(conn, workspace.key_id)
    response = await client.get("/rest/people", headers=workspace.headers)
    assert_unauthenticated(response, "This API Key is revoked")


async def test_expired_key_returns_401_token_has_expired(
    client: httpx.AsyncClient, db: Database
) -> None:
    workspace = await make_workspace(db)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE core.api_key SET expires_at = now() - interval '1 minute' WHERE id = $1",
            workspace.key_id,
        )
    response = await client.post("/rest/people", json={}, headers=workspace.headers)
    assert_unauthenticated(response, "Token has expired.")


async def test_a_key_that_expires_later_still_works(
    client: httpx.AsyncClient, db: Database
) -> None:
    workspace = await make_workspace(db)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE core.api_key SET expires_at = now() + interval '1 day' WHERE id = $1",
            workspace.key_id,
        )
    response = await client.get("/rest/people", headers=workspace.headers)
    assert response.status_code == 200


async def test_the_401_body_never_echoes_the_token(client: httpx.AsyncClient, db: Database) -> None:
    workspace = await make_workspace(db)
    async with db.transaction() as conn:
        await revoke_api_key(conn, workspace.key_id)
    response = await client.get("/rest/people", headers=workspace.headers)
    assert workspace.token not in response.text
    assert workspace.token[4:] not in response.text


# ---- workspace isolation -----------------------------------------------------------------


async def test_a_key_never_sees_another_workspaces_records(
    client: httpx.AsyncClient, db: Database
) -> None:
    a = await make_workspace(db)
    b = await make_workspace(db)
    [mine] = await create_many(client, a, "people", [{"city": "Mine"}])
    [theirs] = await create_many(client, b, "people", [{"city": "Theirs"}])

    listed = await find_many(client, a, "people")
    assert [p["id"] for p in records_of(listed, "people")] == [mine["id"]]
    assert listed["totalCount"] == 1

    by_id = await client.get(f"/rest/people/{theirs['id']}", headers=a.headers)
    assert_error(by_id, 404, code="RECORD_NOT_FOUND")

    by_filter = await find_many(client, a, "people", filter=f"id[eq]:{theirs['id']}")
    assert records_of(by_filter, "people") == []
    by_city = await find_many(client, a, "people", filter='city[eq]:"Theirs"')
    assert by_city["totalCount"] == 0


async def test_a_key_cannot_change_or_delete_another_workspaces_records(
    client: httpx.AsyncClient, db: Database
) -> None:
    a = await make_workspace(db)
    b = await make_workspace(db)
    [theirs] = await create_many(client, b, "people", [{"city": "Theirs"}])
    tid = theirs["id"]

    update = await client.patch(f"/rest/people/{tid}", json={"city": "Mine"}, headers=a.headers)
    assert_error(update, 404)
    delete = await client.delete(f"/rest/people/{tid}", headers=a.headers)
    assert_error(delete, 404)
    bulk = await client.delete(
        "/rest/people", params={"filter": f"id[eq]:{tid}"}, headers=a.headers
    )
    assert bulk.json() == {"data": {"destroyPeople": []}}
    restore = await client.patch(f"/rest/people/{tid}/restore", headers=a.headers)
    assert_error(restore, 404)

    still = await client.get(f"/rest/people/{tid}", headers=b.headers)
    assert still.status_code == 200
    assert still.json()["data"]["person"]["city"] == "Theirs"


async def test_a_relation_cannot_point_into_another_workspace(
    client: httpx.AsyncClient, db: Database
) -> None:
    a = await make_workspace(db)
    b = await make_workspace(db)
    [their_company] = await create_many(client, b, "companies", [{"name": "Theirs"}])
    response = await client.post(
        "/rest/people", json={"companyId": their_company["id"]}, headers=a.headers
    )
    assert_error(response, 400, code="INVALID_FIELD_VALUE", contains="'companyId'")


async def test_a_cursor_from_another_workspace_reads_only_this_workspace(
    client: httpx.AsyncClient, db: Database
) -> None:
    a = await make_workspace(db)
    b = await make_workspace(db)
    await create_many(client, a, "people", [{"city": "A1"}, {"city": "A2"}])
    await create_many(client, b, "people", [{"city": "B1"}, {"city": "B2"}])
    page = await find_many(client, b, "people", limit=1)
    body = await find_many(client, a, "people", starting_after=page["pageInfo"]["endCursor"])
    assert {p["city"] for p in records_of(body, "people")} <= {"A1", "A2"}
