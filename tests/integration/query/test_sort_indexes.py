"""Every sort Twenty's clients send is served by an index, page 1 and page 1,000 alike.

The statements are the ones the reader sends for REST's list (rendered by app/query/json_sql.py
from the same read tree as the route builds). They are explained with sorting and sequential
scans made prohibitively expensive (`SET LOCAL enable_sort/enable_seqscan = off`): on these
small tables PostgreSQL would otherwise sort in memory anyway, but it never sorts when an index
gives the order. So a Sort node keyed on the table's columns means no index serves the order
(sorting the page's 61 rows by their number, for the JSON arrays, is not); an index scan
whose condition is the cursor's row comparison means a deep page starts where it should.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.catalog.access import Access
from app.catalog.store import load_catalog
from app.db.database import Database
from app.query import engine, layout, reader
from app.query.json_sql import Limits, Renderer
from app.query.tree import ConnectionRead
from app.rest import filter_grammar, params
from tests.integration.rest.helpers import create_many, find_many
from tests.support import WorkspaceFixture

DIRECTIONS = ("AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast")
LIST = layout.Obj(
    (
        ("data", layout.Obj((("people", layout.Each(layout.RECORD)),))),
        ("totalCount", layout.TOTAL_COUNT),
        ("pageInfo", layout.page_info()),
    )
)


@pytest.fixture(scope="module")
async def sorted_world(db: Database, module_client: httpx.AsyncClient) -> WorkspaceFixture:
    """People with positions, and a custom TEXT field `nickname` marked isIndexed."""
    from tests.support import make_workspace

    workspace = await make_workspace(db)
    objects = await module_client.get("/rest/metadata/objects", headers=workspace.headers)
    person = next(o for o in objects.json()["data"]["objects"] if o["nameSingular"] == "person")
    created = await module_client.post(
        "/rest/metadata/fields",
        json={
            "objectMetadataId": person["id"],
            "type": "TEXT",
            "name": "nickname",
            "label": "Nickname",
            "isIndexed": True,
        },
        headers=workspace.headers,
    )
    assert created.status_code == 201, created.text
    await create_many(
        module_client,
        workspace,
        "people",
        [{"position": i % 7, "nickname": f"n{i % 5}", "city": "Paris"} for i in range(40)],
    )
    return workspace


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


async def _explain(db: Database, workspace: WorkspaceFixture, **query: str) -> list[dict[str, Any]]:
    """The plan nodes of the statement REST's list sends for `query`."""
    async with db.connection() as conn:
        catalog = await load_catalog(conn, workspace.id)
    async with db.transaction() as conn:
        person = catalog.by_plural("people")
        assert person is not None
        request = ConnectionRead(
            filter=filter_grammar.parse_filter(query["filter"]) if "filter" in query else None,
            order_by=params.parse_order_by(query["order_by"]),
            first=int(query.get("limit", "60")),
            after=query.get("starting_after"),
            before=query.get("ending_before"),
            records=reader.selection_read(catalog, person, engine.ReadOptions(), Access.full()),
            layout=LIST,
        )
        statement = Renderer(catalog, Access.full(), Limits()).root_statement(person, request)
        await conn.execute("SET LOCAL enable_sort = off")
        await conn.execute("SET LOCAL enable_seqscan = off")
        # The pool decodes json values (app/db/database.py): the plan arrives as a list.
        explained = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {statement.sql}", *statement.params)
    return list(_nodes(explained[0]["Plan"]))


def _scans_of_person(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for n in nodes if n.get("Relation Name") == "person"]


def _brief(nodes: list[dict[str, Any]]) -> list[str]:
    return [
        f"{n['Node Type']} {n.get('Relation Name', '')} {n.get('Index Name', '')} "
        f"{n.get('Sort Key', '')}"
        for n in nodes
    ]


def _assert_index_serves_the_order(nodes: list[dict[str, Any]], index: str) -> dict[str, Any]:
    # Sorting the page's own rows by their number (`r.__n`, for ordered aggregates) is fine;
    # sorting the table's rows (keys of `t0`, the person table's alias) is what must not happen.
    sorts = [
        n
        for n in nodes
        if n["Node Type"] in ("Sort", "Incremental Sort")
        and any(key.startswith("t0.") for key in n.get("Sort Key", []))
    ]
    assert not sorts, _brief(nodes)
    scans = _scans_of_person(nodes)
    assert scans, nodes
    scan = scans[0]
    assert scan["Node Type"] in ("Index Scan", "Index Only Scan"), scan
    assert scan["Index Name"] == index, scan
    return scan


