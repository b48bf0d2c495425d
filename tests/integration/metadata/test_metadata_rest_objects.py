"""REST /rest/metadata/objects: Twenty's legacy envelope, id cursors, and the object lifecycle
(the cases of Twenty's object-metadata.integration-spec.ts, and ours)."""

from __future__ import annotations

import uuid

import httpx

from app.db.database import Database
from tests.integration.metadata.helpers import (
    create_object,
    field_named,
    messages,
    standard_object,
    unique,
)
from tests.support import WorkspaceFixture

OBJECTS = "/rest/metadata/objects"
UNKNOWN = "20202020-0000-4000-8000-000000000000"


async def test_list_has_twentys_envelope_and_inlines_fields(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    response = await client.get(OBJECTS, headers=model_workspace.headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "pageInfo", "totalCount"}
    assert set(body["pageInfo"]) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}
    objects = body["data"]["objects"]
    assert body["totalCount"] == len(objects) >= 11
    assert all(isinstance(o["fields"], list) and o["fields"] for o in objects)
    person = next(o for o in objects if o["nameSingular"] == "person")
    assert person["namePlural"] == "people" and person["isCustom"] is False
    assert field_named(person, "company")["relation"]["targetObjectMetadata"]["nameSingular"] == (
        "company"
    )


async def test_limit_one_has_a_next_page_and_id_cursors(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    body = (await client.get(f"{OBJECTS}?limit=1", headers=model_workspace.headers)).json()
    (item,) = body["data"]["objects"]
    assert body["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": item["id"],
        "endCursor": item["id"],
    }


async def test_pages_forward_and_back_by_id_without_overlap(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    headers = model_workspace.headers
    first = (await client.get(f"{OBJECTS}?limit=2", headers=headers)).json()
    after = first["pageInfo"]["endCursor"]
    second = (await client.get(f"{OBJECTS}?limit=2&starting_after={after}", headers=headers)).json()
    first_ids = [o["id"] for o in first["data"]["objects"]]
    second_ids = [o["id"] for o in second["data"]["objects"]]
    assert not set(first_ids) & set(second_ids)
    assert first_ids == sorted(first_ids, reverse=True)
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert first["totalCount"] == second["totalCount"]
    before = second["pageInfo"]["startCursor"]
    back = (await client.get(f"{OBJECTS}?limit=2&ending_before={before}", headers=headers)).json()
    assert [o["id"] for o in back["data"]["objects"]] == first_ids
    assert back["pageInfo"]["hasNextPage"] is True


async def test_a_page_covering_everything_has_no_next_page(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    body = (await client.get(f"{OBJECTS}?limit=200", headers=model_workspace.headers)).json()
    assert len(body["data"]["objects"]) == body["totalCount"]
    assert body["pageInfo"]["hasNextPage"] is False


async def test_bad_paging_parameters_are_400(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    headers = model_workspace.headers
    both = await client.get(
        f"{OBJECTS}?starting_after={UNKNOWN}&ending_before={UNKNOWN}", headers=headers
    )
    assert both.status_code == 400
    assert messages(both) == ["'starting_after' and 'ending_before' cannot be used together."]
    malformed = await client.get(f"{OBJECTS}?starting_after=not-a-uuid", headers=headers)
    assert malformed.status_code == 400 and messages(malformed) == ["Invalid cursor: not-a-uuid"]
    assert (await client.get(f"{OBJECTS}?limit=-1", headers=headers)).status_code == 400
    assert (await client.get(f"{OBJECTS}?depth=1", headers=headers)).status_code == 400


async def test_get_one_by_id_in_any_case_or_400_or_404(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    headers = model_workspace.headers
    company = await standard_object(client, model_workspace, "company")
    found = await client.get(f"{OBJECTS}/{company['id'].upper()}", headers=headers)
    assert found.status_code == 200
    assert found.json()["data"]["object"]["id"] == company["id"]
    assert found.json()["data"]["object"]["fields"]
    assert (await client.get(f"{OBJECTS}/not-a-uuid", headers=headers)).status_code == 400
    missing = await client.get(f"{OBJECTS}/{UNKNOWN}", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFoundException"


async def test_create_returns_201_with_the_default_fields_and_a_table(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, db: Database
) -> None:
    name = unique("postObj")
    response = await client.post(
        OBJECTS,
        json={
            "nameSingular": name,
            "namePlural": f"{name}s",
            "labelSingular": "Post Obj",
            "labelPlural": "Post Objs",
            "icon": "IconTestPipe",
            "isLabelSyncedWithName": False,
        },
        headers=model_workspace.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()["data"]["createOneObject"]
    assert created["nameSingular"] == name and created["isCustom"] is True
    names = [f["name"] for f in created["fields"]]
    for default in ("id", "name", "createdAt", "updatedAt", "deletedAt", "createdBy", "position"):
        assert default in names
    assert "searchVector" in names
    for relation in (
        "timelineActivities",
        "favorites",
        "attachments",
        "noteTargets",
        "taskTargets",
    ):
        assert field_named(created, relation)["relation"]["type"] == "ONE_TO_MANY"
    assert created["labelIdentifierFieldMetadataId"] == field_named(created, "name")["id"]
    async with db.connection() as conn:
        table = await conn.fetchval(
            "SELECT to_regclass($1)::text", f'{model_workspace.schema}."_{name}"'
        )
        join_column = await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 "
            "AND table_name = 'noteTarget' AND column_name = $2",
            model_workspace.schema,
            f"{name}Id",
        )
    assert table is not None and join_column == 1
    note_target = await standard_object(client, model_workspace, "noteTarget")
    inverse = field_named(note_target, name)
    assert inverse["relation"]["type"] == "MANY_TO_ONE"
    assert inverse["settings"]["onDelete"] == "CASCADE"


async def test_a_new_object_serves_records_at_once(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    obj = await create_object(client, model_workspace)
    path = f"/rest/{obj['namePlural']}"
    created = await client.post(path, json={"name": "First"}, headers=model_workspace.headers)
    assert created.status_code == 201, created.text
    listed = (await client.get(path, headers=model_workspace.headers)).json()
    assert [r["name"] for r in listed["data"][obj["namePlural"]]] == ["First"]


async def test_create_refuses_a_duplicate_and_an_empty_name(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    obj = await create_object(client, model_workspace)
    body = {
        "nameSingular": obj["nameSingular"],
        "namePlural": obj["namePlural"],
        "labelSingular": "Again",
        "labelPlural": "Agains",
    }
    duplicate = await client.post(OBJECTS, json=body, headers=model_workspace.headers)
    assert duplicate.status_code == 400
    assert "Object already exists" in messages(duplicate)
    empty = await client.post(OBJECTS, json={"nameSingular": ""}, headers=model_workspace.headers)
    assert empty.status_code == 400
    assert "nameSingular should not be empty" in messages(empty)


async def test_patch_and_put_update_and_return_the_object(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    obj = await create_object(client, model_workspace)
    for method in ("PATCH", "PUT"):
        label = f"{method.title()} Label"
        response = await client.request(
            method,
            f"{OBJECTS}/{obj['id']}",
            json={"labelSingular": label},
            headers=model_workspace.headers,
        )
        assert response.status_code == 200, response.text
        updated = response.json()["data"]["updateOneObject"]
        assert updated["labelSingular"] == label and updated["fields"]
    unknown = await client.patch(
        f"{OBJECTS}/{UNKNOWN}", json={"labelSingular": "X"}, headers=model_workspace.headers
    )
    assert unknown.status_code == 404


async def test_delete_returns_the_object_and_drops_its_table_and_relations(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, db: Database
) -> None:
    obj = await create_object(client, model_workspace)
    headers = model_workspace.headers
    deactivated = await client.patch(
        f"{OBJECTS}/{obj['id']}", json={"isActive": False}, headers=headers
    )
    assert deactivated.json()["data"]["updateOneObject"]["isActive"] is False
    response = await client.delete(f"{OBJECTS}/{obj['id']}", headers=headers)
    assert response.status_code == 200
    assert response.json()["data"]["deleteOneObject"]["id"] == obj["id"]
    assert (await client.get(f"{OBJECTS}/{obj['id']}", headers=headers)).status_code == 404
    assert (await client.delete(f"{OBJECTS}/{obj['id']}", headers=headers)).status_code == 404
    note_target = await standard_object(client, model_workspace, "noteTarget")
    assert obj["nameSingular"] not in [f["name"] for f in note_target["fields"]]
    async with db.connection() as conn:
        table = await conn.fetchval(
            "SELECT to_regclass($1)::text", f'{model_workspace.schema}."_{obj["nameSingular"]}"'
        )
    assert table is None


async def test_standard_objects_keep_their_names_and_cannot_be_deleted(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    headers = model_workspace.headers
    company = await standard_object(client, model_workspace, "company")
    renamed = await client.patch(
        f"{OBJECTS}/{company['id']}",
        json={"nameSingular": "business", "namePlural": "businesses"},
        headers=headers,
    )
    assert renamed.status_code == 400
    assert messages(renamed) == [
        "Cannot edit standard object metadata properties: namePlural, nameSingular"
    ]
    relabelled = await client.patch(
        f"{OBJECTS}/{company['id']}",
        json={"labelSingular": "Business", "labelPlural": "Businesses", "nameSingular": "company"},
        headers=headers,
    )
    assert relabelled.status_code == 200, relabelled.text
    assert relabelled.json()["data"]["updateOneObject"]["labelPlural"] == "Businesses"
    deleted = await client.delete(f"{OBJECTS}/{company['id']}", headers=headers)
    assert deleted.status_code == 400
    assert (await client.get("/rest/companies", headers=headers)).status_code == 200


async def test_metadata_routes_need_an_api_key(client: httpx.AsyncClient) -> None:
    assert (await client.get(OBJECTS)).status_code == 401
    assert (await client.post(OBJECTS, json={})).status_code == 401


async def test_a_deactivated_object_leaves_the_core_api(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    obj = await create_object(client, model_workspace)
    path, headers = f"/rest/{obj['namePlural']}", model_workspace.headers
    await client.patch(f"{OBJECTS}/{obj['id']}", json={"isActive": False}, headers=headers)
    assert (await client.get(path, headers=headers)).status_code == 400
    await client.patch(f"{OBJECTS}/{obj['id']}", json={"isActive": True}, headers=headers)
    assert (await client.get(path, headers=headers)).status_code == 200
    assert uuid.UUID(obj["id"])
