"""`order_by`, `limit`, cursors and `pageInfo` (spec §1.3, §1.4).

Expected orders come from a reference sort in Python (the four directions, NULL placement and
the `id` tiebreaker), and every ordering is paged through forwards and backwards.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.rest.helpers import assert_error, create_many, find_many, records_of
from tests.support import WorkspaceFixture, make_workspace

PEOPLE = [
    {"name": {"firstName": "Anna", "lastName": "Zed"}, "position": 3, "city": "Berlin"},
    {"name": {"firstName": "Bob", "lastName": "Young"}, "position": 1, "city": None},
    {"name": {"firstName": "Cara", "lastName": "Xu"}, "position": None, "city": "Amsterdam"},
    {"name": {"firstName": "Dan", "lastName": "Wong"}, "position": 2, "city": "Berlin"},
    {"name": {"firstName": "Eve", "lastName": "Vance"}, "position": None, "city": None},
    {"name": {"firstName": "Finn", "lastName": "Ulm"}, "position": 5, "city": "Cairo"},
]

GETTERS = {
    "position": lambda r: r["position"],
    "city": lambda r: r["city"],
    "name.firstName": lambda r: r["name"]["firstName"],
    "name.lastName": lambda r: r["name"]["lastName"],
    "id": lambda r: r["id"],
    "createdAt": lambda r: r["createdAt"],
}


def reference_order(records: list[dict[str, Any]], order_by: str) -> list[str]:
    """The first names of `records` sorted as Twenty sorts `order_by`, with our `id`
    tiebreaker added in the first key's direction (Note [sort indexes])."""
    keys = []
    for item in order_by.split(","):
        name, _, rest = item.partition("[")
        direction = rest.rstrip("]") or "AscNullsFirst"
        keys.append((GETTERS[name], direction.startswith("Desc"), direction.endswith("First")))
    if not any(getter is GETTERS["id"] for getter, _, _ in keys):
        keys.append((GETTERS["id"], keys[0][1] if keys else False, True))

    def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
        for getter, descending, nulls_first in keys:
            x, y = getter(a), getter(b)
            if x == y:
                continue
            if x is None or y is None:
                return (-1 if x is None else 1) * (1 if nulls_first else -1)
            result = -1 if x < y else 1
            return -result if descending else result
        return 0

    return [r["name"]["firstName"] for r in sorted(records, key=functools.cmp_to_key(compare))]


@dataclass(frozen=True)
class Ordered:
    workspace: WorkspaceFixture
    records: list[dict[str, Any]]


@pytest.fixture(scope="module")
async def ordered(module_client: httpx.AsyncClient, db: Database) -> Ordered:
    workspace = await make_workspace(db)
    return Ordered(workspace, await create_many(module_client, workspace, "people", PEOPLE))


def first_names(body: dict[str, Any]) -> list[str]:
    return [r["name"]["firstName"] for r in records_of(body, "people")]


ORDERINGS = [
    "position[AscNullsFirst]",
    "position[AscNullsLast]",
    "position[DescNullsFirst]",
    "position[DescNullsLast]",
    "city[AscNullsLast],position[DescNullsFirst]",
    "city[DescNullsFirst]",
    "name.lastName[AscNullsLast]",
    "name.firstName[DescNullsLast]",
    "id[DescNullsFirst]",
    "city",
    "createdAt",
    "createdAt[DescNullsLast],position",
]


@pytest.mark.parametrize("order_by", ORDERINGS)
async def test_order_by_sorts_like_twenty(
    client: httpx.AsyncClient, ordered: Ordered, order_by: str
) -> None:
    body = await find_many(client, ordered.workspace, "people", order_by=order_by)
    assert first_names(body) == reference_order(ordered.records, order_by)


