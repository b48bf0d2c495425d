"""Helpers for the Core GraphQL suites: send a document, read `data` or the first error.

`make_pet_workspace` adds two custom objects, `petOwner` and `pet` (a many-to-one `owner`,
inverse `pets`), whose fields cover SELECT, MULTI_SELECT, BOOLEAN, NUMBER, CURRENCY and DATE.
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
from app.metadata.specs import FieldSpec, ObjectSpec, OptionSpec, RelationSpec
from app.metadata.workspaces import create_workspace
from tests.support import TEST_SECRET, WorkspaceFixture


async def gql(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> dict[str, Any]:
    """POST /graphql; the whole JSON body (after checking the HTTP status)."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=workspace.headers
    )
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def data(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`data` of a request that must succeed without errors."""
    body = await gql(client, workspace, query, variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


async def first_error(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The first error of a request that must fail."""
    body = await gql(client, workspace, query, variables)
    assert body.get("errors"), body
    error: dict[str, Any] = body["errors"][0]
    return error


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


PET_OWNER = ObjectSpec(
    name_singular="petOwner",
    name_plural="petOwners",
    label_singular="Pet owner",
    label_plural="Pet owners",
    search_fields=("name",),
    fields=(FieldSpec("name", "Name", FieldType.TEXT, default_value="''"),),
)

PET = ObjectSpec(
    name_singular="pet",
    name_plural="pets",
    label_singular="Pet",
    label_plural="Pets",
    search_fields=("name",),
    fields=(
        FieldSpec("name", "Name", FieldType.TEXT, default_value="''"),
        FieldSpec(
            "species",
            "Species",
            FieldType.SELECT,
            options=(OptionSpec("DOG", "Dog"), OptionSpec("CAT", "Cat")),
        ),
        FieldSpec(
            "traits",
            "Traits",
            FieldType.MULTI_SELECT,
            options=(OptionSpec("CALM", "Calm"), OptionSpec("LOUD", "Loud")),
        ),
        FieldSpec("vaccinated", "Vaccinated", FieldType.BOOLEAN),
        FieldSpec("weight", "Weight", FieldType.NUMBER),
        FieldSpec("price", "Price", FieldType.CURRENCY),
        FieldSpec("birthday", "Birthday", FieldType.DATE),
        FieldSpec(
            "owner",
            "Owner",
            FieldType.RELATION,
            relation=RelationSpec(target="petOwner", inverse_name="pets", inverse_label="Pets"),
        ),
    ),
)


async def make_pet_workspace(db: Database) -> WorkspaceFixture:
    """A new workspace with the standard objects plus the custom `petOwner` and `pet`."""
    name = f"ws-pets-{secrets.token_hex(4)}"
    async with db.transaction() as conn:
        workspace = await create_workspace(conn, name)
        objects = build_objects(workspace.id, [PET_OWNER, PET], is_custom=True)
        await store.insert_objects(conn, objects)
        for statement in ddl.create_model(workspace.schema_name, objects)[1:]:  # schema exists
            await conn.execute(statement)
        admin = await roles.role_by_label(conn, workspace.id, roles.ADMIN)
        assert admin is not None
        key, token = await api_keys.create_api_key(
            conn, secret=TEST_SECRET, workspace_id=workspace.id, name="test", role_id=admin.id
        )
    return WorkspaceFixture(workspace.id, workspace.name, workspace.schema_name, token, key.id)
