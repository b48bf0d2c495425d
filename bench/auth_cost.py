"""What admitting a request costs: authenticating its API key against the database and counting
it against the key's rate limit, next to the cheapest query the same pool can run.

    .venv/bin/python bench/auth_cost.py [--requests 5000] [--warmup 500]
                                        [--database-url postgresql://…]
                                        [--redis-url redis://127.0.0.1:6379/0] [--write]

What it does:

1. A database of its own (`crm_bench_auth`, created for the run and dropped after it): an
   embedded PostgreSQL under bench/.data, or `--database-url` / BENCH_DATABASE_URL.
   Migrations, a workspace, two keys: one plain, one rotated with an overlap (to time a lookup
   through `previous_token_hash`).
2. One request at a time, in-process (no HTTP, no ASGI), each scenario `--requests` times after
   `--warmup` unmeasured calls, scenarios interleaved in chunks so that drift in the host's load
   spreads over all of them:
   - `SELECT 1` through the pool (the floor every request pays anyway);
   - `Authenticator.authenticate` (pool, HMAC, one indexed lookup joined to the workspace);
   - the same with the token replaced by a rotation, inside its overlap window;
   - `RateLimiter.hit` with the in-memory store, and with Redis when `--redis-url` answers;
   - authenticate + hit: what `app.gate.admit` does per request;
   - the HMAC alone.
3. A Markdown table of µs per request (p50, p99, mean); `--write` puts it, with the host's
   description, into docs/benchmarks-auth.md between its RESULTS markers.

Everything connects to loopback only; Redis keys are the benchmark keys' own ids.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import redis.asyncio as redis
from redis.exceptions import RedisError

from app.auth import api_keys, key_lifecycle
from app.auth.access_inputs import MAX_OVERLAP_SECONDS
from app.db import embedded, migrate
from app.db.database import Database, to_asyncpg_dsn
from app.metadata import roles
from app.metadata.workspaces import create_workspace
from app.ratelimit.limiter import Quota, RateLimiter

ROOT = Path(__file__).resolve().parents[1]
DATABASE_NAME = "crm_bench_auth"
SECRET = "bench-secret-" + "z" * 40
QUOTA = Quota(per_minute=1_000_000_000, per_second=1_000_000_000)  # never refuses
CHUNK = 250
DOC = ROOT / "docs" / "benchmarks-auth.md"
BEGIN, END = "<!-- RESULTS BEGIN -->", "<!-- RESULTS END -->"


@dataclass
class Scenario:
    label: str
    call: Callable[[], Awaitable[object]]
    samples: list[float] = field(default_factory=list)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="measured calls per scenario")
    parser.add_argument("--warmup", type=int, default=500, help="unmeasured calls first")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data")
    parser.add_argument("--write", action="store_true", help=f"write the table into {DOC.name}")
    return parser.parse_args()


def server_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return to_asyncpg_dsn(args.database_url)
    return embedded.url_for(embedded.start(args.data_dir), "postgres")


async def recreate_database(server: str, *, again: bool = True) -> str:
    """Drop the benchmark's database and, unless `again` is False, create it anew."""
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        if again:
            await admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        await admin.close()
    parts = urllib.parse.urlsplit(server)
    return urllib.parse.urlunsplit(parts._replace(path="/" + DATABASE_NAME))


async def prepare(db: Database) -> tuple[api_keys.ApiKey, str, str]:
    """A workspace with a key, and the previous token of a second key rotated with an overlap."""
    async with db.transaction() as conn:
        workspace = await create_workspace(conn, "bench-auth")
        admin = await roles.role_by_label(conn, workspace.id, roles.ADMIN)
        assert admin is not None
        key, token = await api_keys.create_api_key(
            conn, secret=SECRET, workspace_id=workspace.id, name="bench", role_id=admin.id
        )
        rotated, old_token = await api_keys.create_api_key(
            conn, secret=SECRET, workspace_id=workspace.id, name="rotated", role_id=admin.id
        )
        await key_lifecycle.rotate(
            conn,
            secret=SECRET,
            workspace_id=workspace.id,
            key_id=rotated.id,
            overlap_seconds=MAX_OVERLAP_SECONDS,
        )
    return key, token, old_token


