"""RELATION fields with `relationCreationPayload` (spec §3.6): both sides, the join column with
its foreign key and index, and the core API using them at once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.metadata.helpers import (
    create_field,
    create_object,
    field_named,
    messages,
    standard_object,
    unique,
)
from tests.support import WorkspaceFixture

FIELDS = "/rest/metadata/fields"


@pytest.fixture(scope="module")
async def pet(module_client: httpx.AsyncClient, model_workspace: WorkspaceFixture) -> Any:
    return await create_object(module_client, model_workspace, unique("pet"))


def payload(kind: str, target: str, label: str, name: str | None = None) -> dict[str, Any]:
    out = {
        "type": kind,
        "targetObjectMetadataId": target,
        "targetFieldLabel": label,
        "targetFieldIcon": "IconLink",
    }
    if name is not None:
        out["targetFieldName"] = name
    return out


async def _constraints(db: Database, schema: str, table: str) -> dict[str, str]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT c.conname, c.contype::text AS contype FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = $1 AND t.relname = $2",
            schema,
            table,
        )
    return {r["conname"]: r["contype"] for r in rows}


async def _indexes(db: Database, schema: str, table: str) -> set[str]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
            schema,
            table,
        )
    return {r["indexname"] for r in rows}


async def test_many_to_one_creates_both_sides_the_fk_and_the_index(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any, db: Database
) -> None:
    company = await standard_object(client, model_workspace, "company")
    inverse = unique("pets")
    owner = await create_field(
        client,
        model_workspace,
        pet["id"],
        "owner",
        "RELATION",
        relationCreationPayload=payload("MANY_TO_ONE", company["id"], "Pets", inverse),
    )
    assert owner["settings"] == {
        "relationType": "MANY_TO_ONE",
        "onDelete": "SET_NULL",
        "joinColumnName": "ownerId",
    }
    assert owner["relation"]["targetFieldMetadata"]["name"] == inverse
    other_side = field_named(await standard_object(client, model_workspace, "company"), inverse)
    assert other_side["relation"]["type"] == "ONE_TO_MANY"
    assert other_side["relationTargetFieldMetadataId"] == owner["id"]
    table = f"_{pet['nameSingular']}"
    assert _constraints_has(await _constraints(db, model_workspace.schema, table), "ownerId_fkey")
    assert f"{table}_ownerId_idx" in await _indexes(db, model_workspace.schema, table)

    headers = model_workspace.headers
    acme = await client.post("/rest/companies", json={"name": "Acme"}, headers=headers)
    acme_id = acme.json()["data"]["createCompany"]["id"]
    path = f"/rest/{pet['namePlural']}"
    created = await client.post(path, json={"name": "Rex", "ownerId": acme_id}, headers=headers)
    assert created.status_code == 201, created.text
    listed = await client.get(f"{path}?depth=1", headers=headers)
    (record,) = listed.json()["data"][pet["namePlural"]]
    assert record["ownerId"] == acme_id and record["owner"]["name"] == "Acme"
    orphan = await client.post(
        path, json={"ownerId": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"}, headers=headers
    )
    assert orphan.status_code == 400
    await client.delete(f"/rest/companies/{acme_id}", headers=headers)
    after = (await client.get(path, headers=headers)).json()["data"][pet["namePlural"]]
    assert after[0]["ownerId"] is None  # ON DELETE SET NULL


def _constraints_has(constraints: dict[str, str], suffix: str) -> bool:
    return any(name.endswith(suffix) and kind == "f" for name, kind in constraints.items())


async def test_one_to_many_puts_the_join_column_on_the_target(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any, db: Database
) -> None:
    toy = await create_object(client, model_workspace, unique("toy"))
    toys = await create_field(
        client,
        model_workspace,
        pet["id"],
        "toys",
        "RELATION",
        relationCreationPayload=payload("ONE_TO_MANY", toy["id"], "Played By"),
    )
    assert toys["settings"] == {"relationType": "ONE_TO_MANY"}
    player = toys["relation"]["targetFieldMetadata"]
    assert player["name"] == "playedBy"  # computed from the label, as Twenty does
    table = f"_{toy['nameSingular']}"
    assert _constraints_has(
        await _constraints(db, model_workspace.schema, table), "playedById_fkey"
    )
    headers = model_workspace.headers
    rex = await client.post(f"/rest/{pet['namePlural']}", json={"name": "Rex"}, headers=headers)
    rex_id = rex.json()["data"][f"create{pet['nameSingular'].title()}"]["id"]
    ball = await client.post(
        f"/rest/{toy['namePlural']}", json={"name": "Ball", "playedById": rex_id}, headers=headers
    )
    assert ball.status_code == 201, ball.text


async def test_a_self_relation_names_both_sides_on_one_object(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    parent = await create_field(
        client,
        model_workspace,
        pet["id"],
        "parent",
        "RELATION",
        relationCreationPayload=payload("MANY_TO_ONE", pet["id"], "Children"),
    )
    assert parent["relation"]["targetObjectMetadata"]["id"] == pet["id"]
    assert parent["relation"]["targetFieldMetadata"]["name"] == "children"


async def test_deleting_a_relation_removes_both_sides_and_the_column(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any, db: Database
) -> None:
    vet = await create_object(client, model_workspace, unique("vet"))
    field = await create_field(
        client,
        model_workspace,
        pet["id"],
        "vet",
        "RELATION",
        relationCreationPayload=payload("MANY_TO_ONE", vet["id"], "Patients"),
    )
    headers = model_workspace.headers
    deleted = await client.delete(f"{FIELDS}/{field['id']}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    inverse_id = field["relation"]["targetFieldMetadata"]["id"]
    assert (await client.get(f"{FIELDS}/{inverse_id}", headers=headers)).status_code == 404
    async with db.connection() as conn:
        columns = await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 "
            "AND table_name = $2 AND column_name = 'vetId'",
            model_workspace.schema,
            f"_{pet['nameSingular']}",
        )
    assert columns == 0


async def test_a_relation_needs_a_valid_payload(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, pet: Any
) -> None:
    body = {"objectMetadataId": pet["id"], "name": "friend", "label": "Friend", "type": "RELATION"}
    missing = await client.post(FIELDS, json=body, headers=model_workspace.headers)
    assert missing.status_code == 400
    assert messages(missing) == ["Relation creation payload is required"]
    unknown_target = payload("MANY_TO_ONE", "20202020-0000-4000-8000-000000000000", "Friends")
    not_found = await client.post(
        FIELDS,
        json={**body, "relationCreationPayload": unknown_target},
        headers=model_workspace.headers,
    )
    assert not_found.status_code == 400
    assert messages(not_found) == [
        "Object metadata relation target not found for relation creation payload"
    ]
    malformed = await client.post(
        FIELDS,
        json={**body, "relationCreationPayload": {"type": "MANY_TO_MANY"}},
        headers=model_workspace.headers,
    )
    assert messages(malformed) == ["Relation creation payload is invalid"]
