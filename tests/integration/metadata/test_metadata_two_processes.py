"""Live everywhere: a change made through one server process is served by another at once.

A second server (`crm serve`) runs on the test database beside the in-process app. Each side
changes the model and the other reads the change with its very next request, without waiting
for the notification (the API-key lookup reads the version; Note [catalog reload ordering]).
The notification alone also brings an idle process up to date.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.catalog.store import CatalogStore
from tests.integration.metadata.helpers import create_field, create_object, unique
from tests.support import WorkspaceFixture, crm_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def other_process(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for a second server process on the same database."""
    async with crm_server(database_url) as (http, _process):
        yield http


async def _record(
    http: httpx.AsyncClient, workspace: WorkspaceFixture, obj: dict[str, Any], body: Any
) -> dict[str, Any]:
    response = await http.post(f"/rest/{obj['namePlural']}", json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()["data"][f"create{obj['nameSingular'].title()}"]
    return record


async def test_a_field_added_here_is_served_there_at_once(
    client: httpx.AsyncClient, other_process: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    obj = await create_object(client, fresh_workspace, unique("shared"))
    # The other process loads this workspace's catalog now, before the next change.
    assert (await _record(other_process, fresh_workspace, obj, {"name": "before"}))["name"]
    name = unique("colour")
    await create_field(client, fresh_workspace, obj["id"], name, "TEXT")
    created = await _record(other_process, fresh_workspace, obj, {name: "teal"})
    assert created[name] == "teal"
    read = await other_process.get(
        f"/rest/{obj['namePlural']}/{created['id']}", headers=fresh_workspace.headers
    )
    assert read.json()["data"][obj["nameSingular"]][name] == "teal"


async def test_a_rename_there_is_served_here_at_once(
    client: httpx.AsyncClient, other_process: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    obj = await create_object(client, fresh_workspace, unique("swapped"))
    field = await create_field(client, fresh_workspace, obj["id"], "size", "NUMBER")
    record = await _record(client, fresh_workspace, obj, {"size": 3})
    renamed = await other_process.patch(
        f"/rest/metadata/fields/{field['id']}",
        json={"name": "girth"},
        headers=fresh_workspace.headers,
    )
    assert renamed.status_code == 200, renamed.text
    read = await client.get(
        f"/rest/{obj['namePlural']}/{record['id']}", headers=fresh_workspace.headers
    )
    assert read.json()["data"][obj["nameSingular"]]["girth"] == 3


async def test_the_notification_alone_updates_an_idle_process(
    app: Any, other_process: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    catalogs: CatalogStore = app.state.crm.catalogs
    before = await catalogs.get(fresh_workspace.id)
    response = await other_process.post(
        "/rest/metadata/objects",
        json={
            "nameSingular": "remote",
            "namePlural": "remotes",
            "labelSingular": "Remote",
            "labelPlural": "Remotes",
        },
        headers=fresh_workspace.headers,
    )
    assert response.status_code == 201, response.text
    for _ in range(200):
        current = catalogs.cached(fresh_workspace.id)
        if current is not None and current.version > before.version:
            break
        await asyncio.sleep(0.01)
    current = catalogs.cached(fresh_workspace.id)
    assert current is not None and current.by_plural("remotes") is not None
