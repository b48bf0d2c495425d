"""Fixtures for the browser tests: this app served by a real uvicorn on an ephemeral port (on
the test database), and Debian's Chromium driven by Playwright.

Playwright never downloads a browser here: it is pointed at the system's `chromium`
(CHROMIUM_PATH, else `chromium` on PATH). Without one, these tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn

from app.config import Settings
from app.main import create_app

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


class LiveServer:
    """uvicorn serving the app in a thread, on a port the OS picked."""

    def __init__(self, settings: Settings) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(
            create_app(settings), log_level="warning", access_log=False, lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "no Chromium executable (install Debian's `chromium`, or set CHROMIUM_PATH): "
            "the browser tests need a real browser"
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


class Requests:
    """Every URL a page asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def foreign(self, origin: str) -> list[str]:
        """Requests to anywhere but `origin` (data: and blob: URLs stay in the page)."""
        return [
            url
            for url in self.urls
            if not url.startswith((origin + "/", "data:", "blob:")) and url != origin
        ]


@pytest.fixture
async def page_and_requests(browser: Any) -> AsyncIterator[tuple[Any, Requests]]:
    """A fresh context (empty storage) and page, with every request recorded."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    requests = Requests()
    context.on("request", lambda request: requests.urls.append(request.url))
    page = await context.new_page()
    yield page, requests
    await context.close()
