"""Roles and their object and field permissions on POST /metadata (and read over REST): every
change persists, bumps the workspace's metadata version and is in this process's catalog
before the answer; the seeded Admin cannot be changed; ids of other workspaces are not found."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.db.database import Database
from app.metadata import roles
from tests.integration.auth.helpers import (
    KEYS,
    create_key,
    error_of,
    gql,
    metadata_version,
    role_id,
)
from tests.support import WorkspaceFixture, make_workspace

ROLE = """id label description icon isEditable canUpdateAllSettings canAccessAllTools
canReadAllObjectRecords canUpdateAllObjectRecords canSoftDeleteAllObjectRecords
canDestroyAllObjectRecords canBeAssignedToUsers canBeAssignedToAgents canBeAssignedToApiKeys
apiKeys { id name expiresAt revokedAt } permissionFlags { id flag }
objectPermissions { objectMetadataId canReadObjectRecords canUpdateObjectRecords
  canSoftDeleteObjectRecords canDestroyObjectRecords restrictedFields }
fieldPermissions { id objectMetadataId fieldMetadataId roleId canReadFieldValue
  canUpdateFieldValue }"""
GET_ROLES = f"query GetRoles {{ getRoles {{ {ROLE} }} }}"
GET_API_KEY_ROLES = "query GetApiKeyRoles { getApiKeyRoles { id label } }"
CREATE = f"""mutation CreateOneRole($input: CreateRoleInput!) {{
  createOneRole(createRoleInput: $input) {{ {ROLE} }} }}"""
UPDATE = f"""mutation UpdateOneRole($input: UpdateRoleInput!) {{
  updateOneRole(updateRoleInput: $input) {{ {ROLE} }} }}"""
DELETE = "mutation DeleteOneRole($roleId: UUID!) { deleteOneRole(roleId: $roleId) }"
UPSERT_OBJECTS = """mutation UpsertObjectPermissions($input: UpsertObjectPermissionsInput!) {
  upsertObjectPermissions(upsertObjectPermissionsInput: $input) {
    objectMetadataId canReadObjectRecords canUpdateObjectRecords canSoftDeleteObjectRecords
    canDestroyObjectRecords restrictedFields } }"""
UPSERT_FIELDS = """mutation UpsertFieldPermissions($input: UpsertFieldPermissionsInput!) {
  upsertFieldPermissions(upsertFieldPermissionsInput: $input) {
    id objectMetadataId fieldMetadataId roleId canReadFieldValue canUpdateFieldValue } }"""


async def create_role(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, **given: Any
) -> dict[str, Any]:
    body = await gql(client, workspace.headers, CREATE, {"input": {"label": "Sales", **given}})
    assert "errors" not in body, body
    created: dict[str, Any] = body["data"]["createOneRole"]
    return created


async def person_object(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> tuple[str, dict[str, str]]:
    """The person object's id and its fields' ids by name."""
    response = await client.get("/rest/metadata/objects", headers=workspace.headers)
    person = next(o for o in response.json()["data"]["objects"] if o["nameSingular"] == "person")
    return person["id"], {f["name"]: f["id"] for f in person["fields"]}


def catalog_version(app: Any, workspace: WorkspaceFixture) -> int | None:
    snapshot = app.state.crm.catalogs.cached(workspace.id)
    return snapshot.version if snapshot is not None else None


async def test_get_roles_lists_the_seeded_roles(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    body = await gql(client, fresh_workspace.headers, GET_ROLES)
    by_label = {r["label"]: r for r in body["data"]["getRoles"]}
    assert set(by_label) == {roles.ADMIN, roles.MEMBER}
    admin, member = by_label[roles.ADMIN], by_label[roles.MEMBER]
    assert admin["isEditable"] is False
    assert admin["canUpdateAllSettings"] is True
    assert [k["id"] for k in admin["apiKeys"]] == [str(fresh_workspace.key_id)]
    assert admin["permissionFlags"] == []
    assert member["isEditable"] is True
    assert member["canUpdateAllSettings"] is False
    assert member["apiKeys"] == []


async def test_create_role_persists_bumps_the_version_and_refreshes_the_catalog(
    app: Any, client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    await client.get("/rest/people?limit=1", headers=fresh_workspace.headers)  # load a catalog
    before = await metadata_version(db, fresh_workspace)
    created = await create_role(
        client,
        fresh_workspace,
        label="  Sales   team ",
        description="Reads everything",
        icon="IconUsers",
        canReadAllObjectRecords=True,
    )
    assert created["label"] == "Sales team"
    assert created["isEditable"] is True
    assert created["canReadAllObjectRecords"] is True
    assert created["canUpdateAllObjectRecords"] is False
    assert created["canBeAssignedToApiKeys"] is True
    after = await metadata_version(db, fresh_workspace)
    assert after == before + 1
    assert catalog_version(app, fresh_workspace) == after

    listed = await gql(client, fresh_workspace.headers, GET_ROLES)
    assert "Sales team" in [r["label"] for r in listed["data"]["getRoles"]]
    rest = await client.get(
        f"/rest/metadata/roles/{created['id']}", headers=fresh_workspace.headers
    )
    assert rest.json()["data"]["role"]["description"] == "Reads everything"


async def test_role_labels_are_unique_and_required(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await create_role(client, fresh_workspace, label="Support")
    body = await gql(client, fresh_workspace.headers, CREATE, {"input": {"label": "Support"}})
    assert error_of(body)["extensions"]["appCode"] == "DUPLICATE_ENTRY"
    body = await gql(client, fresh_workspace.headers, CREATE, {"input": {"label": "   "}})
    assert error_of(body)["message"] == "label should not be empty"
    body = await gql(client, fresh_workspace.headers, CREATE, {"input": {"label": roles.ADMIN}})
    assert error_of(body)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_update_role_changes_flags_and_bumps_the_version(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_role(client, fresh_workspace, label="Ops")
    before = await metadata_version(db, fresh_workspace)
    update = {"label": "Operations", "canDestroyAllObjectRecords": True, "description": None}
    body = await gql(
        client, fresh_workspace.headers, UPDATE, {"input": {"id": created["id"], "update": update}}
    )
    updated = body["data"]["updateOneRole"]
    assert updated["label"] == "Operations"
    assert updated["canDestroyAllObjectRecords"] is True
    assert await metadata_version(db, fresh_workspace) == before + 1


async def test_admin_is_neither_editable_nor_deletable(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    admin = str(await role_id(client, fresh_workspace, roles.ADMIN))
    before = await metadata_version(db, fresh_workspace)
    body = await gql(
        client,
        fresh_workspace.headers,
        UPDATE,
        {"input": {"id": admin, "update": {"canUpdateAllSettings": False}}},
    )
    error = error_of(body)
    assert error["message"] == "Role is not editable"
    assert error["extensions"]["code"] == "FORBIDDEN"
    body = await gql(client, fresh_workspace.headers, DELETE, {"roleId": admin})
    assert error_of(body)["extensions"]["appCode"] == "ROLE_NOT_EDITABLE"
    assert await metadata_version(db, fresh_workspace) == before


async def test_delete_role_refuses_while_keys_hold_it(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_role(client, fresh_workspace, label="Temp")
    held = [await create_key(client, fresh_workspace, roleId=created["id"]) for _ in range(2)]
    await client.post(f"{KEYS}/{held[0]['id']}/revoke", headers=fresh_workspace.headers)
    body = await gql(client, fresh_workspace.headers, DELETE, {"roleId": created["id"]})
    error = error_of(body)
    assert error["extensions"]["appCode"] == "ROLE_IN_USE"
    assert "assigned to 2 API keys" in error["message"]  # revoked ones too: keys keep a role
    body = await gql(
        client,
        fresh_workspace.headers,
        UPDATE,
        {"input": {"id": created["id"], "update": {"canBeAssignedToApiKeys": False}}},
    )
    assert error_of(body)["extensions"]["appCode"] == "ROLE_IN_USE"

    member = await role_id(client, fresh_workspace, roles.MEMBER)
    assign = "mutation ($k: UUID!, $r: UUID!) { assignRoleToApiKey(apiKeyId: $k, roleId: $r) }"
    await gql(client, fresh_workspace.headers, assign, {"k": held[0]["id"], "r": str(member)})
    await client.delete(f"{KEYS}/{held[1]['id']}", headers=fresh_workspace.headers)
    body = await gql(client, fresh_workspace.headers, DELETE, {"roleId": created["id"]})
    assert body["data"]["deleteOneRole"] == created["id"]
    gone = await client.get(
        f"/rest/metadata/roles/{created['id']}", headers=fresh_workspace.headers
    )
    assert gone.status_code == 404
    listed = await gql(client, fresh_workspace.headers, "{ apiKeys { id role { label } } }")
    assert "errors" not in listed


async def test_get_api_key_roles_leaves_out_roles_closed_to_keys(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await create_role(client, fresh_workspace, label="Agents", canBeAssignedToApiKeys=False)
    body = await gql(client, fresh_workspace.headers, GET_API_KEY_ROLES)
    assert sorted(r["label"] for r in body["data"]["getApiKeyRoles"]) == [
        roles.ADMIN,
        roles.MEMBER,
    ]


async def test_object_permissions_upsert_persist_and_null_inherits(
    app: Any, client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_role(client, fresh_workspace, label="Readers")
    person, _ = await person_object(client, fresh_workspace)
    before = await metadata_version(db, fresh_workspace)
    given = {
        "roleId": created["id"],
        "objectPermissions": [
            {
                "objectMetadataId": person,
                "canReadObjectRecords": True,
                "canUpdateObjectRecords": None,
            }
        ],
    }
    body = await gql(client, fresh_workspace.headers, UPSERT_OBJECTS, {"input": given})
    assert body["data"]["upsertObjectPermissions"] == [
        {
            "objectMetadataId": person,
            "canReadObjectRecords": True,
            "canUpdateObjectRecords": None,
            "canSoftDeleteObjectRecords": None,
            "canDestroyObjectRecords": None,
            "restrictedFields": {},
        }
    ]
    after = await metadata_version(db, fresh_workspace)
    assert after == before + 1
    assert catalog_version(app, fresh_workspace) == after
    async with db.connection() as conn:
        row = await conn.fetchrow(
            "SELECT * FROM core.object_permission WHERE role_id = $1", uuid.UUID(created["id"])
        )
    assert row["can_read_object_records"] is True
    assert row["can_update_object_records"] is None

    given["objectPermissions"] = [{"objectMetadataId": person, "canUpdateObjectRecords": False}]
    body = await gql(client, fresh_workspace.headers, UPSERT_OBJECTS, {"input": given})
    assert body["data"]["upsertObjectPermissions"][0]["canReadObjectRecords"] is None
    assert body["data"]["upsertObjectPermissions"][0]["canUpdateObjectRecords"] is False

    given["objectPermissions"] = [{"objectMetadataId": person}]  # all null: nothing to keep
    body = await gql(client, fresh_workspace.headers, UPSERT_OBJECTS, {"input": given})
    assert body["data"]["upsertObjectPermissions"] == []


async def test_object_permissions_refuse_writes_without_read_and_foreign_ids(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_role(client, fresh_workspace, label="Writers")
    person, _ = await person_object(client, fresh_workspace)
    other = await make_workspace(db)
    other_person, _ = await person_object(client, other)
    admin = str(await role_id(client, fresh_workspace, roles.ADMIN))
    before = await metadata_version(db, fresh_workspace)
    cases = [
        (
            created["id"],
            {
                "objectMetadataId": person,
                "canReadObjectRecords": False,
                "canUpdateObjectRecords": True,
            },
            "Cannot give update permission to non-readable object",
        ),
        (created["id"], {"objectMetadataId": other_person}, "Object metadata not found"),
        (
            str(await role_id(client, other, roles.MEMBER)),
            {"objectMetadataId": person, "canReadObjectRecords": True},
            "Role not found",
        ),
        (
            admin,
            {"objectMetadataId": person, "canReadObjectRecords": False},
            "Role is not editable",
        ),
    ]
    for role, permission, message in cases:
        given = {"roleId": role, "objectPermissions": [permission]}
        body = await gql(client, fresh_workspace.headers, UPSERT_OBJECTS, {"input": given})
        assert error_of(body)["message"] == message
    assert await metadata_version(db, fresh_workspace) == before


async def test_field_permissions_upsert_persist_and_show_as_restricted_fields(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_role(client, fresh_workspace, label="No phones")
    person, fields = await person_object(client, fresh_workspace)
    before = await metadata_version(db, fresh_workspace)
    given = {
        "roleId": created["id"],
        "fieldPermissions": [
            {
                "objectMetadataId": person,
                "fieldMetadataId": fields["phones"],
                "canReadFieldValue": False,
                "canUpdateFieldValue": False,
            },
            {
                "objectMetadataId": person,
                "fieldMetadataId": fields["city"],
                "canUpdateFieldValue": False,
            },
        ],
    }
    body = await gql(client, fresh_workspace.headers, UPSERT_FIELDS, {"input": given})
    saved = {p["fieldMetadataId"]: p for p in body["data"]["upsertFieldPermissions"]}
    assert saved[fields["phones"]]["canReadFieldValue"] is False
    assert saved[fields["city"]]["canReadFieldValue"] is None
    assert saved[fields["city"]]["roleId"] == created["id"]
    assert await metadata_version(db, fresh_workspace) == before + 1

    objects = {
        "roleId": created["id"],
        "objectPermissions": [{"objectMetadataId": person, "canReadObjectRecords": True}],
    }
    body = await gql(client, fresh_workspace.headers, UPSERT_OBJECTS, {"input": objects})
    restricted = body["data"]["upsertObjectPermissions"][0]["restrictedFields"]
    assert restricted[fields["phones"]] == {"canRead": False, "canUpdate": False}

    roles_body = await gql(client, fresh_workspace.headers, GET_ROLES)
    role = next(r for r in roles_body["data"]["getRoles"] if r["id"] == created["id"])
    assert len(role["fieldPermissions"]) == 2


async def test_field_permissions_check_the_field_belongs_to_the_object(
    client: httpx.AsyncClient, db: Database, fresh_workspace: WorkspaceFixture
) -> None:
    created = await create_role(client, fresh_workspace, label="Picky")
    person, fields = await person_object(client, fresh_workspace)
    companies = await client.get("/rest/metadata/objects", headers=fresh_workspace.headers)
    company = next(o for o in companies.json()["data"]["objects"] if o["nameSingular"] == "company")
    other = await make_workspace(db)
    other_person, other_fields = await person_object(client, other)
    for permission, message in [
        (
            {"objectMetadataId": company["id"], "fieldMetadataId": fields["city"]},
            "does not belong to object",
        ),
        (
            {"objectMetadataId": other_person, "fieldMetadataId": other_fields["city"]},
            "Field metadata not found",
        ),
        (
            {
                "objectMetadataId": person,
                "fieldMetadataId": fields["city"],
                "canReadFieldValue": False,
                "canUpdateFieldValue": True,
            },
            "Cannot give update permission to non-readable field",
        ),
    ]:
        given = {
            "roleId": created["id"],
            "fieldPermissions": [{"canReadFieldValue": False, **permission}],
        }
        body = await gql(client, fresh_workspace.headers, UPSERT_FIELDS, {"input": given})
        assert message in error_of(body)["message"]


async def test_roles_rest_lists_and_reads(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/metadata/roles", headers=fresh_workspace.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["totalCount"] == 2
    assert {r["label"] for r in body["data"]["roles"]} == {roles.ADMIN, roles.MEMBER}
    missing = await client.get(
        f"/rest/metadata/roles/{uuid.uuid4()}", headers=fresh_workspace.headers
    )
    assert missing.status_code == 404
