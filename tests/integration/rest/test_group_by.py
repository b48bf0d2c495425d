"""GET /rest/{plural}/groupBy, after Twenty's rest-api-core-group-by suite."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.support import WorkspaceFixture

GROUP_BY = json.dumps([{"closeDate": {"granularity": "DAY_OF_THE_WEEK"}}, {"stage": True}])
AGGREGATE = json.dumps(["maxAmountAmountMicros"])


@pytest.fixture
async def opportunities(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> WorkspaceFixture:
    rows = [
        ("Opportunity 1", "NEW", 1_000_000_000_000, "2025-02-05T08:00:00.000Z"),  # Wednesday
        ("Opportunity 2", "NEW", 2_000_000_000_000, "2025-02-06T08:00:00.000Z"),  # Thursday
        ("Opportunity 3", "NEW", 3_000_000_000_000, "2025-02-06T08:00:00.000Z"),
        ("Opportunity 4", "SCREENING", 4_000_000_000_000, "2025-02-06T08:00:00.000Z"),
    ]
    body = [
        {
            "name": n,
            "stage": s,
            "amount": {"amountMicros": a, "currencyCode": "USD"},
            "closeDate": d,
        }
        for n, s, a, d in rows
    ]
    response = await client.post(
        "/rest/batch/opportunities", json=body, headers=fresh_workspace.headers
    )
    assert response.status_code == 201, response.text
    return fresh_workspace


def _find(groups: list[dict[str, Any]], *values: str) -> dict[str, Any]:
    return next(g for g in groups if all(v in g["groupByDimensionValues"] for v in values))


async def test_groups_by_weekday_and_stage_with_records(
    client: httpx.AsyncClient, opportunities: WorkspaceFixture
) -> None:
    response = await client.get(
        f"/rest/opportunities/groupBy?group_by={quote(GROUP_BY)}&aggregate={quote(AGGREGATE)}"
        "&include_records_sample=true&limit=10",
        headers=opportunities.headers,
    )
    assert response.status_code == 200, response.text
    groups = response.json()
    assert isinstance(groups, list)
    assert len(groups) == 3
    wednesday = _find(groups, "Wednesday", "NEW")
    assert wednesday["maxAmountAmountMicros"] == "1000000000000"
    assert [r["name"] for r in wednesday["records"]] == ["Opportunity 1"]
    thursday_new = _find(groups, "Thursday", "NEW")
    assert thursday_new["maxAmountAmountMicros"] == "3000000000000"
    assert len(thursday_new["records"]) == 2
    assert _find(groups, "Thursday", "SCREENING")["maxAmountAmountMicros"] == "4000000000000"


async def test_group_by_respects_the_filter(
    client: httpx.AsyncClient, opportunities: WorkspaceFixture
) -> None:
    response = await client.get(
        f"/rest/opportunities/groupBy?group_by={quote(GROUP_BY)}"
        f"&filter={quote(chr(39).join(['stage[eq]:', 'NEW', '']))}&include_records_sample=true",
        headers=opportunities.headers,
    )
    groups = response.json()
    assert len(groups) == 2
    assert all("NEW" in g["groupByDimensionValues"] for g in groups)
    assert all(g["totalCount"] >= 1 for g in groups)


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("AscNullsFirst", ["Opportunity 2", "Opportunity 3"]),
        ("DescNullsFirst", ["Opportunity 3", "Opportunity 2"]),
    ],
)
async def test_order_by_for_records_sorts_each_sample(
    client: httpx.AsyncClient, opportunities: WorkspaceFixture, direction: str, expected: list[str]
) -> None:
    response = await client.get(
        f"/rest/opportunities/groupBy?group_by={quote(GROUP_BY)}"
        f"&order_by_for_records={quote(f'name[{direction}]')}&include_records_sample=true",
        headers=opportunities.headers,
    )
    thursday = _find(response.json(), "Thursday", "NEW")
    assert [r["name"] for r in thursday["records"]] == expected


async def test_groups_order_by_an_aggregate(
    client: httpx.AsyncClient, opportunities: WorkspaceFixture
) -> None:
    order = json.dumps([{"aggregate": {"totalCount": "DescNullsLast"}}])
    response = await client.get(
        f"/rest/opportunities/groupBy?group_by={quote(json.dumps([{'stage': True}]))}"
        f"&order_by={quote(order)}",
        headers=opportunities.headers,
    )
    groups = response.json()
    assert [g["groupByDimensionValues"] for g in groups] == [["NEW"], ["SCREENING"]]
    assert [g["totalCount"] for g in groups] == [3, 1]
    assert "records" not in groups[0]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("", "Invalid group_by"),
        ("group_by=notjson", "Invalid group_by"),
        (f"group_by={quote(json.dumps([{'nope': True}]))}", "'nope' does not exist"),
        (f"group_by={quote(json.dumps([{'stage': {'granularity': 'DAY'}}]))}", "not a date field"),
        (
            f"group_by={quote(GROUP_BY)}&aggregate={quote(json.dumps(['maxNope']))}",
            "Unknown aggregate 'maxNope'",
        ),
    ],
)
async def test_group_by_refuses_bad_input_by_name(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, query: str, fragment: str
) -> None:
    response = await client.get(f"/rest/opportunities/groupBy?{query}", headers=workspace.headers)
    assert response.status_code == 400
    assert fragment in " ".join(response.json()["messages"])
