"""Renaming and deleting custom objects live: the table and everything named after it follow,
the data stays, the relations other objects hold towards it are renamed or dropped with it."""

from __future__ import annotations

import httpx

from app.db.database import Database
from tests.integration.metadata.helpers import (
    create_field,
    create_object,
    field_named,
    standard_object,
    unique,
)
from tests.support import WorkspaceFixture

OBJECTS = "/rest/metadata/objects"


async def test_renaming_an_object_renames_its_table_and_keeps_its_records(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, db: Database
) -> None:
    headers = model_workspace.headers
    obj = await create_object(client, model_workspace, unique("kitten"))
    await create_field(client, model_workspace, obj["id"], "serial", "TEXT", isUnique=True)
    old_path = f"/rest/{obj['namePlural']}"
    created = await client.post(old_path, json={"name": "Tom", "serial": "T-1"}, headers=headers)
    record_id = created.json()["data"][f"create{obj['nameSingular'].title()}"]["id"]
    new = unique("cat")
    response = await client.patch(
        f"{OBJECTS}/{obj['id']}",
        json={"nameSingular": new, "namePlural": f"{new}s", "labelSingular": "Cat"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    renamed = response.json()["data"]["updateOneObject"]
    assert (renamed["nameSingular"], renamed["labelSingular"]) == (new, "Cat")
    read = await client.get(f"/rest/{new}s/{record_id}", headers=headers)
    assert read.status_code == 200, read.text
    assert read.json()["data"][new]["name"] == "Tom"
    assert (await client.get(old_path, headers=headers)).status_code == 400
    async with db.connection() as conn:
        names = {
            r["name"]
            for r in await conn.fetch(
                "SELECT conname AS name FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                "WHERE t.relname = $1 UNION SELECT indexname FROM pg_indexes WHERE tablename = $1",
                f"_{new}",
            )
        }
    assert {f"_{new}_pkey", f"_{new}_serial_unique", f"_{new}_createdBySource_check"} <= names
    assert not [n for n in names if n.startswith(f"_{obj['nameSingular']}_")]
    note_target = await standard_object(client, model_workspace, "noteTarget")
    inverse = field_named(note_target, new)
    assert inverse["settings"]["joinColumnName"] == f"{new}Id"
    linked = await client.post("/rest/noteTargets", json={f"{new}Id": record_id}, headers=headers)
    assert linked.status_code == 201, linked.text


async def test_deleting_an_object_drops_the_relations_towards_it(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, db: Database
) -> None:
    headers = model_workspace.headers
    brand = await create_object(client, model_workspace, unique("brand"))
    person = await standard_object(client, model_workspace, "person")
    favourite = unique("favouriteBrand")
    await create_field(
        client,
        model_workspace,
        person["id"],
        favourite,
        "RELATION",
        relationCreationPayload={
            "type": "MANY_TO_ONE",
            "targetObjectMetadataId": brand["id"],
            "targetFieldLabel": "Fans",
        },
    )
    deleted = await client.delete(f"{OBJECTS}/{brand['id']}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    person = await standard_object(client, model_workspace, "person")
    assert favourite not in [f["name"] for f in person["fields"]]
    async with db.connection() as conn:
        column = await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 "
            "AND table_name = 'person' AND column_name = $2",
            model_workspace.schema,
            f"{favourite}Id",
        )
    assert column == 0
    created = await client.post("/rest/people", json={"jobTitle": "x"}, headers=headers)
    assert created.status_code == 201, created.text
