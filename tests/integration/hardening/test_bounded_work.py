"""Bounded work per call: bulk writes by filter (MUTATION_MAXIMUM_AFFECTED_RECORDS, refused
whole beyond it, as Twenty's `atMost`), find-duplicates and merge inputs, and group-by samples
read for the returned groups only."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import httpx

from app.query import trace
from tests.support import WorkspaceFixture

CAP = 100  # the default of MUTATION_MAXIMUM_AFFECTED_RECORDS


async def _people(client: httpx.AsyncClient, ws: WorkspaceFixture, count: int, title: str) -> None:
    for start in range(0, count, 60):
        batch = [{"jobTitle": title} for _ in range(min(60, count - start))]
        response = await client.post("/rest/batch/people", json=batch, headers=ws.headers)
        assert response.status_code == 201, response.text


async def _count(client: httpx.AsyncClient, ws: WorkspaceFixture, title: str) -> int:
    response = await client.get(
        f"/rest/people?filter=jobTitle[eq]:{title}&limit=1", headers=ws.headers
    )
    return int(response.json()["totalCount"])


async def test_bulk_writes_beyond_the_cap_are_refused_whole(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    await _people(client, ws, CAP + 1, "many")
    update = await client.patch(
        "/rest/people?filter=jobTitle[eq]:many", json={"jobTitle": "changed"}, headers=ws.headers
    )
    assert update.status_code == 400, update.text
    assert update.json()["code"] == "QUERY_TOO_LARGE"
    assert str(CAP) in update.json()["messages"][0]
    assert await _count(client, ws, "many") == CAP + 1  # nothing was changed
    for path in (
        "/rest/people?filter=jobTitle[eq]:many",
        "/rest/people?filter=jobTitle[eq]:many&soft_delete=true",
    ):
        refused = await client.delete(path, headers=ws.headers)
        assert refused.status_code == 400 and refused.json()["code"] == "QUERY_TOO_LARGE"
    assert await _count(client, ws, "many") == CAP + 1
    graphql = await client.post(
        "/graphql",
        json={
            "query": 'mutation { updatePeople(filter: {jobTitle: {eq: "many"}}, '
            'data: {jobTitle: "x"}) { id } }'
        },
        headers=ws.headers,
    )
    assert graphql.json()["errors"][0]["extensions"]["appCode"] == "QUERY_TOO_LARGE"
    assert await _count(client, ws, "many") == CAP + 1
    await _people(client, ws, CAP, "few")
    fits = await client.patch(
        "/rest/people?filter=jobTitle[eq]:few", json={"jobTitle": "fewer"}, headers=ws.headers
    )
    assert fits.status_code == 200 and len(fits.json()["data"]["updatePeople"]) == CAP


async def test_restore_by_filter_is_capped_too(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    await _people(client, ws, CAP + 1, "gone")
    listed = await client.get("/rest/people?filter=jobTitle[eq]:gone&limit=200", headers=ws.headers)
    ids = [p["id"] for p in listed.json()["data"]["people"]]
    for half in (ids[:60], ids[60:]):
        deleted = await client.delete(
            f"/rest/people?soft_delete=true&filter=id[in]:[{','.join(half)}]", headers=ws.headers
        )
        assert deleted.status_code == 200, deleted.text
    restored = await client.patch(
        "/rest/people/restore?filter=jobTitle[eq]:gone", headers=ws.headers
    )
    assert restored.status_code == 400 and restored.json()["code"] == "QUERY_TOO_LARGE"


async def test_duplicates_and_merge_inputs_are_capped_before_parsing(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    ids = [str(uuid.uuid4()) for _ in range(61)]
    duplicates = await client.post(
        "/rest/people/duplicates", json={"ids": ids}, headers=workspace.headers
    )
    assert duplicates.status_code == 400 and duplicates.json()["code"] == "TOO_MANY_RECORDS"
    merge = await client.patch(
        "/rest/people/merge", json={"ids": ["not-a-uuid"] * 10_000}, headers=workspace.headers
    )
    assert merge.status_code == 400
    assert "Cannot merge more than 9" in merge.json()["messages"][0]
    graphql = await client.post(
        "/graphql",
        json={
            "query": "query($ids: [UUID!]) { personDuplicates(ids: $ids) { totalCount } }",
            "variables": {"ids": ids},
        },
        headers=workspace.headers,
    )
    assert graphql.json()["errors"][0]["extensions"]["appCode"] == "TOO_MANY_RECORDS"


async def test_group_by_samples_only_the_groups_it_returns(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    for title in ("a", "b", "c"):
        await _people(client, ws, 3, title)
    group_by = quote(json.dumps([{"jobTitle": True}]))
    order = quote(json.dumps([{"jobTitle": "AscNullsFirst"}]))
    seen: list[str] = []
    with trace.observe(seen.append):
        response = await client.get(
            f"/rest/people/groupBy?group_by={group_by}&order_by={order}"
            "&include_records_sample=true&limit=1",
            headers=ws.headers,
        )
    assert response.status_code == 200, response.text
    [group] = response.json()
    assert group["groupByDimensionValues"] == ["a"]
    assert len(group["records"]) == 1
    [samples] = [s for s in seen if "row_number()" in s]
    assert samples.startswith("WITH g AS (")  # joined to the returned groups, not all of them
