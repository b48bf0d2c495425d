"""How long a new field takes to be usable: from the metadata call until a record read selecting
the field succeeds, in the process that made the change and in another one.

    .venv/bin/python bench/metadata_latency.py [--rounds 50] [--rows 10000] [--warmup 10]
                                               [--database-url postgresql://…]

What it does:

1. A database of its own (`crm_bench_metadata`, recreated each run): an embedded PostgreSQL
   under bench/.data, or `--database-url` / BENCH_DATABASE_URL. Migrations, a workspace, an
   admin key, a custom object `probe` holding `--rows` records.
2. Two API servers (`crm serve`) on loopback, A and B, waited for on /healthz.
3. After `--warmup` unmeasured rounds (connection pools, caches), per round, a TEXT field
   `f<n>` is added through A's `POST /rest/metadata/fields`, then one record is read selecting
   it (`GET /rest/probes/<id>?fields=f<n>`) through A in even rounds and through B in odd ones,
   retried until it answers 200 (a retry would mean the change was not yet visible there).
4. A Markdown table: the metadata call alone, the first read after it, and the sum (the number
   that matters), with median, p95 and max per process; the same read with no change before it
   (the floor); and the retries counted.

Everything listens on and connects to loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from app.auth import api_keys
from app.db import embedded, migrate
from app.db.database import Database, to_asyncpg_dsn
from app.metadata import roles
from app.metadata.workspaces import create_workspace

ROOT = Path(__file__).resolve().parents[1]
DATABASE_NAME = "crm_bench_metadata"
SECRET = "bench-secret-" + "y" * 40
DEADLINE = 30.0  # seconds any single wait may take


@dataclass
class Samples:
    call: list[float] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    retries: int = 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="fields added (half per reader)")
    parser.add_argument("--rows", type=int, default=10_000, help="records in the probed table")
    parser.add_argument(
        "--warmup", type=int, default=10, help="unmeasured rounds first (pools, caches)"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data")
    return parser.parse_args()


async def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        server = to_asyncpg_dsn(args.database_url)
    else:
        server = embedded.url_for(embedded.start(args.data_dir), "postgres")
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        await admin.close()
    parts = urllib.parse.urlsplit(server)
    return urllib.parse.urlunsplit(parts._replace(path="/" + DATABASE_NAME))


async def prepare(url: str) -> tuple[str, str]:
    """Migrate, create the workspace and its key; return the token and the workspace schema."""
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url, max_size=2)
    await db.open()
    try:
        async with db.transaction() as conn:
            workspace = await create_workspace(conn, "bench-metadata")
            admin = await roles.role_by_label(conn, workspace.id, roles.ADMIN)
            _, token = await api_keys.create_api_key(
                conn,
                secret=SECRET,
                workspace_id=workspace.id,
                name="bench",
                role_id=admin.id if admin else None,
            )
    finally:
        await db.close()
    return token, workspace.schema_name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "APP_SECRET": SECRET,
        "LOG_LEVEL": "warning",
        "RATE_LIMIT_PER_MINUTE": "1000000",
        "RATE_LIMIT_PER_SECOND": "100000",
    }
    command = [str(Path(sys.executable).with_name("crm")), "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


async def wait_ready(http: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{http.base_url} did not start")


async def seed(
    http: httpx.AsyncClient, headers: dict[str, str], url: str, schema: str, rows: int
) -> str:
    """The custom object `probe` (made through the API) with `rows` records; its id."""
    body = {
        "nameSingular": "probe",
        "namePlural": "probes",
        "labelSingular": "Probe",
        "labelPlural": "Probes",
    }
    created = await http.post("/rest/metadata/objects", json=body, headers=headers)
    created.raise_for_status()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            f'INSERT INTO "{schema}"."_probe" ("name") '
            "SELECT 'probe ' || n FROM generate_series(1, $1::int) AS n",
            rows,
        )
        # Settled, as a table that has lived a while is: no autovacuum pass (whose lock the
        # ALTER TABLE of a measured round would wait for) left to run on the fresh rows.
        await conn.execute(f'VACUUM ANALYZE "{schema}"."_probe"')
    finally:
        await conn.close()
    object_id: str = created.json()["data"]["createOneObject"]["id"]
    return object_id


async def one_round(
    writer: httpx.AsyncClient,
    reader: httpx.AsyncClient,
    headers: dict[str, str],
    probe: tuple[str, str],
    name: str,
    samples: Samples,
) -> None:
    object_id, record_id = probe
    body = {"objectMetadataId": object_id, "name": name, "label": name, "type": "TEXT"}
    started = time.perf_counter()
    created = await writer.post("/rest/metadata/fields", json=body, headers=headers)
    created.raise_for_status()
    returned = time.perf_counter()
    deadline = returned + DEADLINE
    while True:
        read = await reader.get(f"/rest/probes/{record_id}?fields={name}", headers=headers)
        if read.status_code == 200:
            break
        samples.retries += 1
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{name} never became readable: {read.text}")
    done = time.perf_counter()
    samples.call.append((returned - started) * 1000)
    samples.read.append((done - returned) * 1000)
    samples.total.append((done - started) * 1000)


def row(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"| {label} | {statistics.median(ordered):.1f} | {p95:.1f} | {ordered[-1]:.1f} |"


async def steady_reads(
    http: httpx.AsyncClient, headers: dict[str, str], path: str, count: int = 30
) -> list[float]:
    """The same read with no change before it: what a read costs anyway."""
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        (await http.get(path, headers=headers)).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(
    results: dict[str, Samples], floors: dict[str, list[float]], args: argparse.Namespace
) -> str:
    lines = [
        f"Rounds: {args.rounds} (half read through each process); rows in the table: {args.rows}.",
        "",
        "| milliseconds | median | p95 | max |",
        "|---|---|---|---|",
    ]
    for where, samples in results.items():
        lines.append(row(f"{where}: metadata call (add field)", samples.call))
        lines.append(row(f"{where}: first read selecting it", samples.read))
        lines.append(row(f"**{where}: call → successful read**", samples.total))
        lines.append(row(f"{where}: the same read, no change before it", floors[where]))
    retries = ", ".join(f"{where} {s.retries}" for where, s in results.items())
    lines += ["", f"Reads retried because the field was not yet visible: {retries}."]
    return "\n".join(lines)


async def main() -> None:
    args = parse_args()
    url = await database_url(args)
    token, schema = await prepare(url)
    headers = {"Authorization": f"Bearer {token}"}
    servers = [start_server(url) for _ in range(2)]
    try:
        async with (
            httpx.AsyncClient(base_url=servers[0][1], timeout=DEADLINE) as a,
            httpx.AsyncClient(base_url=servers[1][1], timeout=DEADLINE) as b,
        ):
            await asyncio.gather(wait_ready(a), wait_ready(b))
            object_id = await seed(a, headers, url, schema, args.rows)
            # Both processes load the workspace's catalog before the first measured change.
            for http in (a, b):
                listed = await http.get("/rest/probes?limit=1", headers=headers)
                listed.raise_for_status()
            probe = (object_id, listed.json()["data"]["probes"][0]["id"])
            suffix = secrets.token_hex(3)
            for n in range(args.warmup):
                await one_round(a, (a, b)[n % 2], headers, probe, f"w{suffix}{n}", Samples())
            results = {"same process": Samples(), "other process": Samples()}
            for n in range(args.rounds):
                where = "same process" if n % 2 == 0 else "other process"
                reader = a if n % 2 == 0 else b
                await one_round(a, reader, headers, probe, f"f{suffix}{n}", results[where])
            path = f"/rest/probes/{probe[1]}?fields=f{suffix}0"
            floors = {
                "same process": await steady_reads(a, headers, path),
                "other process": await steady_reads(b, headers, path),
            }
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=DEADLINE)
        if not args.database_url:
            embedded.release()
    print(report(results, floors, args))


if __name__ == "__main__":
    asyncio.run(main())
