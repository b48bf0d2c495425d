"""The playgrounds in a real browser (Debian's Chromium through Playwright) against a real
server: a key typed into the page, a REST list sent from Scalar's "try it" client, a GraphQL
query run in GraphiQL, a custom field that appears after a reload, a bad key's message, and
not one request to anywhere but this server.

`UPDATE_SCREENSHOTS=1` also saves the screenshots the README shows (docs/playground-*.png).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.browser.conftest import LiveServer, Requests
from tests.support import WorkspaceFixture, make_workspace

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
TIMEOUT = 15_000  # ms, for one thing to appear


async def _seeded_workspace(db: Database, server: LiveServer) -> tuple[WorkspaceFixture, str]:
    """A workspace of the test's own with one person, whose unique last name is returned."""
    workspace = await make_workspace(db)
    last_name = f"Hopper{secrets.token_hex(3)}"
    async with httpx.AsyncClient(base_url=server.url, headers=workspace.headers) as client:
        created = await client.post(
            "/rest/people", json={"name": {"firstName": "Grace", "lastName": last_name}}
        )
        assert created.status_code == 201, created.text
    return workspace, last_name


async def _enter_key(page: Any, url: str, token: str) -> None:
    from playwright.async_api import expect

    await page.goto(url)
    await expect(page.locator("#api-key")).to_be_visible()
    await page.fill("#api-key", token)
    await page.click("#key-form button")


def _assert_only_this_server(requests: Requests, server: LiveServer, token: str) -> None:
    assert requests.urls, "the page made no request at all"
    assert requests.foreign(server.url) == []
    assert not [url for url in requests.urls if token in url], "the key leaked into a URL"


async def _screenshot(page: Any, name: str) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        await page.wait_for_timeout(1000)  # let transitions finish
        await page.screenshot(path=str(DOCS / f"playground-{name}.png"))


async def test_rest_playground_sends_a_list_request_from_the_page(
    live_server: LiveServer, page_and_requests: tuple[Any, Requests], db: Database
) -> None:
    from playwright.async_api import expect

    page, requests = page_and_requests
    workspace, last_name = await _seeded_workspace(db, live_server)
    await _enter_key(page, f"{live_server.url}/playground/rest?doc=core", workspace.token)
    await page.get_by_role("button", name="Open Group - people").click(timeout=TIMEOUT)
    await page.get_by_text("Find people", exact=True).first.click()
    await page.get_by_role("button", name="Test Request (get /people)").first.click()
    await page.get_by_role("button", name="Send", exact=False).first.click()
    await expect(page.get_by_text(last_name).first).to_be_visible(timeout=TIMEOUT)
    await _screenshot(page, "rest")
    stored = await page.evaluate("sessionStorage.getItem('apiKeyForPlayground')")
    assert stored == workspace.token
    assert workspace.token not in page.url
    _assert_only_this_server(requests, live_server, workspace.token)


async def test_graphql_playground_runs_a_query_from_the_page(
    live_server: LiveServer, page_and_requests: tuple[Any, Requests], db: Database
) -> None:
    from playwright.async_api import expect

    page, requests = page_and_requests
    workspace, last_name = await _seeded_workspace(db, live_server)
    await _enter_key(
        page, f"{live_server.url}/playground/graphql?endpoint=graphql", workspace.token
    )
    await page.locator(".graphiql-execute-button").click(timeout=TIMEOUT)
    response = page.locator(".graphiql-response")
    await expect(response).to_contain_text(last_name, timeout=TIMEOUT)
    await expect(response).to_contain_text('"totalCount": 1')
    await _screenshot(page, "graphql")
    _assert_only_this_server(requests, live_server, workspace.token)


async def test_a_field_added_through_the_metadata_api_appears_after_a_reload(
    live_server: LiveServer, page_and_requests: tuple[Any, Requests], db: Database
) -> None:
    from playwright.async_api import expect

    page, requests = page_and_requests
    workspace = await make_workspace(db)
    field = f"shoeSize{secrets.token_hex(2)}"
    await _enter_key(page, f"{live_server.url}/playground/rest?doc=core", workspace.token)
    await expect(page.get_by_role("button", name="Open Group - people")).to_be_visible(
        timeout=TIMEOUT
    )
    async with httpx.AsyncClient(base_url=live_server.url, headers=workspace.headers) as client:
        objects = (await client.get("/rest/metadata/objects")).json()["data"]["objects"]
        person = next(o for o in objects if o["nameSingular"] == "person")
        created = await client.post(
            "/rest/metadata/fields",
            json={
                "objectMetadataId": person["id"],
                "name": field,
                "label": "Shoe size",
                "type": "NUMBER",
            },
        )
        assert created.status_code == 201, created.text

    # REST reference: the new field is a property of the Person model
    await page.reload()
    await page.get_by_role("button", name="Open Group - Models").click(timeout=TIMEOUT)
    await page.get_by_text("Person", exact=True).first.click()
    await expect(page.get_by_text(field).first).to_be_visible(timeout=TIMEOUT)

    # GraphiQL: the documentation explorer finds it
    await page.goto(f"{live_server.url}/playground/graphql?endpoint=graphql")
    await page.get_by_role("button", name="Show Documentation Explorer").click(timeout=TIMEOUT)
    await page.locator(".graphiql-doc-explorer-search input").fill(field)
    await expect(page.locator(".graphiql-doc-explorer-search")).to_contain_text(
        field, timeout=TIMEOUT
    )
    _assert_only_this_server(requests, live_server, workspace.token)


@pytest.mark.parametrize("playground", ["rest?doc=core", "graphql?endpoint=metadata"])
async def test_an_unknown_or_revoked_key_gets_a_clear_message_in_the_page(
    live_server: LiveServer,
    page_and_requests: tuple[Any, Requests],
    db: Database,
    playground: str,
) -> None:
    from playwright.async_api import expect

    page, requests = page_and_requests
    url = f"{live_server.url}/playground/{playground}"
    await _enter_key(page, url, "crm_" + "x" * 43)
    message = page.locator("#message")
    await expect(message).to_have_text(
        "This API key cannot be used: Invalid API key", timeout=TIMEOUT
    )
    workspace = await make_workspace(db)
    async with httpx.AsyncClient(base_url=live_server.url, headers=workspace.headers) as client:
        revoked = await client.post(f"/rest/metadata/apiKeys/{workspace.key_id}/revoke")
        assert revoked.status_code == 200, revoked.text
    await page.fill("#api-key", workspace.token)
    await page.click("#key-form button")
    await expect(message).to_have_text(
        "This API key cannot be used: This API Key is revoked", timeout=TIMEOUT
    )
    assert await page.evaluate("sessionStorage.getItem('apiKeyForPlayground')") is None
    _assert_only_this_server(requests, live_server, workspace.token)
