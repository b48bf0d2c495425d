"""Errors over HTTP: Twenty's envelope `{statusCode, error, messages}` plus our `code`, Twenty's
messages where its tests pin them, and never a 500 (spec §1.2, §1.3, §1.8)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.integration.rest.helpers import assert_error, create_many
from tests.support import WorkspaceFixture

PATH_EXAMPLES = "Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies"


# ---- paths and objects -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/rest/person"), ("POST", "/rest/person"), ("GET", f"/rest/person/{uuid.uuid4()}")],
)
async def test_singular_object_name_suggests_the_plural(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, method: str, path: str
) -> None:
    response = await client.request(method, path, json={}, headers=workspace.headers)
    body = assert_error(
        response,
        400,
        code="OBJECT_NOT_FOUND",
        message="object 'person' not found. Did you mean 'people'?",
    )
    assert body["error"] == "BadRequestException"


async def test_unknown_object_gives_an_example(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/spaceships", headers=workspace.headers)
    assert_error(
        response,
        400,
        code="OBJECT_NOT_FOUND",
        message="object 'spaceships' not found. eg: companies",
    )


async def test_batch_of_an_unknown_object_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post("/rest/batch/persons", json=[{}], headers=workspace.headers)
    assert_error(response, 400, code="OBJECT_NOT_FOUND")


@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE"])
async def test_invalid_uuid_in_the_path_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, method: str
) -> None:
    response = await client.request(
        method, "/rest/people/not-a-uuid", json={"city": "x"}, headers=workspace.headers
    )
    assert_error(response, 400, code="INVALID_PATH", message="'not-a-uuid' is not a valid UUID")


async def test_invalid_uuid_in_a_restore_path_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.patch("/rest/people/nope/restore", headers=workspace.headers)
    assert_error(response, 400, code="INVALID_PATH", message="'nope' is not a valid UUID")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/rest/people/{uuid.uuid4()}/extra"),
        ("GET", "/rest/a/b/c/d"),
        ("DELETE", f"/rest/people/{uuid.uuid4()}/restore"),
        ("POST", f"/rest/people/{uuid.uuid4()}"),
        ("GET", "/rest/"),
        ("GET", "/rest"),
    ],
)
async def test_path_twenty_would_refuse_returns_400_with_examples(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, method: str, path: str
) -> None:
    response = await client.request(method, path, headers=workspace.headers)
    assert_error(response, 400, code="INVALID_PATH", contains=PATH_EXAMPLES)
    assert response.json()["messages"][0].startswith("Query path '")


async def test_missing_record_returns_404_record_not_found(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    missing = uuid.uuid4()
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method, f"/rest/people/{missing}", json={"city": "x"}, headers=workspace.headers
        )
        body = assert_error(response, 404, code="RECORD_NOT_FOUND", message="Record not found")
        assert body["error"] == "NotFoundException"


# ---- query parameters --------------------------------------------------------------------


async def test_unknown_query_parameter_returns_400_with_suggestion(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/people?limt=3", headers=workspace.headers)
    body = assert_error(
        response, 400, code="UNKNOWN_PARAMETER", message="Unknown query parameter 'limt'"
    )
    assert body["hint"] == "Did you mean 'limit'?"


async def test_query_parameter_of_another_route_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get(f"/rest/people/{uuid.uuid4()}?filter=x", headers=workspace.headers)
    assert_error(response, 400, code="UNKNOWN_PARAMETER", contains="'filter'")


@pytest.mark.parametrize("depth", ["2", "-1", "one"])
async def test_depth_other_than_0_or_1_returns_twentys_message(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, depth: str
) -> None:
    response = await client.get(f"/rest/people?depth={depth}", headers=workspace.headers)
    assert_error(
        response,
        400,
        code="INVALID_PARAMETER",
        message=f"'depth={depth}' parameter invalid. Allowed values are 0, 1",
    )


async def test_fields_naming_an_unknown_field_returns_400_with_suggestion(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/people?fields=id,jobTitel", headers=workspace.headers)
    body = assert_error(
        response, 400, code="FIELD_NOT_FOUND", contains="'fields' parameter invalid"
    )
    assert "'jobTitel'" in body["messages"][0]
    assert body["hint"] == "Did you mean 'jobTitle'?"


async def test_fields_naming_an_unknown_sub_field_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/people?fields=name.middleName", headers=workspace.headers)
    assert_error(response, 400, code="FIELD_NOT_FOUND", contains="name.middleName")


async def test_order_by_unknown_field_returns_field_not_found(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/companies?order_by=employes", headers=workspace.headers)
    body = assert_error(response, 400, code="FIELD_NOT_FOUND", contains="'employes'")
    assert body["hint"] == "Did you mean 'employees'?"


async def test_parameter_given_twice_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/people?limit=1&limit=2", headers=workspace.headers)
    assert_error(response, 400, code="INVALID_PARAMETER", contains="'limit'")


async def test_soft_delete_flag_other_than_true_or_false_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.delete(
        f"/rest/people/{uuid.uuid4()}?soft_delete=True", headers=workspace.headers
    )
    assert_error(
        response, 400, code="INVALID_PARAMETER", contains="'soft_delete' parameter invalid"
    )


# ---- bodies ------------------------------------------------------------------------------


async def test_unknown_field_in_the_body_returns_400_with_suggestion(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post("/rest/people", json={"citty": "Paris"}, headers=workspace.headers)
    body = assert_error(response, 400, code="FIELD_NOT_FOUND", contains="'citty'")
    assert body["hint"] == "Did you mean 'city'?"


async def test_unknown_sub_field_in_the_body_returns_400_with_suggestion(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people", json={"name": {"firstname": "Ada"}}, headers=workspace.headers
    )
    body = assert_error(response, 400, contains="'firstname'")
    assert body["hint"] == "Did you mean 'firstName'?"


@pytest.mark.parametrize(
    ("plural", "body", "named"),
    [
        ("companies", {"employees": "many"}, "employees"),
        ("companies", {"idealCustomerProfile": "yes"}, "idealCustomerProfile"),
        (
            "companies",
            {"annualRecurringRevenue": {"amountMicros": "lots"}},
            "annualRecurringRevenue.amountMicros",
        ),
        ("companies", {"domainName": "acme.com"}, "domainName"),
        ("people", {"name": {"firstName": 5}}, "name.firstName"),
        ("people", {"emails": {"primaryEmail": "not-an-email"}}, "emails.primaryEmail"),
        ("people", {"city": ["a"]}, "city"),
        ("opportunities", {"closeDate": "tomorrow"}, "closeDate"),
        ("people", {"companyId": "not-a-uuid"}, "companyId"),
        ("people", {"createdBy": {"source": "ROBOT"}}, "createdBy.source"),
    ],
)
async def test_value_of_the_wrong_type_in_a_body_returns_400_naming_the_field(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, plural: str, body: dict, named: str
) -> None:
    response = await client.post(f"/rest/{plural}", json=body, headers=workspace.headers)
    error = assert_error(response, 400, code="INVALID_FIELD_VALUE")
    assert f"'{named}'" in error["messages"][0]


async def test_same_wrong_value_on_update_returns_400_naming_the_field(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    [company] = await create_many(client, workspace, "companies", [{"name": "Typed"}])
    response = await client.patch(
        f"/rest/companies/{company['id']}", json={"employees": "many"}, headers=workspace.headers
    )
    assert_error(response, 400, code="INVALID_FIELD_VALUE", contains="'employees'")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"updatedAt": "2024-01-01T00:00:00Z"}, "updatedAt"),
        ({"deletedAt": "2024-01-01T00:00:00Z"}, "deletedAt"),
        ({"company": {"name": "x"}}, "company"),
        ({"pointOfContactForOpportunities": []}, "pointOfContactForOpportunities"),
    ],
)
async def test_read_only_and_relation_fields_in_a_body_return_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, body: dict, named: str
) -> None:
    response = await client.post("/rest/people", json=body, headers=workspace.headers)
    error = assert_error(response, 400, code="INVALID_FIELD_VALUE")
    assert f"'{named}'" in error["messages"][0]


async def test_invalid_select_value_returns_400_naming_the_field_and_options(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/opportunities", json={"name": "Deal", "stage": "WON"}, headers=workspace.headers
    )
    body = assert_error(response, 400, code="INVALID_FIELD_VALUE", contains="'stage'")
    assert 'invalid input value for enum: "WON"' in body["messages"][0]
    assert "NEW" in body["messages"][0]


async def test_null_in_a_non_nullable_field_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/opportunities", json={"name": "Deal", "stage": None}, headers=workspace.headers
    )
    assert_error(response, 400, code="INVALID_FIELD_VALUE", contains="'stage'")


async def test_create_with_an_existing_id_returns_duplicate_entry(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    [company] = await create_many(client, workspace, "companies", [{"name": "Twice"}])
    response = await client.post(
        "/rest/companies", json={"id": company["id"], "name": "Again"}, headers=workspace.headers
    )
    body = assert_error(
        response, 400, code="DUPLICATE_ENTRY", message="A duplicate entry was detected"
    )
    assert body["error"] == "BadRequestException"


async def test_create_with_a_taken_unique_value_returns_duplicate_entry_naming_the_field(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    await create_many(
        client, fresh_workspace, "companies", [{"domainName": {"primaryLinkUrl": "https://a.io"}}]
    )
    response = await client.post(
        "/rest/companies",
        json={"domainName": {"primaryLinkUrl": "https://a.io/"}},
        headers=fresh_workspace.headers,
    )
    body = assert_error(response, 400, code="DUPLICATE_ENTRY")
    assert "domainNamePrimaryLinkUrl" in body["hint"]


async def test_company_id_pointing_nowhere_returns_400_naming_company_id(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/people", json={"companyId": str(uuid.uuid4())}, headers=workspace.headers
    )
    assert_error(response, 400, code="INVALID_FIELD_VALUE", contains="'companyId'")


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2", b"\xff\xfe"])
async def test_invalid_json_body_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, raw: bytes
) -> None:
    response = await client.post(
        "/rest/people",
        content=raw,
        headers={**workspace.headers, "Content-Type": "application/json"},
    )
    assert_error(response, 400, code="INVALID_BODY")


@pytest.mark.parametrize("body", [[{"city": "x"}], "text", 3, None])
async def test_create_one_with_a_body_that_is_not_an_object_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, body: object
) -> None:
    response = await client.post("/rest/people", json=body, headers=workspace.headers)
    assert_error(response, 400, code="INVALID_BODY")


@pytest.mark.parametrize("body", [[{"city": "x"}], "text", {}])
async def test_update_with_a_body_that_sets_nothing_returns_400(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, body: object
) -> None:
    [person] = await create_many(client, workspace, "people", [{"city": "Kept"}])
    response = await client.patch(
        f"/rest/people/{person['id']}", json=body, headers=workspace.headers
    )
    assert_error(response, 400, code="INVALID_BODY")


# ---- never a 500 -------------------------------------------------------------------------

HOSTILE_REQUESTS = [
    ("GET", "/rest/people?filter=" + "not(" * 40 + "city[eq]:x" + ")" * 40, None),
    ("GET", "/rest/people?filter=city[eq]:%00", None),
    ("GET", "/rest/people?filter=city[like]:%25%00", None),
    ("GET", "/rest/people?filter=emails.additionalEmails[ilike]:%00", None),
    ("GET", "/rest/companies?filter=annualRecurringRevenue.amountMicros[gt]:1e1000000", None),
    ("GET", '/rest/people?filter=position[eq]:"NaN"', None),
    ("GET", "/rest/people?filter=createdAt[gt]:99999-01-01", None),
    ("GET", "/rest/people?fields=", None),
    ("GET", "/rest/people?starting_after=" + "A" * 5000, None),
    ("POST", "/rest/people", {"city": "a\u0000b"}),
    ("POST", "/rest/people", {"position": 1e400}),
    ("POST", "/rest/companies", {"annualRecurringRevenue": {"amountMicros": 1.5}}),
    ("POST", "/rest/companies", {"employees": 10**400}),
    ("POST", "/rest/companies", {"address": {"addressLat": "north"}}),
    ("POST", "/rest/opportunities", {"closeDate": 10**20}),
    ("POST", "/rest/people", {"emails": {"additionalEmails": "x@y.z"}}),
    ("POST", "/rest/people", {"phones": {"additionalPhones": [{"number": 5}]}}),
    ("POST", "/rest/people", {"createdBy": {"context": []}}),
]


@pytest.mark.parametrize(("method", "path", "body"), HOSTILE_REQUESTS)
async def test_hostile_input_returns_400_not_500(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    method: str,
    path: str,
    body: object,
) -> None:
    if body is None:
        response = await client.request(method, path, headers=workspace.headers)
    else:
        response = await client.request(
            method,
            path,
            content=httpx_json(body),
            headers={**workspace.headers, "Content-Type": "application/json"},
        )
    assert_error(response, 400)


def httpx_json(body: object) -> bytes:
    """JSON text that may hold numbers Python's json writes but httpx's encoder refuses."""
    import json

    return json.dumps(body).encode()


async def test_update_to_a_taken_unique_value_returns_duplicate_entry(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    _, second = await create_many(
        client,
        fresh_workspace,
        "people",
        [{"emails": {"primaryEmail": "one@x.io"}}, {"emails": {"primaryEmail": "two@x.io"}}],
    )
    response = await client.patch(
        f"/rest/people/{second['id']}",
        json={"emails": {"primaryEmail": "one@x.io"}},
        headers=fresh_workspace.headers,
    )
    assert_error(response, 400, code="DUPLICATE_ENTRY", message="A duplicate entry was detected")


async def test_update_of_company_id_pointing_nowhere_returns_400_naming_company_id(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    [person] = await create_many(client, workspace, "people", [{"city": "Linked"}])
    response = await client.patch(
        f"/rest/people/{person['id']}",
        json={"companyId": str(uuid.uuid4())},
        headers=workspace.headers,
    )
    assert_error(response, 400, code="INVALID_FIELD_VALUE", contains="'companyId'")


async def test_batch_item_that_is_not_an_object_is_named_by_index(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        "/rest/batch/people", json=[{"city": "ok"}, "nope"], headers=workspace.headers
    )
    assert_error(
        response, 400, code="INVALID_BODY", message="Each record must be a JSON object (record 1)"
    )
