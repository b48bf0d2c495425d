"""Rate limits per API key: headers on every counted response, 429 when a budget runs out,
and one shared budget across server processes when Redis holds the counters."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import httpx
import pytest

from app.config import Settings
from app.db.database import Database
from app.main import create_app
from app.ratelimit.limiter import Quota, RateLimiter
from tests.support import TEST_SECRET, WorkspaceFixture, make_workspace

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def _limit_key(db: Database, key_id: UUID, per_minute: int, per_second: int = 1000) -> None:
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE core.api_key SET rate_limit_per_minute = $2, rate_limit_per_second = $3 "
            "WHERE id = $1",
            key_id,
            per_minute,
            per_second,
        )


async def test_successful_responses_carry_rate_limit_headers(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    response = await client.get("/rest/people?limit=1", headers=workspace.headers)
    assert response.status_code == 200
    assert int(response.headers["X-RateLimit-Limit"]) > 0
    assert int(response.headers["X-RateLimit-Remaining"]) >= 0
    assert int(response.headers["X-RateLimit-Reset"]) > 1_700_000_000


async def test_exhausted_minute_budget_answers_429_in_twentys_envelope(
    client: httpx.AsyncClient, db: Database
) -> None:
    ws = await make_workspace(db)
    await _limit_key(db, ws.key_id, per_minute=3)
    statuses = []
    for _ in range(3):
        response = await client.get("/rest/companies?limit=1", headers=ws.headers)
        statuses.append(response.status_code)
        assert response.headers["X-RateLimit-Limit"] == "3"
    assert statuses == [200, 200, 200]
    refused = await client.get("/rest/companies?limit=1", headers=ws.headers)
    assert refused.status_code == 429
    body = refused.json()
    assert body["statusCode"] == 429
    assert body["code"] == "RATE_LIMITED"
    assert body["limit"] == 3
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-RateLimit-Remaining"] == "0"


async def test_burst_window_refuses_rapid_calls(client: httpx.AsyncClient, db: Database) -> None:
    ws = await make_workspace(db)
    await _limit_key(db, ws.key_id, per_minute=1000, per_second=2)
    statuses = [
        (await client.get("/rest/companies?limit=1", headers=ws.headers)).status_code
        for _ in range(4)
    ]
    assert 429 in statuses
    assert statuses[:2] == [200, 200]


async def test_a_batch_call_counts_as_one_request(client: httpx.AsyncClient, db: Database) -> None:
    ws = await make_workspace(db)
    await _limit_key(db, ws.key_id, per_minute=2)
    batch = [{"name": f"c{i}"} for i in range(50)]
    first = await client.post("/rest/batch/companies", json=batch, headers=ws.headers)
    assert first.status_code == 201
    assert first.headers["X-RateLimit-Remaining"] == "1"


async def test_one_key_exhausted_does_not_limit_another(
    client: httpx.AsyncClient, db: Database, workspace: WorkspaceFixture
) -> None:
    ws = await make_workspace(db)
    await _limit_key(db, ws.key_id, per_minute=1)
    await client.get("/rest/companies?limit=1", headers=ws.headers)
    assert (await client.get("/rest/companies?limit=1", headers=ws.headers)).status_code == 429
    assert (
        await client.get("/rest/companies?limit=1", headers=workspace.headers)
    ).status_code == 200


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def two_servers(database_url: str) -> AsyncIterator[list[str]]:
    """Two `crm serve` processes on one database, sharing counters through Redis."""
    if not _redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379 (the shared-budget test needs one)")
    crm = str(Path(sys.executable).with_name("crm"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "APP_SECRET": TEST_SECRET,
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "warning",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        await asyncio.create_subprocess_exec(crm, "serve", "--port", str(port), env=env)
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with httpx.AsyncClient() as http:
            for url in urls:
                for _ in range(200):
                    try:
                        if (await http.get(f"{url}/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError(f"server at {url} did not start")
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            await asyncio.wait_for(process.wait(), 30)


async def test_redis_shares_one_budget_between_two_processes(
    two_servers: list[str], db: Database
) -> None:
    ws = await make_workspace(db)
    await _limit_key(db, ws.key_id, per_minute=4)
    statuses = []
    async with httpx.AsyncClient(headers=ws.headers) as http:
        for i in range(6):
            response = await http.get(f"{two_servers[i % 2]}/rest/companies?limit=1")
            statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_a_429_from_the_burst_window_carries_that_windows_headers(
    client: httpx.AsyncClient, db: Database
) -> None:
    """The per-second window refused: the headers must say so (they used to show the minute
    budget, `Remaining: 80`, contradicting the refusal)."""
    ws = await make_workspace(db)
    await _limit_key(db, ws.key_id, per_minute=100, per_second=2)
    responses = [await client.get("/rest/companies?limit=1", headers=ws.headers) for _ in range(3)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    refused = responses[2]
    if refused.status_code != 429:  # the second turned between two requests: try once more
        refused = await client.get("/rest/companies?limit=1", headers=ws.headers)
    assert refused.status_code == 429
    assert refused.headers["X-RateLimit-Limit"] == "2"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["RateLimit"].startswith('"second";r=0;t=')
    assert 1 <= int(refused.headers["Retry-After"]) <= 1
    assert "per second" in refused.json()["messages"][0]


async def test_ietf_ratelimit_headers_are_sent_beside_the_x_ones(
    client: httpx.AsyncClient, db: Database
) -> None:
    ws = await make_workspace(db)
    await _limit_key(db, ws.key_id, per_minute=50, per_second=10)
    response = await client.get("/rest/companies?limit=1", headers=ws.headers)
    assert response.headers["RateLimit-Policy"] == '"second";q=10;w=1, "minute";q=50;w=60'
    assert response.headers["RateLimit"].startswith('"minute";r=49;t=')
    assert response.headers["X-RateLimit-Remaining"] == "49"


async def test_bad_keys_are_rate_limited_per_client_address(settings: Settings) -> None:
    """A flood of missing or invalid keys from one address is refused with 429 once over its
    budget, before any key lookup; a key that authenticated lately still gets in, a new one
    waits for the window like the flood."""
    app = create_app(settings.model_copy(update={"auth_failures_per_minute": 3}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            db = app.state.crm.db
            good, late = await make_workspace(db), await make_workspace(db)
            assert (await http.get("/rest/companies", headers=good.headers)).status_code == 200
            bad = {"Authorization": "Bearer crm_" + "x" * 43}
            statuses = [
                (await http.get("/rest/companies", headers=bad)).status_code for _ in range(3)
            ]
            assert statuses == [401, 401, 401]
            refused = await http.post("/graphql", content=b"{not json", headers=bad)
            assert refused.status_code == 429
            assert refused.json()["errors"][0]["extensions"]["code"] == "LIMIT_REACHED"
            rest = await http.get("/rest/companies")
            assert rest.status_code == 429 and int(rest.headers["Retry-After"]) >= 1
            assert rest.headers["RateLimit"].startswith('"bad-key";r=0;')
            assert (await http.get("/rest/companies", headers=good.headers)).status_code == 200
            assert (await http.get("/rest/companies", headers=late.headers)).status_code == 429


@pytest.fixture
async def redis_limiter() -> AsyncIterator[RateLimiter]:
    if not _redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    limiter = RateLimiter(REDIS_URL, prefix=f"crm-test-{uuid.uuid4().hex[:8]}")
    yield limiter
    await limiter.close()


def _request_of(key_id: UUID) -> Any:
    return SimpleNamespace(state=SimpleNamespace(principal=SimpleNamespace(api_key_id=key_id)))


async def test_redis_counts_both_windows_in_one_round_trip(redis_limiter: RateLimiter) -> None:
    request = _request_of(uuid.uuid4())
    quota = Quota(per_minute=3, per_second=100)
    await redis_limiter.hit(request, quota)  # loads the script
    assert redis_limiter._redis is not None
    client = redis_limiter._redis._client
    calls: list[tuple[Any, ...]] = []
    original = client.execute_command

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return await original(*args, **kwargs)

    client.execute_command = counted  # type: ignore[method-assign]
    decisions = [await redis_limiter.hit(request, quota) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert len(calls) == 3 and all(c[0] == "EVALSHA" for c in calls)
    assert decisions[-1].shown.name == "minute" and decisions[-1].shown.remaining == 0


async def test_an_unreachable_redis_falls_back_to_memory_counters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{_free_port()}/0")
    request = _request_of(uuid.uuid4())
    try:
        decisions = [
            await limiter.hit(request, Quota(per_minute=2, per_second=10)) for _ in range(3)
        ]
    finally:
        await limiter.close()
    assert [d.allowed for d in decisions] == [True, True, False]
    assert len([r for r in caplog.records if "Redis unreachable" in r.getMessage()]) == 1
