"""Changing fields live: renames keep the data (every sub-column, constraint and index follow),
options move the data (Note [option edits]), nullability and uniqueness change the table, and
standard or system fields are protected."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from app.metadata import service
from tests.integration.metadata.helpers import (
    create_field,
    create_object,
    field_named,
    messages,
    standard_object,
    unique,
    update_field,
)
from tests.support import WorkspaceFixture

OPTIONS = [
    {"label": "Dog", "value": "DOG", "color": "red"},
    {"label": "Cat", "value": "CAT", "color": "blue"},
    {"label": "Fish", "value": "FISH", "color": "green"},
]


@pytest.fixture(scope="module")
async def pet(module_client: httpx.AsyncClient, model_workspace: WorkspaceFixture) -> Any:
    return await create_object(module_client, model_workspace, unique("animal"))


class Records:
    """The pet object's records through the core REST API."""

    def __init__(self, client: httpx.AsyncClient, workspace: WorkspaceFixture, obj: Any) -> None:
        self.client, self.headers = client, workspace.headers
        self.path = f"/rest/{obj['namePlural']}"
        self.singular = obj["nameSingular"]

    async def create(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(self.path, json=body, headers=self.headers)
        assert response.status_code == 201, response.text
        record: dict[str, Any] = response.json()["data"][f"create{self.singular.title()}"]
        return record

    async def get(self, record_id: str) -> dict[str, Any]:
        response = await self.client.get(f"{self.path}/{record_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        record: dict[str, Any] = response.json()["data"][self.singular]
        return record


async def _columns(db: Database, schema: str, table: str) -> set[str]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = $1 AND table_name = $2",
            schema,
            table,
        )
    return {r["column_name"] for r in rows}


async def test_renaming_a_field_keeps_its_data(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    old = unique("nick")
    field = await create_field(client, model_workspace, pet["id"], old, "TEXT")
    rex = await records.create({old: "Rexy"})
    new = unique("alias")
    renamed = await update_field(client, model_workspace, field["id"], name=new, label="Alias")
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["data"]["updateOneField"]["name"] == new
    assert (await records.get(rex["id"]))[new] == "Rexy"
    stale = await client.post(records.path, json={old: "x"}, headers=records.headers)
    assert stale.status_code == 400


async def test_renaming_a_composite_renames_every_sub_column(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any, db: Database
) -> None:
    records = Records(client, model_workspace, pet)
    field = await create_field(client, model_workspace, pet["id"], "vetName", "FULL_NAME")
    rex = await records.create({"vetName": {"firstName": "Jane", "lastName": "Doe"}})
    response = await update_field(client, model_workspace, field["id"], name="doctor")
    assert response.status_code == 200, response.text
    columns = await _columns(db, model_workspace.schema, f"_{pet['nameSingular']}")
    assert {"doctorFirstName", "doctorLastName"} <= columns
    assert not {"vetNameFirstName", "vetNameLastName"} & columns
    assert (await records.get(rex["id"]))["doctor"] == {"firstName": "Jane", "lastName": "Doe"}


async def test_renaming_a_unique_field_renames_its_index(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any, db: Database
) -> None:
    field = await create_field(client, model_workspace, pet["id"], "chip", "TEXT", isUnique=True)
    await update_field(client, model_workspace, field["id"], name="tag")
    table = f"_{pet['nameSingular']}"
    async with db.connection() as conn:
        names = {
            r["indexname"]
            for r in await conn.fetch(
                "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
                model_workspace.schema,
                table,
            )
        }
    assert f"{table}_tag_unique" in names and f"{table}_chip_unique" not in names


async def test_renaming_a_relation_renames_the_join_column_and_its_constraints(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any, db: Database
) -> None:
    records = Records(client, model_workspace, pet)
    company = await standard_object(client, model_workspace, "company")
    field = await create_field(
        client,
        model_workspace,
        pet["id"],
        "breeder",
        "RELATION",
        relationCreationPayload={
            "type": "MANY_TO_ONE",
            "targetObjectMetadataId": company["id"],
            "targetFieldLabel": unique("Bred"),
        },
    )
    acme = await client.post("/rest/companies", json={"name": "Acme"}, headers=records.headers)
    acme_id = acme.json()["data"]["createCompany"]["id"]
    rex = await records.create({"breederId": acme_id})
    response = await update_field(client, model_workspace, field["id"], name="kennel")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["updateOneField"]["settings"]["joinColumnName"] == "kennelId"
    assert (await records.get(rex["id"]))["kennelId"] == acme_id
    table = f"_{pet['nameSingular']}"
    async with db.connection() as conn:
        constraint = await conn.fetchval(
            "SELECT conname FROM pg_constraint WHERE conname = $1", f"{table}_kennelId_fkey"
        )
    assert constraint is not None


async def test_labels_descriptions_and_icons_change_alone(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    field = await create_field(client, model_workspace, pet["id"], unique("note"), "TEXT")
    response = await update_field(
        client, model_workspace, field["id"], label="  Long   Note ", description="d", icon="IconX"
    )
    updated = response.json()["data"]["updateOneField"]
    assert (updated["label"], updated["description"], updated["icon"]) == (
        "Long Note",
        "d",
        "IconX",
    )
    assert updated["name"] == field["name"]


async def test_option_edits_move_the_data(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    name = unique("species")
    field = await create_field(client, model_workspace, pet["id"], name, "SELECT", options=OPTIONS)
    dog, cat, fish = [await records.create({name: value}) for value in ("DOG", "CAT", "FISH")]
    options = field["options"]
    edited = [
        {**options[0], "value": "HOUND", "label": "Hound"},  # renamed, same id
        options[1],
        {"label": "Bird", "value": "BIRD"},  # added; FISH removed
    ]
    response = await update_field(client, model_workspace, field["id"], options=edited)
    assert response.status_code == 200, response.text
    assert [o["value"] for o in response.json()["data"]["updateOneField"]["options"]] == [
        "HOUND",
        "CAT",
        "BIRD",
    ]
    assert (await records.get(dog["id"]))[name] == "HOUND"
    assert (await records.get(cat["id"]))[name] == "CAT"
    assert (await records.get(fish["id"]))[name] is None
    refused = await client.post(records.path, json={name: "FISH"}, headers=records.headers)
    assert refused.status_code == 400
    await records.create({name: "BIRD"})


async def test_multi_select_option_edits_move_list_elements(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    name = unique("traits")
    field = await create_field(
        client, model_workspace, pet["id"], name, "MULTI_SELECT", options=OPTIONS
    )
    rex = await records.create({name: ["FISH", "DOG", "CAT"]})
    options = field["options"]
    edited = [{**options[0], "value": "CANINE"}, options[1]]
    response = await update_field(client, model_workspace, field["id"], options=edited)
    assert response.status_code == 200, response.text
    assert (await records.get(rex["id"]))[name] == ["CANINE", "CAT"]


async def test_removing_an_option_of_a_required_field_falls_back_to_its_default(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    name = unique("size")
    field = await create_field(
        client,
        model_workspace,
        pet["id"],
        name,
        "SELECT",
        options=OPTIONS,
        defaultValue="'DOG'",
        isNullable=False,
    )
    fish = await records.create({name: "FISH"})
    response = await update_field(client, model_workspace, field["id"], options=OPTIONS[:2])
    assert response.status_code == 200, response.text
    assert (await records.get(fish["id"]))[name] == "DOG"


async def test_a_default_change_applies_to_new_records(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    name = unique("mood")
    field = await create_field(
        client, model_workspace, pet["id"], name, "SELECT", options=OPTIONS, defaultValue="'DOG'"
    )
    response = await update_field(client, model_workspace, field["id"], defaultValue="'CAT'")
    assert response.json()["data"]["updateOneField"]["defaultValue"] == "'CAT'"
    assert (await records.create({}))[name] == "CAT"


async def test_making_a_field_required_fills_or_refuses_empty_rows(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    weight = await create_field(client, model_workspace, pet["id"], unique("weight"), "NUMBER")
    await records.create({})
    refused = await update_field(client, model_workspace, weight["id"], isNullable=False)
    assert refused.status_code == 400
    assert refused.json()["code"] == "METADATA_VALIDATION_FAILED"
    assert messages(refused) == [
        f"Cannot change field '{weight['name']}': some records have no value, so it cannot be "
        "required"
    ]
    filled = await update_field(
        client, model_workspace, weight["id"], isNullable=False, defaultValue=1
    )
    assert filled.status_code == 200, filled.text
    assert filled.json()["data"]["updateOneField"]["isNullable"] is False
    made = await client.post(records.path, json={weight["name"]: None}, headers=records.headers)
    assert made.status_code == 400
    relaxed = await update_field(client, model_workspace, weight["id"], isNullable=True)
    assert relaxed.json()["data"]["updateOneField"]["isNullable"] is True


async def test_uniqueness_is_refused_over_duplicates_and_otherwise_enforced(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    code = await create_field(client, model_workspace, pet["id"], unique("code"), "TEXT")
    await records.create({code["name"]: "A"})
    await records.create({code["name"]: "A"})
    refused = await update_field(client, model_workspace, code["id"], isUnique=True)
    assert refused.status_code == 400
    assert "cannot be unique" in messages(refused)[0]
    unchanged = await client.get(f"/rest/metadata/fields/{code['id']}", headers=records.headers)
    assert unchanged.json()["data"]["field"]["isUnique"] is False  # nothing half-applied
    other = await create_field(client, model_workspace, pet["id"], unique("ref"), "TEXT")
    made = await update_field(client, model_workspace, other["id"], isUnique=True)
    assert made.status_code == 200
    await records.create({other["name"]: "R-1"})
    duplicate = await client.post(
        records.path, json={other["name"]: "R-1"}, headers=records.headers
    )
    assert duplicate.status_code == 400
    await update_field(client, model_workspace, other["id"], isUnique=False)
    await records.create({other["name"]: "R-1"})


async def test_a_deactivated_field_leaves_the_core_api_and_comes_back(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    records = Records(client, model_workspace, pet)
    field = await create_field(client, model_workspace, pet["id"], unique("hidden"), "TEXT")
    rex = await records.create({field["name"]: "kept"})
    await update_field(client, model_workspace, field["id"], isActive=False)
    assert field["name"] not in await records.get(rex["id"])
    refused = await client.post(records.path, json={field["name"]: "x"}, headers=records.headers)
    assert refused.status_code == 400
    await update_field(client, model_workspace, field["id"], isActive=True)
    assert (await records.get(rex["id"]))[field["name"]] == "kept"


async def test_deleting_a_field_drops_its_columns(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any, db: Database
) -> None:
    field = await create_field(client, model_workspace, pet["id"], "home", "ADDRESS")
    response = await client.delete(
        f"/rest/metadata/fields/{field['id']}", headers=model_workspace.headers
    )
    assert response.status_code == 200
    columns = await _columns(db, model_workspace.schema, f"_{pet['nameSingular']}")
    assert not {c for c in columns if c.startswith("home")}


async def test_standard_fields_accept_only_presentation_changes(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    opportunity = await standard_object(client, model_workspace, "opportunity")
    stage = field_named(opportunity, "stage")
    renamed = await update_field(client, model_workspace, stage["id"], name="phase")
    assert renamed.status_code == 400
    assert messages(renamed) == ["Cannot edit standard field metadata properties: name"]
    several = await update_field(
        client, model_workspace, stage["id"], name="phase", isLabelSyncedWithName=True
    )
    assert messages(several) == [
        "Cannot edit standard field metadata properties: isLabelSyncedWithName, name"
    ]
    options = [*stage["options"], {"label": "Closed", "value": "CLOSED", "color": "green"}]
    relabelled = await update_field(
        client, model_workspace, stage["id"], label="Phase", options=options
    )
    assert relabelled.status_code == 200, relabelled.text
    assert relabelled.json()["data"]["updateOneField"]["options"][-1]["value"] == "CLOSED"
    deleted = await client.delete(
        f"/rest/metadata/fields/{stage['id']}", headers=model_workspace.headers
    )
    assert deleted.status_code == 400
    assert messages(deleted) == ["Only custom fields can be deleted"]


async def test_system_fields_cannot_be_deactivated(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    response = await update_field(
        client, model_workspace, field_named(pet, "id")["id"], isActive=False
    )
    assert response.status_code == 400
    assert messages(response) == ["Cannot deactivate system field 'id'"]
    name = await update_field(
        client, model_workspace, field_named(pet, "name")["id"], isActive=False
    )
    assert name.status_code == 400  # the label identifier


async def test_a_busy_table_makes_the_change_give_up_whole(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    pet: Any,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(service, "LOCK_TIMEOUT_MS", 200)
    table = f'"{model_workspace.schema}"."_{pet["nameSingular"]}"'
    async with db.transaction() as conn:
        await conn.execute(f"LOCK TABLE {table} IN ACCESS SHARE MODE")  # a long reader
        response = await client.post(
            "/rest/metadata/fields",
            json={"objectMetadataId": pet["id"], "name": "late", "label": "Late", "type": "TEXT"},
            headers=model_workspace.headers,
        )
    assert response.status_code == 503, response.text
    columns = await _columns(db, model_workspace.schema, f"_{pet['nameSingular']}")
    assert "late" not in columns
    retried = await create_field(client, model_workspace, pet["id"], "late", "TEXT")
    assert retried["name"] == "late"
