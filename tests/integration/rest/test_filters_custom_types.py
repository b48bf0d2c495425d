"""Filters on the field types no standard object has, through the custom object `gadget`:
NUMERIC, DATE, RATING, MULTI_SELECT, ARRAY, RAW_JSON and a plain UUID field."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest

from app.db.database import Database
from tests.integration.rest.helpers import (
    assert_error,
    create_many,
    find_many,
    make_gadget_workspace,
    records_of,
)
from tests.support import WorkspaceFixture

SERIAL_1 = str(uuid.UUID(int=1))
SERIAL_2 = str(uuid.UUID(int=2))

GADGETS = [
    {
        "name": "Alpha",
        "price": 19.99,
        "launchDate": "2024-02-29",
        "rating": "RATING_3",
        "colors": ["RED", "GREEN"],
        "keywords": ["usb", "wireless"],
        "specs": {"weight": 120, "finish": "black"},
        "serial": SERIAL_1,
    },
    {
        "name": "Beta",
        "price": "250",
        "launchDate": "2023-12-31",
        "rating": "RATING_5",
        "colors": ["BLUE"],
        "keywords": ["bluetooth"],
        "specs": {"weight": 80},
        "serial": SERIAL_2,
    },
    {"name": "Gamma"},
]


@dataclass(frozen=True)
class Gadgets:
    workspace: WorkspaceFixture


@pytest.fixture(scope="module")
async def gadgets(module_client: httpx.AsyncClient, db: Database) -> Gadgets:
    workspace = await make_gadget_workspace(db)
    await create_many(module_client, workspace, "gadgets", GADGETS)
    return Gadgets(workspace)


async def test_custom_object_values_round_trip(client: httpx.AsyncClient, gadgets: Gadgets) -> None:
    body = await find_many(client, gadgets.workspace, "gadgets", filter='name[eq]:"Alpha"')
    [alpha] = records_of(body, "gadgets")
    assert alpha["price"] == 19.99
    assert alpha["launchDate"] == "2024-02-29"
    assert alpha["rating"] == "RATING_3"
    assert alpha["colors"] == ["RED", "GREEN"]
    assert alpha["keywords"] == ["usb", "wireless"]
    assert alpha["specs"] == {"weight": 120, "finish": "black"}
    assert alpha["serial"] == SERIAL_1


CASES = [
    # NUMERIC
    ("price[eq]:250", {"Beta"}),
    ("price[neq]:250", {"Alpha"}),
    ("price[gt]:20", {"Beta"}),
    ("price[gte]:19.99", {"Alpha", "Beta"}),
    ("price[lt]:250", {"Alpha"}),
    ("price[lte]:19.99", {"Alpha"}),
    ("price[in]:[19.99,250]", {"Alpha", "Beta"}),
    ("price[is]:NULL", {"Gamma"}),
    # DATE
    ('launchDate[eq]:"2024-02-29"', {"Alpha"}),
    ('launchDate[gte]:"2024-01-01"', {"Alpha"}),
    ("launchDate[lt]:2024-01-01", {"Beta"}),
    ('launchDate[in]:["2024-02-29","2023-12-31"]', {"Alpha", "Beta"}),
    ("launchDate[is]:NULL", {"Gamma"}),
    # RATING
    ("rating[eq]:RATING_3", {"Alpha"}),
    ("rating[neq]:RATING_3", {"Beta"}),
    ("rating[in]:[RATING_3,RATING_5]", {"Alpha", "Beta"}),
    ("rating[is]:NULL", {"Gamma"}),
    # MULTI_SELECT
    ("colors[containsAny]:[RED]", {"Alpha"}),
    ('colors[containsAny]:["GREEN","BLUE"]', {"Alpha", "Beta"}),
    ("colors[is]:NULL", {"Gamma"}),
    ("colors[is]:NOT_NULL", {"Alpha", "Beta"}),
    # ARRAY
    ("keywords[containsAny]:[usb,bluetooth]", {"Alpha", "Beta"}),
    ("keywords[containsAny]:[wireless]", {"Alpha"}),
    ("keywords[containsAny]:[nothing]", set()),
    # RAW_JSON
    ('specs[like]:"%black%"', {"Alpha"}),
    ('specs[ilike]:"%WEIGHT%"', {"Alpha", "Beta"}),
    ("specs[is]:NULL", {"Gamma"}),
    # UUID
    (f"serial[eq]:{SERIAL_1}", {"Alpha"}),
    (f"serial[neq]:{SERIAL_1}", {"Beta"}),
    (f'serial[in]:["{SERIAL_1}","{SERIAL_2}"]', {"Alpha", "Beta"}),
    ("serial[is]:NULL", {"Gamma"}),
]


@pytest.mark.parametrize(("filter", "expected"), CASES)
async def test_custom_type_filter(
    client: httpx.AsyncClient, gadgets: Gadgets, filter: str, expected: set[str]
) -> None:
    body = await find_many(client, gadgets.workspace, "gadgets", filter=filter)
    records = records_of(body, "gadgets")
    assert {r["name"] for r in records} == expected
    assert body["totalCount"] == len(records)


@pytest.mark.parametrize(
    ("filter", "code", "named"),
    [
        ("price[eq]:cheap", "INVALID_FIELD_VALUE", "price"),
        ('launchDate[eq]:"2024-02-30"', "INVALID_FIELD_VALUE", "launchDate"),
        ("rating[eq]:RATING_9", "INVALID_FIELD_VALUE", "enum value 'RATING_9' not available"),
        ("colors[containsAny]:[PURPLE]", "INVALID_FIELD_VALUE", "enum value 'PURPLE'"),
        ("serial[eq]:nope", "INVALID_FIELD_VALUE", "serial"),
        ("colors[eq]:RED", "INVALID_FILTER", "colors"),
        ("keywords[eq]:usb", "INVALID_FILTER", "keywords"),
        ("specs[eq]:x", "INVALID_FILTER", "specs"),
        ("rating[gt]:RATING_1", "INVALID_FILTER", "rating"),
    ],
)
async def test_custom_type_filter_refusals_name_the_field(
    client: httpx.AsyncClient, gadgets: Gadgets, filter: str, code: str, named: str
) -> None:
    response = await client.get(
        "/rest/gadgets", params={"filter": filter}, headers=gadgets.workspace.headers
    )
    body = assert_error(response, 400, code=code)
    assert named in body["messages"][0]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("price[AscNullsFirst]", ["Gamma", "Alpha", "Beta"]),
        ("price[DescNullsLast]", ["Beta", "Alpha", "Gamma"]),
        ("launchDate[AscNullsLast]", ["Beta", "Alpha", "Gamma"]),
        ("rating[DescNullsFirst]", ["Gamma", "Beta", "Alpha"]),
    ],
)
async def test_custom_type_order_by_and_cursor(
    client: httpx.AsyncClient, gadgets: Gadgets, order_by: str, expected: list[str]
) -> None:
    body = await find_many(client, gadgets.workspace, "gadgets", order_by=order_by)
    assert [r["name"] for r in records_of(body, "gadgets")] == expected
    first = await find_many(client, gadgets.workspace, "gadgets", order_by=order_by, limit=1)
    rest = await find_many(
        client,
        gadgets.workspace,
        "gadgets",
        order_by=order_by,
        starting_after=first["pageInfo"]["endCursor"],
    )
    assert [r["name"] for r in records_of(rest, "gadgets")] == expected[1:]


async def test_cursor_keeps_the_full_precision_of_numeric_values(
    client: httpx.AsyncClient, db: Database
) -> None:
    """Prices that differ beyond a float's precision still page one record at a time."""
    workspace = await make_gadget_workspace(db)
    prices = ["1.00000000000000001", "1.00000000000000002", "1.00000000000000003"]
    await create_many(
        client, workspace, "gadgets", [{"name": f"G{i}", "price": p} for i, p in enumerate(prices)]
    )
    names: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"order_by": "price[DescNullsLast]", "limit": 1}
        if cursor:
            params["starting_after"] = cursor
        body = await find_many(client, workspace, "gadgets", **params)
        names.extend(r["name"] for r in records_of(body, "gadgets"))
        if not body["pageInfo"]["hasNextPage"]:
            break
        cursor = body["pageInfo"]["endCursor"]
    assert names == ["G2", "G1", "G0"]
