"""Permissions over time: keys without a role, grants changed between requests, metadata changes
that must keep the grants, and the operations that apply field grants to data (merge,
duplicates)."""

from __future__ import annotations

from typing import Any

import httpx

from app.db.database import Database
from tests.integration.permissions.helpers import key_for, make_role, set_field_grant
from tests.integration.rest.helpers import assert_error, create_many
from tests.support import WorkspaceFixture, make_workspace


async def test_a_key_without_a_role_is_refused_on_every_api(
    client: httpx.AsyncClient, db: Database
) -> None:
    workspace = await make_workspace(db)
    orphan = await key_for(db, workspace, None)
    refused = await client.get("/rest/people", headers=orphan.headers)
    body = assert_error(refused, 400, code="API_KEY_NO_ROLE_ASSIGNED")
    assert body["messages"][0] == f"API key {orphan.key_id} has no role assigned"
    assert (await client.get("/rest/metadata/objects", headers=orphan.headers)).status_code == 400
    for endpoint, query in (
        ("/graphql", "{ people { totalCount } }"),
        ("/metadata", "{ __typename }"),
    ):
        answer = await client.post(endpoint, json={"query": query}, headers=orphan.headers)
        assert answer.status_code == 400
        (error,) = answer.json()["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert "data" not in answer.json() or answer.json()["data"] is None


async def test_deleting_a_role_leaves_its_keys_without_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    workspace = await make_workspace(db)
    role_id = await make_role(db, workspace, "Doomed")
    key = await key_for(db, workspace, role_id)
    assert (await client.get("/rest/people", headers=key.headers)).status_code == 200
    async with db.transaction() as conn:  # api_key.role_id is ON DELETE SET NULL
        await conn.execute("DELETE FROM core.role WHERE id = $1", role_id)
    assert_error(
        await client.get("/rest/people", headers=key.headers), 400, code="API_KEY_NO_ROLE_ASSIGNED"
    )


async def test_a_role_of_another_workspace_is_no_role(
    client: httpx.AsyncClient, db: Database
) -> None:
    mine, theirs = await make_workspace(db), await make_workspace(db)
    foreign = await make_role(db, theirs, "Foreign")
    key = await key_for(db, mine, foreign)
    assert_error(
        await client.get("/rest/people", headers=key.headers), 400, code="API_KEY_NO_ROLE_ASSIGNED"
    )


async def _person(
    client: httpx.AsyncClient, key: WorkspaceFixture, person_id: str
) -> dict[str, Any]:
    response = await client.get(f"/rest/people/{person_id}", headers=key.headers)
    assert response.status_code == 200, response.text
    person: dict[str, Any] = response.json()["data"]["person"]
    return person


async def test_a_grant_change_applies_to_the_next_request(
    client: httpx.AsyncClient, db: Database
) -> None:
    workspace = await make_workspace(db)
    role_id = await make_role(db, workspace, "Changing")
    key = await key_for(db, workspace, role_id)
    [person] = await create_many(client, workspace, "people", [{"city": "Paris"}])
    assert (await _person(client, key, person["id"]))["city"] == "Paris"
    await set_field_grant(db, role_id, "person.city", workspace, read=False)
    assert "city" not in await _person(client, key, person["id"])
    await set_field_grant(db, role_id, "person.city", workspace, read=None)
    assert (await _person(client, key, person["id"]))["city"] == "Paris"


async def test_a_metadata_change_keeps_the_roles_grants(
    client: httpx.AsyncClient, db: Database
) -> None:
    """The changing process installs the new model with the permissions read in the same
    transaction (CatalogStore.adopt): no reload happens, and the grants must survive."""
    workspace = await make_workspace(db)
    key = await key_for(
        db,
        workspace,
        await make_role(db, workspace, "Hidden city", fields={"person.city": {"read": False}}),
    )
    [person] = await create_many(client, workspace, "people", [{"city": "Paris"}])
    objects = await client.get("/rest/metadata/objects", headers=workspace.headers)
    person_object = next(
        o for o in objects.json()["data"]["objects"] if o["nameSingular"] == "person"
    )
    created = await client.post(
        "/rest/metadata/fields",
        json={
            "objectMetadataId": person_object["id"],
            "name": "nickname",
            "label": "Nickname",
            "type": "TEXT",
        },
        headers=workspace.headers,
    )
    assert created.status_code == 201, created.text
    seen = await _person(client, key, person["id"])
    assert "nickname" in seen and "city" not in seen


async def test_a_merge_keeps_the_winners_value_of_a_field_the_role_cannot_write(
    client: httpx.AsyncClient, db: Database
) -> None:
    workspace = await make_workspace(db)
    key = await key_for(
        db,
        workspace,
        await make_role(db, workspace, "No titles", fields={"person.jobTitle": {"update": False}}),
    )
    winner, loser = await create_many(
        client, workspace, "people", [{"city": ""}, {"city": "Oslo", "jobTitle": "CFO"}]
    )
    response = await client.patch(
        "/rest/people/merge",
        json={"ids": [winner["id"], loser["id"]], "conflictPriorityIndex": 0, "dryRun": True},
        headers=key.headers,
    )
    assert response.status_code == 200, response.text
    merged = response.json()["data"]["mergePerson"]
    assert (merged["city"], merged["jobTitle"]) == ("Oslo", "")


async def test_duplicates_do_not_match_on_a_field_the_role_cannot_read(
    client: httpx.AsyncClient, db: Database
) -> None:
    workspace = await make_workspace(db)
    key = await key_for(
        db,
        workspace,
        await make_role(db, workspace, "No emails", fields={"person.emails": {"read": False}}),
    )
    await create_many(
        client, workspace, "people", [{"emails": {"primaryEmail": "ada@example.com"}}]
    )
    body = {"data": [{"emails": {"primaryEmail": "ada@example.com"}}]}
    admin = await client.post("/rest/people/duplicates", json=body, headers=workspace.headers)
    hidden = await client.post("/rest/people/duplicates", json=body, headers=key.headers)
    assert admin.json()["data"][0]["totalCount"] == 1
    assert hidden.json()["data"][0] == {"totalCount": 0, "personDuplicates": []}
