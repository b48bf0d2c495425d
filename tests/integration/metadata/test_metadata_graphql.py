"""POST /metadata: Twenty's queries and mutations with its input nesting, connections, paging,
filters and error codes; a change made here is served by the core REST API at once."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from tests.integration.metadata.helpers import gql, unique
from tests.support import WorkspaceFixture

OBJECT_FIELDS = "id nameSingular namePlural labelSingular isCustom isActive createdAt"
CREATE_OBJECT = f"""
mutation CreateOneObject($input: CreateOneObjectInput!) {{
  createOneObject(input: $input) {{ {OBJECT_FIELDS}
    fields(paging: {{first: 1000}}) {{ totalCount edges {{ node {{ id name type }} }} }} }}
}}"""
CREATE_FIELD = """
mutation CreateOneField($input: CreateOneFieldMetadataInput!) {
  createOneField(input: $input) {
    id name label type isCustom isNullable defaultValue options settings objectMetadataId
    object { nameSingular }
    relation { type targetObjectMetadata { id } targetFieldMetadata { id name } }
  }
}"""


async def _create_object(client: httpx.AsyncClient, workspace: WorkspaceFixture) -> Any:
    name = unique("gqlObj")
    body = await gql(
        client,
        workspace,
        CREATE_OBJECT,
        {
            "input": {
                "object": {
                    "nameSingular": name,
                    "namePlural": f"{name}s",
                    "labelSingular": "Gql Obj",
                    "labelPlural": "Gql Objs",
                }
            }
        },
    )
    assert "errors" not in body, body
    return body["data"]["createOneObject"]


async def test_objects_connection_with_nested_fields(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    body = await gql(
        client,
        model_workspace,
        """{ objects(paging: {first: 1000}) {
              totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              edges { cursor node { id nameSingular fields(paging: {first: 1000}) {
                totalCount edges { node { name type } } } } } } }""",
    )
    objects = body["data"]["objects"]
    assert objects["totalCount"] == len(objects["edges"]) >= 11
    assert objects["pageInfo"]["hasNextPage"] is False
    first = objects["edges"][0]
    assert json.loads(base64.b64decode(first["cursor"])) == {"id": first["node"]["id"]}
    person = next(e["node"] for e in objects["edges"] if e["node"]["nameSingular"] == "person")
    names = {e["node"]["name"]: e["node"]["type"] for e in person["fields"]["edges"]}
    assert names["name"] == "FULL_NAME" and names["company"] == "RELATION"


async def test_paging_follows_cursors_and_refuses_twentys_bad_combinations(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    query = """query($p: CursorPaging!) { objects(paging: $p) {
                 pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id } } } }"""
    first = (await gql(client, model_workspace, query, {"p": {"first": 2}}))["data"]["objects"]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    second = await gql(client, model_workspace, query, {"p": {"first": 2, "after": after}})
    second_ids = [e["node"]["id"] for e in second["data"]["objects"]["edges"]]
    assert not set(second_ids) & {e["node"]["id"] for e in first["edges"]}
    assert second["data"]["objects"]["pageInfo"]["hasPreviousPage"] is True
    for paging, message in (
        ({"first": 1, "last": 1}, "Cannot use both first and last"),
        ({"first": 2000}, "Requested page size of 2000 exceeds the maximum size of 1000"),
        ({"first": -1}, "Page size cannot be negative"),
        ({"after": "bm9wZQ=="}, "Invalid cursor: bm9wZQ=="),
    ):
        error = (await gql(client, model_workspace, query, {"p": paging}))["errors"][0]
        assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")


async def test_default_paging_is_twentys_ten(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    body = await gql(client, model_workspace, "{ objects { edges { node { id } } } }")
    assert len(body["data"]["objects"]["edges"]) == 10


async def test_filters_on_objects_and_fields(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    created = await _create_object(client, model_workspace)
    custom = await gql(
        client,
        model_workspace,
        """{ objects(paging: {first: 1000}, filter: {isCustom: {is: true}, isActive: {is: true}})
             { edges { node { id isCustom } } } }""",
    )
    edges = custom["data"]["objects"]["edges"]
    assert created["id"] in {e["node"]["id"] for e in edges}
    assert all(e["node"]["isCustom"] for e in edges)
    by_id = await gql(
        client,
        model_workspace,
        """query($ids: [UUID!]) { objects(filter: {or: [{id: {in: $ids}}]}) {
             edges { node { nameSingular } } } }""",
        {"ids": [created["id"]]},
    )
    assert [e["node"]["nameSingular"] for e in by_id["data"]["objects"]["edges"]] == [
        created["nameSingular"]
    ]
    fields = await gql(
        client,
        model_workspace,
        """query($id: UUID!) { fields(paging: {first: 1000},
             filter: {objectMetadataId: {eq: $id}, isSystem: {is: false}}) {
             totalCount edges { node { name isSystem object { id } } } } }""",
        {"id": created["id"]},
    )
    nodes = [e["node"] for e in fields["data"]["fields"]["edges"]]
    assert nodes and all(n["object"]["id"] == created["id"] and not n["isSystem"] for n in nodes)
    assert "name" in {n["name"] for n in nodes}


async def test_object_and_field_by_id(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    created = await _create_object(client, model_workspace)
    body = await gql(
        client,
        model_workspace,
        "query($id: UUID!) { object(id: $id) { nameSingular fieldsList { id name } } }",
        {"id": created["id"].upper()},
    )
    fields_list = body["data"]["object"]["fieldsList"]
    name_field = next(f for f in fields_list if f["name"] == "name")
    field = await gql(
        client,
        model_workspace,
        "query($id: UUID!) { field(id: $id) { name label object { nameSingular } } }",
        {"id": name_field["id"]},
    )
    assert field["data"]["field"] == {
        "name": "name",
        "label": "Name",
        "object": {"nameSingular": created["nameSingular"]},
    }
    missing = await gql(
        client,
        model_workspace,
        '{ object(id: "20202020-0000-4000-8000-000000000000") { id } }',
    )
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert missing["errors"][0]["message"] == "Object metadata not found"


async def test_object_mutations_with_twentys_input_nesting(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    created = await _create_object(client, model_workspace)
    assert created["isCustom"] is True and created["fields"]["totalCount"] >= 13
    updated = await gql(
        client,
        model_workspace,
        """mutation($input: UpdateOneObjectInput!) { updateOneObject(input: $input) {
             id labelSingular isActive } }""",
        {"input": {"id": created["id"], "update": {"labelSingular": "Renamed", "isActive": False}}},
    )
    assert updated["data"]["updateOneObject"] == {
        "id": created["id"],
        "labelSingular": "Renamed",
        "isActive": False,
    }
    deleted = await gql(
        client,
        model_workspace,
        """mutation($input: DeleteOneObjectInput!) { deleteOneObject(input: $input) {
             id nameSingular } }""",
        {"input": {"id": created["id"]}},
    )
    assert deleted["data"]["deleteOneObject"]["id"] == created["id"]


async def test_field_mutations_and_the_core_api_sees_them_at_once(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    obj = await _create_object(client, model_workspace)
    headers = model_workspace.headers
    created = await gql(
        client,
        model_workspace,
        CREATE_FIELD,
        {
            "input": {
                "field": {
                    "objectMetadataId": obj["id"],
                    "name": "stage",
                    "label": "Stage",
                    "type": "SELECT",
                    "options": [{"label": "New", "value": "NEW"}, {"label": "Won", "value": "WON"}],
                    "defaultValue": "'NEW'",
                }
            }
        },
    )
    assert "errors" not in created, created
    field = created["data"]["createOneField"]
    assert (field["type"], field["object"]) == ("SELECT", {"nameSingular": obj["nameSingular"]})
    path = f"/rest/{obj['namePlural']}"
    record = await client.post(path, json={"stage": "WON"}, headers=headers)
    assert record.status_code == 201, record.text
    updated = await gql(
        client,
        model_workspace,
        """mutation($input: UpdateOneFieldMetadataInput!) { updateOneField(input: $input) {
             name label } }""",
        {"input": {"id": field["id"], "update": {"name": "phase", "label": "Phase"}}},
    )
    assert updated["data"]["updateOneField"] == {"name": "phase", "label": "Phase"}
    listed = (await client.get(path, headers=headers)).json()["data"][obj["namePlural"]]
    assert listed[0]["phase"] == "WON"
    deleted = await gql(
        client,
        model_workspace,
        "mutation($input: DeleteOneFieldInput!) { deleteOneField(input: $input) { id name } }",
        {"input": {"id": field["id"]}},
    )
    assert deleted["data"]["deleteOneField"] == {"id": field["id"], "name": "phase"}
    refused = await client.post(path, json={"phase": "WON"}, headers=headers)
    assert refused.status_code == 400


async def test_relation_creation_payload(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    owner = await _create_object(client, model_workspace)
    pet = await _create_object(client, model_workspace)
    body = await gql(
        client,
        model_workspace,
        CREATE_FIELD,
        {
            "input": {
                "field": {
                    "objectMetadataId": pet["id"],
                    "name": "owner",
                    "label": "Owner",
                    "type": "RELATION",
                    "relationCreationPayload": {
                        "type": "MANY_TO_ONE",
                        "targetObjectMetadataId": owner["id"],
                        "targetFieldLabel": "Pets",
                        "targetFieldIcon": "IconPaw",
                    },
                }
            }
        },
    )
    relation = body["data"]["createOneField"]["relation"]
    assert relation["type"] == "MANY_TO_ONE"
    assert relation["targetObjectMetadata"]["id"] == owner["id"]
    assert relation["targetFieldMetadata"]["name"] == "pets"


async def test_validation_failures_are_grouped_as_twenty(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    body = await gql(
        client,
        model_workspace,
        CREATE_OBJECT,
        {
            "input": {
                "object": {
                    "nameSingular": "user",
                    "namePlural": "Not_Camel_Case",
                    "labelSingular": "U",
                    "labelPlural": "Us",
                }
            }
        },
    )
    (error,) = body["errors"]
    assert error["message"] == "Multiple validation errors occurred while creating object"
    extensions = error["extensions"]
    assert extensions["code"] == "METADATA_VALIDATION_FAILED"
    assert extensions["message"] == "Validation failed for 1 object(s) and 0 field(s)"
    (failure,) = extensions["errors"]["objectMetadata"]
    assert failure["type"] == "create_object"
    assert {e["message"] for e in failure["errors"]} >= {
        'This name is reserved. Use a different name or the system will add "Custom" suffix.',
        "Name is not valid: it must start with lowercase letter and contain only alphanumeric "
        "letters",
    }
    assert extensions["summary"]["invalidObjectMetadata"] == 1


async def test_input_errors_are_bad_user_input(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    empty = await gql(
        client,
        model_workspace,
        CREATE_OBJECT,
        {
            "input": {
                "object": {
                    "nameSingular": "",
                    "namePlural": "xs",
                    "labelSingular": "X",
                    "labelPlural": "Xs",
                }
            }
        },
    )
    assert empty["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "nameSingular should not be empty" in empty["errors"][0]["message"]
    typo = await gql(client, model_workspace, "{ objects { edges { nope } } }")
    assert typo["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    bad_id = await gql(
        client, model_workspace, "query($id: UUID!) { object(id: $id) { id } }", {"id": "x"}
    )
    assert bad_id["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_standard_field_edits_are_forbidden(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    fields = await gql(
        client,
        model_workspace,
        """{ fields(paging: {first: 1000}, filter: {isCustom: {is: false}}) {
             edges { node { id name object { nameSingular } } } } }""",
    )
    stage = next(
        e["node"]
        for e in fields["data"]["fields"]["edges"]
        if e["node"]["name"] == "stage" and e["node"]["object"]["nameSingular"] == "opportunity"
    )
    body = await gql(
        client,
        model_workspace,
        """mutation($input: UpdateOneFieldMetadataInput!) { updateOneField(input: $input) {
             id } }""",
        {"input": {"id": stage["id"], "update": {"name": "phase"}}},
    )
    (error,) = body["errors"]
    assert error["message"] == "Cannot edit standard field metadata properties: name"
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_the_endpoint_needs_an_api_key_before_it_reads_the_body(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    response = await client.post("/metadata", json={"query": "{ objects { totalCount } }"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    malformed = await client.post("/metadata", content=b"{", headers={"Authorization": "x"})
    assert malformed.status_code == 401
    headers = model_workspace.headers
    malformed = await client.post("/metadata", content=b"{", headers=headers)
    assert malformed.status_code == 400


async def test_the_core_graphql_schema_follows_at_once(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    obj = await _create_object(client, model_workspace)
    query = f"{{ {obj['namePlural']} {{ edges {{ node {{ id mood }} }} }} }}"
    before = await client.post("/graphql", json={"query": query}, headers=model_workspace.headers)
    assert before.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    created = await gql(
        client,
        model_workspace,
        CREATE_FIELD,
        {
            "input": {
                "field": {
                    "objectMetadataId": obj["id"],
                    "name": "mood",
                    "label": "Mood",
                    "type": "TEXT",
                }
            }
        },
    )
    assert "errors" not in created, created
    after = await client.post("/graphql", json={"query": query}, headers=model_workspace.headers)
    assert "errors" not in after.json(), after.json()
    assert after.json()["data"][obj["namePlural"]]["edges"] == []
