"""The edge of every request (app/edge.py): request ids, the body limit, and failures that
leave the connection usable and name the request in the log."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.edge import BodyLimit, Failures
from tests.support import WorkspaceFixture

MAX_BODY = 4 * 1024 * 1024


async def test_every_response_carries_a_request_id(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    ok = await client.get("/rest/companies?limit=1", headers=workspace.headers)
    refused = await client.get("/rest/companies?limit=x", headers=workspace.headers)
    ids = {ok.headers["X-Request-Id"], refused.headers["X-Request-Id"]}
    assert len(ids) == 2 and all(len(i) == 16 for i in ids)


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    big = b'{"name": "' + b"x" * MAX_BODY + b'"}'
    response = await client.post(
        "/rest/companies",
        content=big,
        headers={**workspace.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "PayloadTooLargeException"
    assert body["code"] == "PAYLOAD_TOO_LARGE"
    assert str(MAX_BODY) in body["messages"][0]


async def test_a_streamed_body_is_cut_off_at_the_limit(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    """Eight million tiny records, sent without Content-Length: refused once the limit is
    passed, long before the batch limit could be checked on a parsed list."""
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b"["
        for _ in range(8_000):  # 8 million `{},` in all, if the server read them all
            sent += 1
            yield b"{}," * 1000
        yield b"{}]"

    response = await client.post(
        "/rest/batch/companies",
        content=chunks(),
        headers={**workspace.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert sent < 8_000


async def test_graphql_bodies_are_limited_too(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    big = b'{"query": "{ __typename }", "x": "' + b"x" * MAX_BODY + b'"}'
    response = await client.post(
        "/graphql", content=big, headers={**workspace.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["appCode"] == "PAYLOAD_TOO_LARGE"


# ---- failures, over a real server ------------------------------------------------------


async def _boom(request: Request) -> PlainTextResponse:
    raise RuntimeError("a bug")


async def _outage(request: Request) -> PlainTextResponse:
    raise ConnectionRefusedError("database down")


async def _deadlock(request: Request) -> PlainTextResponse:
    raise asyncpg.DeadlockDetectedError("deadlock detected")


async def _port(request: Request) -> PlainTextResponse:
    assert request.client is not None
    return PlainTextResponse(str(request.client.port))


read_cut_off = asyncio.Event()


async def _read(request: Request) -> PlainTextResponse:
    try:
        return PlainTextResponse(str(len(await request.body())))
    except ClientDisconnect:
        read_cut_off.set()
        raise


def _edge_app() -> Starlette:
    routes = [
        Route("/boom", _boom),
        Route("/outage", _outage),
        Route("/deadlock", _deadlock),
        Route("/port", _port),
        Route("/read", _read, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(BodyLimit, max_bytes=1024)
    app.add_middleware(Failures)
    return app


@pytest.fixture
async def edge_server() -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_edge_app(), log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_a_500_is_logged_once_with_its_request_id_and_keeps_the_connection(
    edge_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with httpx.AsyncClient(base_url=edge_server) as http:
        before = (await http.get("/port")).text
        with caplog.at_level(logging.ERROR):
            failed = await http.get("/boom")
        after = (await http.get("/port")).text
    assert failed.status_code == 500
    body = failed.json()
    assert body["code"] == "INTERNAL_ERROR" and body["messages"] == ["Internal server error"]
    assert body["requestId"] == failed.headers["X-Request-Id"]
    assert before == after  # the same keep-alive connection served all three
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1
    assert body["requestId"] in logged[0].getMessage()
    assert "a bug" not in failed.text


async def test_a_database_outage_is_503_with_retry_after(edge_server: str) -> None:
    async with httpx.AsyncClient(base_url=edge_server) as http:
        response = await http.get("/outage")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"


async def test_a_deadlock_is_a_transient_409_not_a_400(edge_server: str) -> None:
    async with httpx.AsyncClient(base_url=edge_server) as http:
        response = await http.get("/deadlock")
    assert response.status_code == 409
    assert response.json()["code"] == "TRANSIENT_CONFLICT"
    assert response.headers["Retry-After"] == "1"


async def test_a_client_disconnect_is_not_an_error(
    edge_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A client that goes away in the middle of sending its body (load generators do at the end
    of every run) leaves no error and no traceback in the log."""
    host, port = edge_server.removeprefix("http://").split(":")
    read_cut_off.clear()
    with caplog.at_level(logging.WARNING):
        _reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
        await writer.drain()
        await asyncio.sleep(0.1)
        writer.close()
        await writer.wait_closed()
        await asyncio.wait_for(read_cut_off.wait(), 10)
        await asyncio.sleep(0.1)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