async def _cursor_after_first_page(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, order_by: str
) -> str:
    body = await find_many(client, workspace, "people", order_by=order_by, limit=5)
    cursor: str = body["pageInfo"]["endCursor"]
    return cursor


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize(
    ("field", "indexes"),
    [
        ("createdAt", {d: "person_createdAt_sort" for d in DIRECTIONS}),
        ("updatedAt", {d: "person_updatedAt_sort" for d in DIRECTIONS}),
        (
            "position",
            {
                "AscNullsFirst": "person_position_sortnf",
                "DescNullsLast": "person_position_sortnf",
                "AscNullsLast": "person_position_sortnl",
                "DescNullsFirst": "person_position_sortnl",
            },
        ),
        (
            "nickname",
            {
                "AscNullsFirst": "person_nickname_sortnf",
                "DescNullsLast": "person_nickname_sortnf",
                "AscNullsLast": "person_nickname_sortnl",
                "DescNullsFirst": "person_nickname_sortnl",
            },
        ),
    ],
)
async def test_each_default_sort_reads_an_index_in_order(
    db: Database,
    module_client: httpx.AsyncClient,
    sorted_world: WorkspaceFixture,
    field: str,
    indexes: dict[str, str],
    direction: str,
) -> None:
    order_by = f"{field}[{direction}]"
    first = await _explain(db, sorted_world, order_by=order_by)
    _assert_index_serves_the_order(first, indexes[direction])

    cursor = await _cursor_after_first_page(module_client, sorted_world, order_by)
    deep = await _explain(db, sorted_world, order_by=order_by, starting_after=cursor)
    scan = _assert_index_serves_the_order(deep, indexes[direction])
    if field in ("createdAt", "updatedAt"):
        # Never NULL: the cursor is one row comparison, a bound of the index scan.
        assert "ROW(" in scan.get("Index Cond", ""), scan
    back = await _explain(db, sorted_world, order_by=order_by, ending_before=cursor)
    _assert_index_serves_the_order(back, indexes[direction])


async def test_a_deep_page_starts_at_its_cursor(
    db: Database, module_client: httpx.AsyncClient, sorted_world: WorkspaceFixture
) -> None:
    """Paging by createdAt from the newest: each page bounded by its cursor, no repeats."""
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        query: dict[str, Any] = {"order_by": "createdAt[DescNullsLast]", "limit": 3}
        if cursor:
            query["starting_after"] = cursor
        body = await find_many(module_client, sorted_world, "people", **query)
        seen += [r["id"] for r in body["data"]["people"]]
        if not body["pageInfo"]["hasNextPage"]:
            break
        cursor = body["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 40
    every = await find_many(
        module_client, sorted_world, "people", order_by="createdAt[DescNullsLast]", limit=60
    )
    assert seen == [r["id"] for r in every["data"]["people"]]


async def test_a_filter_on_an_indexed_field_reads_only_its_matches_newest_first(
    db: Database, module_client: httpx.AsyncClient, sorted_world: WorkspaceFixture
) -> None:
    """Note [indexed filters]: `nickname[eq]` under the default newest-first order is a range
    of `(nickname, createdAt, id)` read backwards: the filter is the index condition, and no
    sort; a cursor page too."""
    query = {"order_by": "createdAt[DescNullsLast]", "filter": 'nickname[eq]:"n3"', "limit": "3"}
    nodes = await _explain(db, sorted_world, **query)
    scan = _assert_index_serves_the_order(nodes, "person_nickname_bycreated")
    assert "nickname" in scan.get("Index Cond", ""), scan

    first = await find_many(module_client, sorted_world, "people", **query)
    assert [r["nickname"] for r in first["data"]["people"]] == ["n3"] * 3
    cursor = first["pageInfo"]["endCursor"]
    deep = await _explain(db, sorted_world, **query, starting_after=cursor)
    _assert_index_serves_the_order(deep, "person_nickname_bycreated")
    rest = await find_many(module_client, sorted_world, "people", **query, starting_after=cursor)
    every = await find_many(
        module_client, sorted_world, "people", order_by=query["order_by"], filter=query["filter"]
    )
    pages = first["data"]["people"] + rest["data"]["people"]
    assert [r["id"] for r in pages] == [r["id"] for r in every["data"]["people"]][:6]
