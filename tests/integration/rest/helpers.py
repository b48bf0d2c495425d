"""Helpers for the Core REST integration tests: seed records in one call, read pages, check errors.

`make_gadget_workspace` adds a custom object, `gadget`, whose fields cover the types no standard
object has (NUMERIC, DATE, RATING, MULTI_SELECT, ARRAY, RAW_JSON, a plain UUID).
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from app.auth import api_keys
from app.db.database import Database
from app.metadata import ddl, roles, store
from app.metadata.enums import FieldType
from app.metadata.seeder import build_objects
from app.metadata.specs import FieldSpec, ObjectSpec, OptionSpec
from app.metadata.workspaces import create_workspace
from tests.support import TEST_SECRET, WorkspaceFixture

ERROR_KEYS = {"statusCode", "error", "messages", "code"}


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


async def create_many(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    plural: str,
    records: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """POST /rest/batch/{plural}; the created records, in input order."""
    response = await client.post(f"/rest/batch/{plural}", json=records, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created: list[dict[str, Any]] = response.json()["data"][f"create{pascal(plural)}"]
    return created


async def find_many(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, plural: str, **params: Any
) -> dict[str, Any]:
    """GET /rest/{plural} with `params`; the whole 200 body."""
    response = await client.get(f"/rest/{plural}", params=params, headers=workspace.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def records_of(body: dict[str, Any], plural: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = body["data"][plural]
    return records


def assert_error(
    response: httpx.Response,
    status: int,
    *,
    code: str | None = None,
    message: str | None = None,
    contains: str | None = None,
) -> dict[str, Any]:
    """An error in Twenty's envelope plus our `code`; returns the body for further checks."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert body["statusCode"] == status
    assert isinstance(body["messages"], list)
    assert body["messages"]
    if code is not None:
        assert body["code"] == code, body
    if message is not None:
        assert body["messages"][0] == message, body
    if contains is not None:
        assert contains in body["messages"][0], body
    return body


GADGET = ObjectSpec(
    name_singular="gadget",
    name_plural="gadgets",
    label_singular="Gadget",
    label_plural="Gadgets",
    search_fields=("name",),
    fields=(
        FieldSpec("name", "Name", FieldType.TEXT, default_value="''"),
        FieldSpec("price", "Price", FieldType.NUMERIC),
        FieldSpec("launchDate", "Launch date", FieldType.DATE),
        FieldSpec("rating", "Rating", FieldType.RATING),
        FieldSpec(
            "colors",
            "Colors",
            FieldType.MULTI_SELECT,
            options=(
                OptionSpec("RED", "Red"),
                OptionSpec("GREEN", "Green"),
                OptionSpec("BLUE", "Blue"),
            ),
        ),
        FieldSpec("keywords", "Keywords", FieldType.ARRAY),
        FieldSpec("specs", "Specs", FieldType.RAW_JSON),
        FieldSpec("serial", "Serial", FieldType.UUID),
    ),
)


async def make_gadget_workspace(db: Database) -> WorkspaceFixture:
    """A new workspace with the standard objects plus the custom object `gadget`."""
    name = f"ws-gadget-{secrets.token_hex(4)}"
    async with db.transaction() as conn:
        workspace = await create_workspace(conn, name)
        objects = build_objects(workspace.id, [GADGET], is_custom=True)
        await store.insert_objects(conn, objects)
        for obj in objects:
            for statement in ddl.create_table(workspace.schema_name, obj):
                await conn.execute(statement)
        admin = await roles.role_by_label(conn, workspace.id, roles.ADMIN)
        assert admin is not None
        key, token = await api_keys.create_api_key(
            conn, secret=TEST_SECRET, workspace_id=workspace.id, name="test", role_id=admin.id
        )
    return WorkspaceFixture(workspace.id, workspace.name, workspace.schema_name, token, key.id)
