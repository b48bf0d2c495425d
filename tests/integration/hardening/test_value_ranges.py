"""Values are checked against what their column holds before anything is written, and every
value a row holds reads back exactly (Note [value ranges], Note [exact numbers]).

Each test sends the hostile value over HTTP, checks the 400 names the field, and checks that
the object still lists and aggregates (a poisoned row used to make every read a 500)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.integration.metadata.helpers import unique
from tests.support import WorkspaceFixture


async def _create_company(
    client: httpx.AsyncClient, ws: WorkspaceFixture, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        "/rest/companies", json={"name": unique("co"), **body}, headers=ws.headers
    )


async def _reads_still_work(client: httpx.AsyncClient, ws: WorkspaceFixture) -> None:
    listed = await client.get("/rest/companies?limit=200", headers=ws.headers)
    assert listed.status_code == 200, listed.text
    graphql = await client.post(
        "/graphql",
        json={
            "query": "{ companies(first: 200) { edges { node { id employees "
            "annualRecurringRevenue { amountMicros } } } } }"
        },
        headers=ws.headers,
    )
    assert graphql.status_code == 200 and "errors" not in graphql.json(), graphql.text
    grouped = await client.get(
        '/rest/companies/groupBy?group_by=[{"name":true}]&aggregate=["sumEmployees","avgEmployees"]',
        headers=ws.headers,
    )
    assert grouped.status_code == 200, grouped.text


@pytest.mark.parametrize("micros", [10**20, -(10**19), 2**63, "1e30"])
async def test_amount_micros_beyond_bigint_is_refused_naming_the_field(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture, micros: Any
) -> None:
    body = {"annualRecurringRevenue": {"amountMicros": micros, "currencyCode": "USD"}}
    response = await _create_company(client, fresh_workspace, body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["code"] == "INVALID_FIELD_VALUE"
    assert "annualRecurringRevenue.amountMicros" in error["messages"][0]
    await _reads_still_work(client, fresh_workspace)


async def test_amount_micros_at_the_bigint_edge_reads_back_exactly(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    edge = 2**63 - 1
    body = {"annualRecurringRevenue": {"amountMicros": edge, "currencyCode": "USD"}}
    created = await _create_company(client, fresh_workspace, body)
    assert created.status_code == 201, created.text
    assert str(edge) in created.text  # the digits, not 9.223372036854776e+18
    record_id = created.json()["data"]["createCompany"]["id"]
    read = await client.get(f"/rest/companies/{record_id}", headers=fresh_workspace.headers)
    assert f'"amountMicros":{edge}' in read.text
    await _reads_still_work(client, fresh_workspace)


@pytest.mark.parametrize("employees", [1e300, -1e300, 12345.678])
async def test_large_floats_are_stored_and_aggregate_without_overflow(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture, employees: float
) -> None:
    for _ in range(2):
        created = await _create_company(client, fresh_workspace, {"employees": employees})
        assert created.status_code == 201, created.text
    await _reads_still_work(client, fresh_workspace)
    graphql = await client.post(
        "/graphql",
        json={"query": "{ companies { sumEmployees avgEmployees maxEmployees } }"},
        headers=fresh_workspace.headers,
    )
    assert "errors" not in graphql.json(), graphql.text
    assert graphql.json()["data"]["companies"]["sumEmployees"] == pytest.approx(2 * employees)


@pytest.mark.parametrize("employees", ["1e308", "-1.7e308", "1e400", "NaN", "Infinity"])
async def test_non_finite_floats_are_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, employees: str
) -> None:
    raw = b'{"name": "x", "employees": ' + employees.encode() + b"}"
    response = await client.post(
        "/rest/companies",
        content=raw,
        headers={**workspace.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text


@pytest.fixture
async def numeric_workspace(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> WorkspaceFixture:
    objects = await client.get("/rest/metadata/objects", headers=fresh_workspace.headers)
    company = next(o for o in objects.json()["data"]["objects"] if o["nameSingular"] == "company")
    response = await client.post(
        "/rest/metadata/fields",
        json={
            "objectMetadataId": company["id"],
            "name": "score",
            "label": "Score",
            "type": "NUMERIC",
        },
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    return fresh_workspace


@pytest.mark.parametrize(
    "text", ["12345678901234567890.123456789", "1e25", "-10000000000000000000", "0.0000001"]
)
async def test_numeric_values_are_exact_end_to_end(
    client: httpx.AsyncClient, numeric_workspace: WorkspaceFixture, text: str
) -> None:
    ws = numeric_workspace
    expected = format(Decimal(text), "f")
    raw = b'{"name": "n", "score": ' + text.encode() + b"}"
    created = await client.post(
        "/rest/companies", content=raw, headers={**ws.headers, "Content-Type": "application/json"}
    )
    assert created.status_code == 201, created.text
    assert f'"score":{expected}' in created.text
    record_id = created.json()["data"]["createCompany"]["id"]
    read = await client.get(f"/rest/companies/{record_id}", headers=ws.headers)
    assert f'"score":{expected}' in read.text
    graphql = await client.post(
        "/graphql",
        json={"query": f'{{ company(filter: {{id: {{eq: "{record_id}"}}}}) {{ score }} }}'},
        headers=ws.headers,
    )
    assert f'"score":{expected}' in graphql.text
    written = await client.post(
        "/graphql",
        json={
            "query": f'mutation {{ updateCompany(id: "{record_id}", '
            f"data: {{score: {text}}}) {{ score }} }}"
        },
        headers=ws.headers,
    )
    assert f'"score":{expected}' in written.text, written.text
    await _reads_still_work(client, ws)


@pytest.mark.parametrize("text", ["1e1001", "1e-1001", '"1e100000000"'])
async def test_numeric_values_beyond_their_bounds_are_refused(
    client: httpx.AsyncClient, numeric_workspace: WorkspaceFixture, text: str
) -> None:
    ws = numeric_workspace
    raw = b'{"name": "n", "score": ' + text.encode() + b"}"
    response = await client.post(
        "/rest/companies", content=raw, headers={**ws.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert "'score'" in response.json()["messages"][0]


async def test_raw_json_nested_too_deep_or_holding_nul_is_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    deep: Any = "leaf"
    for _ in range(300):
        deep = [deep]
    for value in (deep, {"a": "x\u0000y"}):
        response = await client.post(
            "/rest/timelineActivities", json={"properties": value}, headers=workspace.headers
        )
        assert response.status_code in (400,), response.text


async def test_a_label_holding_nul_is_refused(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    name = unique("nul")
    response = await client.post(
        "/rest/metadata/objects",
        json={
            "nameSingular": name,
            "namePlural": name + "s",
            "labelSingular": "A\u0000B",
            "labelPlural": "Bs",
        },
        headers=workspace.headers,
    )
    assert response.status_code == 400, response.text
    assert "labelSingular" in response.text
