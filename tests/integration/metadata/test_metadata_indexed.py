"""`isIndexed` (ours): marking a field indexed creates its sort indexes in the same transaction.

Note [sort indexes] in app/metadata/ddl.py: `(field NULLS LAST, id)` and `(field NULLS FIRST,
id)` over live rows, which serve sorts on the field in every direction and filters on it, and
`(field, createdAt, id)` (Note [indexed filters]) for the newest-first list filtered on it.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.metadata.helpers import (
    create_field,
    create_object,
    gql,
    messages,
    standard_object,
    unique,
    update_field,
)
from tests.support import WorkspaceFixture


@pytest.fixture(scope="module")
async def thing(module_client: httpx.AsyncClient, model_workspace: WorkspaceFixture) -> Any:
    return await create_object(module_client, model_workspace, unique("thing"))


async def _indexes(db: Database, schema: str, table: str) -> set[str]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
            schema,
            table,
        )
    return {r["indexname"] for r in rows}


async def test_an_indexed_field_gets_its_sort_indexes_and_keeps_them_through_a_rename(
    client: httpx.AsyncClient, db: Database, model_workspace: WorkspaceFixture, thing: Any
) -> None:
    ws, table = model_workspace, f"_{thing['nameSingular']}"
    name = unique("rank")
    field = await create_field(client, ws, thing["id"], name, "NUMBER", isIndexed=True)
    assert field["isIndexed"] is True
    assert {
        f"{table}_{name}_sortnl",
        f"{table}_{name}_sortnf",
        f"{table}_{name}_bycreated",
    } <= await _indexes(db, ws.schema, table)

    renamed = unique("score")
    response = await update_field(client, ws, field["id"], name=renamed, label="Score")
    assert response.status_code == 200, response.text
    indexes = await _indexes(db, ws.schema, table)
    assert {
        f"{table}_{renamed}_sortnl",
        f"{table}_{renamed}_sortnf",
        f"{table}_{renamed}_bycreated",
    } <= indexes
    assert not any(name in i for i in indexes)

    off = await update_field(client, ws, field["id"], isIndexed=False)
    assert off.status_code == 200, off.text
    assert off.json()["data"]["updateOneField"]["isIndexed"] is False
    assert not any(renamed in i for i in await _indexes(db, ws.schema, table))

    on = await update_field(client, ws, field["id"], isIndexed=True)
    assert on.status_code == 200, on.text
    assert f"{table}_{renamed}_sortnf" in await _indexes(db, ws.schema, table)


async def test_a_standard_field_can_be_indexed(
    client: httpx.AsyncClient, db: Database, model_workspace: WorkspaceFixture
) -> None:
    person = await standard_object(client, model_workspace, "person")
    city = next(f for f in person["fields"] if f["name"] == "city")
    response = await update_field(client, model_workspace, city["id"], isIndexed=True)
    assert response.status_code == 200, response.text
    assert "person_city_sortnl" in await _indexes(db, model_workspace.schema, "person")


async def test_a_field_that_cannot_be_sorted_cannot_be_indexed(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, thing: Any
) -> None:
    response = await client.post(
        "/rest/metadata/fields",
        json={
            "objectMetadataId": thing["id"],
            "name": unique("blob"),
            "label": "Blob",
            "type": "RAW_JSON",
            "isIndexed": True,
        },
        headers=model_workspace.headers,
    )
    assert response.status_code == 400, response.text
    assert any("isIndexed is not supported for RAW_JSON" in m for m in messages(response))


async def test_is_indexed_over_graphql(
    client: httpx.AsyncClient, db: Database, model_workspace: WorkspaceFixture, thing: Any
) -> None:
    name = unique("code")
    body = await gql(
        client,
        model_workspace,
        """mutation($input: CreateOneFieldMetadataInput!) {
             createOneField(input: $input) { name isIndexed } }""",
        {
            "input": {
                "field": {
                    "objectMetadataId": thing["id"],
                    "name": name,
                    "label": "Code",
                    "type": "TEXT",
                    "isIndexed": True,
                }
            }
        },
    )
    assert body["data"]["createOneField"] == {"name": name, "isIndexed": True}
    table = f"_{thing['nameSingular']}"
    assert f"{table}_{name}_sortnf" in await _indexes(db, model_workspace.schema, table)