async def test_no_order_by_sorts_by_id_ascending(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    body = await find_many(client, ordered.workspace, "people")
    ids = [r["id"] for r in records_of(body, "people")]
    assert ids == sorted(r["id"] for r in ordered.records)


async def test_position_in_nulls_first_and_last_directions(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    first = await find_many(client, ordered.workspace, "people", order_by="position[AscNullsFirst]")
    last = await find_many(client, ordered.workspace, "people", order_by="position[AscNullsLast]")
    assert [r["position"] for r in records_of(first, "people")][2:] == [1, 2, 3, 5]
    assert [r["position"] for r in records_of(first, "people")][:2] == [None, None]
    assert [r["position"] for r in records_of(last, "people")] == [1, 2, 3, 5, None, None]


async def test_composite_named_without_sub_field_sorts_by_its_first_sub_field(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    body = await find_many(client, ordered.workspace, "people", order_by="name[DescNullsLast]")
    assert first_names(body) == ["Finn", "Eve", "Dan", "Cara", "Bob", "Anna"]


async def page_forwards(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, order_by: str, limit: int
) -> list[str]:
    names: list[str] = []
    cursor: str | None = None
    for _ in range(20):
        params: dict[str, Any] = {"order_by": order_by, "limit": limit}
        if cursor is not None:
            params["starting_after"] = cursor
        body = await find_many(client, workspace, "people", **params)
        names.extend(first_names(body))
        assert body["pageInfo"]["hasPreviousPage"] is (cursor is not None)
        if not body["pageInfo"]["hasNextPage"]:
            return names
        cursor = body["pageInfo"]["endCursor"]
    raise AssertionError("pagination did not end")


async def page_backwards(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, order_by: str, limit: int
) -> list[str]:
    """From the end: the last page, then `ending_before` the start of each page."""
    everything = await find_many(client, workspace, "people", order_by=order_by)
    last_cursor = everything["pageInfo"]["endCursor"]
    last = records_of(everything, "people")[-1]["name"]["firstName"]
    pages: list[list[str]] = [[last]]
    cursor = last_cursor
    for _ in range(20):
        body = await find_many(
            client, workspace, "people", order_by=order_by, limit=limit, ending_before=cursor
        )
        pages.insert(0, first_names(body))
        assert body["pageInfo"]["hasNextPage"] is True
        if not body["pageInfo"]["hasPreviousPage"]:
            return [name for page in pages for name in page]
        cursor = body["pageInfo"]["startCursor"]
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("limit", [1, 4])
@pytest.mark.parametrize("order_by", ORDERINGS)
async def test_paging_forwards_and_backwards_visits_every_record_once_in_order(
    client: httpx.AsyncClient, ordered: Ordered, order_by: str, limit: int
) -> None:
    expected = reference_order(ordered.records, order_by)
    assert await page_forwards(client, ordered.workspace, order_by, limit) == expected
    assert await page_backwards(client, ordered.workspace, order_by, limit) == expected


async def test_starting_after_the_start_cursor_returns_the_second_record(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    """Twenty's find-many spec: limit=2, then starting_after=startCursor&limit=1."""
    expected = reference_order(ordered.records, "id")
    page = await find_many(client, ordered.workspace, "people", limit=2)
    assert first_names(page) == expected[:2]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    after = await find_many(
        client, ordered.workspace, "people", starting_after=page["pageInfo"]["startCursor"], limit=1
    )
    assert first_names(after) == [expected[1]]


async def test_ending_before_the_end_cursor_returns_the_records_before_it_in_forward_order(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    """Twenty's find-many spec: limit=4, then ending_before=endCursor&limit=2 gives 2 and 3."""
    expected = reference_order(ordered.records, "id")
    page = await find_many(client, ordered.workspace, "people", limit=4)
    before = await find_many(
        client, ordered.workspace, "people", ending_before=page["pageInfo"]["endCursor"], limit=2
    )
    assert first_names(before) == expected[1:3]
    assert before["pageInfo"]["hasPreviousPage"] is True
    assert before["pageInfo"]["hasNextPage"] is True


async def test_pagination_with_position_descending(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    order_by = "position[DescNullsLast]"
    expected = reference_order(ordered.records, order_by)
    page = await find_many(client, ordered.workspace, "people", order_by=order_by, limit=2)
    assert first_names(page) == expected[:2]
    after = await find_many(
        client,
        ordered.workspace,
        "people",
        order_by=order_by,
        limit=2,
        starting_after=page["pageInfo"]["endCursor"],
    )
    assert first_names(after) == expected[2:4]


async def test_page_info_cursors_are_those_of_the_first_and_last_record(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    page = await find_many(client, ordered.workspace, "people", limit=3)
    everything = await find_many(client, ordered.workspace, "people")
    assert page["totalCount"] == 6
    assert page["pageInfo"]["startCursor"] == everything["pageInfo"]["startCursor"]
    third = await find_many(
        client, ordered.workspace, "people", limit=1, starting_after=page["pageInfo"]["endCursor"]
    )
    assert first_names(third) == first_names(everything)[3:4]


async def test_empty_page_has_null_cursors(client: httpx.AsyncClient, ordered: Ordered) -> None:
    body = await find_many(client, ordered.workspace, "people", filter='city[eq]:"Nowhere"')
    assert body == {
        "data": {"people": []},
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_total_count_is_counted_after_the_filter_not_the_page(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    body = await find_many(client, ordered.workspace, "people", filter="position[lte]:2", limit=1)
    assert len(records_of(body, "people")) == 1
    assert body["totalCount"] == 2
    assert body["pageInfo"]["hasNextPage"] is True


async def test_limit_zero_returns_no_records_but_the_count(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    body = await find_many(client, ordered.workspace, "people", limit=0)
    assert records_of(body, "people") == []
    assert body["totalCount"] == 6
    assert body["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "eyJhIjoxfQ", "WyJ4Il0", "é"])
async def test_invalid_cursor_returns_400(
    client: httpx.AsyncClient, ordered: Ordered, cursor: str
) -> None:
    for parameter in ("starting_after", "ending_before"):
        response = await client.get(
            "/rest/people", params={parameter: cursor}, headers=ordered.workspace.headers
        )
        body = assert_error(response, 400, code="INVALID_CURSOR", contains="Invalid cursor")
        assert body["error"] == "BadRequestException"


async def test_cursor_issued_for_another_order_by_is_refused(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    page = await find_many(client, ordered.workspace, "people", order_by="city", limit=2)
    response = await client.get(
        "/rest/people",
        params={"order_by": "position", "starting_after": page["pageInfo"]["endCursor"]},
        headers=ordered.workspace.headers,
    )
    assert_error(response, 400, code="INVALID_CURSOR", contains="different order_by")


async def test_starting_after_and_ending_before_together_are_refused(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    page = await find_many(client, ordered.workspace, "people", limit=2)
    response = await client.get(
        "/rest/people",
        params={
            "starting_after": page["pageInfo"]["startCursor"],
            "ending_before": page["pageInfo"]["endCursor"],
        },
        headers=ordered.workspace.headers,
    )
    assert_error(response, 400, code="INVALID_PARAMETER")


@pytest.mark.parametrize("limit", ["abc", "-1", "1.5", "1e2"])
async def test_limit_that_is_not_a_non_negative_integer_returns_400(
    client: httpx.AsyncClient, ordered: Ordered, limit: str
) -> None:
    response = await client.get(
        "/rest/people", params={"limit": limit}, headers=ordered.workspace.headers
    )
    assert_error(
        response,
        400,
        code="INVALID_PARAMETER",
        message=f"limit '{limit}' is invalid. Should be an integer",
    )


async def test_limit_defaults_to_60_and_is_clamped_to_200(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    for batch in range(4):
        await create_many(
            client,
            fresh_workspace,
            "companies",
            [{"name": f"C{batch}-{i}"} for i in range(60)],
        )
    default = await find_many(client, fresh_workspace, "companies")
    assert len(records_of(default, "companies")) == 60
    assert default["totalCount"] == 240
    assert default["pageInfo"]["hasNextPage"] is True
    clamped = await find_many(client, fresh_workspace, "companies", limit=1000)
    assert len(records_of(clamped, "companies")) == 200
    huge = await find_many(client, fresh_workspace, "companies", limit="99999999999999")
    assert len(records_of(huge, "companies")) == 200


async def test_order_by_unknown_field_returns_400_with_suggestion(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    response = await client.get(
        "/rest/people",
        params={"order_by": "postion[AscNullsLast]"},
        headers=ordered.workspace.headers,
    )
    body = assert_error(response, 400, code="FIELD_NOT_FOUND", contains="'postion'")
    assert body["hint"] == "Did you mean 'position'?"


async def test_order_by_unknown_direction_returns_twentys_message(
    client: httpx.AsyncClient, ordered: Ordered
) -> None:
    response = await client.get(
        "/rest/people", params={"order_by": "position[Up]"}, headers=ordered.workspace.headers
    )
    assert_error(
        response,
        400,
        code="INVALID_ORDER_BY",
        contains="'order_by' direction 'Up' invalid. Allowed values are",
    )


@pytest.mark.parametrize(
    "order_by", ["emails.additionalEmails", "searchVector", "pointOfContactForOpportunities"]
)
async def test_order_by_a_field_that_cannot_be_sorted_returns_400(
    client: httpx.AsyncClient, ordered: Ordered, order_by: str
) -> None:
    response = await client.get(
        "/rest/people", params={"order_by": order_by}, headers=ordered.workspace.headers
    )
    body = assert_error(response, 400)
    assert order_by in body["messages"][0]