async def redis_reachable(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        return bool(await client.ping())
    except (OSError, RedisError):
        return False
    finally:
        await client.aclose()


def _request(principal: object) -> Any:
    """What the limiter reads of a request: the admitted principal in its state."""
    return SimpleNamespace(state=SimpleNamespace(principal=principal))


def scenarios(
    db: Database,
    key: api_keys.ApiKey,
    token: str,
    old_token: str,
    memory: RateLimiter,
    shared: RateLimiter | None,
) -> list[Scenario]:
    authenticator = api_keys.Authenticator(SECRET)
    header, old_header = f"Bearer {token}", f"Bearer {old_token}"

    async def select_one() -> object:
        async with db.connection() as conn:
            return await conn.fetchval("SELECT 1")

    async def authenticate(authorization: str = header) -> api_keys.Principal:
        async with db.connection() as conn:
            return await authenticator.authenticate(conn, authorization)

    async def authenticate_previous() -> object:
        return await authenticate(old_header)

    def admit(limiter: RateLimiter) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            principal = await authenticate()
            return await limiter.hit(_request(principal), QUOTA)

        return call

    def hit(limiter: RateLimiter) -> Callable[[], Awaitable[object]]:
        request = _request(SimpleNamespace(api_key_id=key.id))

        async def call() -> object:
            return await limiter.hit(request, QUOTA)

        return call

    async def hmac_only() -> object:
        return api_keys.hash_token(SECRET, token)

    listed = [
        Scenario("pool + `SELECT 1` (floor)", select_one),
        Scenario("HMAC-SHA256 of the token alone", hmac_only),
        Scenario("authenticate (pool + lookup)", authenticate),
        Scenario("authenticate with the previous token (rotation overlap)", authenticate_previous),
        Scenario("rate limit, memory store", hit(memory)),
        Scenario("**authenticate + rate limit, memory** (`gate.admit`)", admit(memory)),
    ]
    if shared is not None:
        listed += [
            Scenario("rate limit, Redis", hit(shared)),
            Scenario("**authenticate + rate limit, Redis** (`gate.admit`)", admit(shared)),
        ]
    return listed


async def measure(listed: list[Scenario], requests: int, warmup: int) -> None:
    for scenario in listed:
        for _ in range(warmup):
            await scenario.call()
    done = 0
    while done < requests:
        size = min(CHUNK, requests - done)
        for scenario in listed:
            for _ in range(size):
                started = time.perf_counter_ns()
                await scenario.call()
                scenario.samples.append((time.perf_counter_ns() - started) / 1000)
        done += size


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def table(listed: list[Scenario]) -> str:
    lines = ["| per request | p50 µs | p99 µs | mean µs |", "|---|---:|---:|---:|"]
    for s in listed:
        p50, p99 = percentile(s.samples, 0.5), percentile(s.samples, 0.99)
        lines.append(f"| {s.label} | {p50:.0f} | {p99:.0f} | {statistics.fmean(s.samples):.0f} |")
    return "\n".join(lines)


def host() -> str:
    return (
        f"{os.cpu_count()} vCPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the start"
    )


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:])


async def main() -> None:
    args = parse_args()
    described = host()
    server = server_url(args)
    url = await recreate_database(server)
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url, min_size=2, max_size=2)
    await db.open()
    memory = RateLimiter()
    shared = RateLimiter(args.redis_url) if await redis_reachable(args.redis_url) else None
    try:
        key, token, old_token = await prepare(db)
        listed = scenarios(db, key, token, old_token, memory, shared)
        await measure(listed, args.requests, args.warmup)
    finally:
        await memory.close()
        if shared is not None:
            await shared.close()
        await db.close()
        await recreate_database(server, again=False)
    redis_note = "" if shared else f"\n\nRedis at {args.redis_url} did not answer: not measured."
    text = (
        f"{args.requests} calls per scenario after {args.warmup} warm-up calls, one at a time; "
        f"{described}.\n\n{table(listed)}{redis_note}"
    )
    print(text)
    if args.write:
        write_doc(text)
        print(f"\nwritten into {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
