"""What webhooks cost: the outbox on a 60-record batch create, and delivery throughput.

    .venv/bin/python -m bench.webhooks [--batches 200] [--events 3000] [--write]
                                       [--database-url postgresql://…]

What it does:

1. A database of its own (`crm_bench_webhooks`, created for the run and dropped after it): an
   embedded PostgreSQL under bench/.data, or `--database-url` / BENCH_DATABASE_URL.
   Three workspaces: one with no webhook, one whose webhook listens to another object
   (`company.created`: the outbox looks, finds no match, writes nothing), one with a `*.*`
   webhook (60 events written per batch).
2. `POST /rest/batch/people` with 60 records through the app (in-process ASGI, no worker
   running), `--batches` times per workspace after 10 unmeasured, interleaved in chunks of 10
   so that drift in the host's load spreads over all three.
3. Delivery: `--events` pending deliveries (written by the same batch creates) and a receiver
   in a separate process on loopback (a bare asyncio HTTP/1.1 server answering 200); one
   in-process `DeliveryWorker`, then two, time from start to the last delivery.
4. A Markdown table; `--write` puts it, with the host's description, into
   docs/benchmarks-webhooks.md between its RESULTS markers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

from app.auth import api_keys
from app.config import Settings
from app.db import migrate
from app.db.database import Database
from app.main import create_app
from app.metadata import roles
from app.metadata.workspaces import create_workspace
from app.webhooks.worker import DeliveryPolicy, DeliveryWorker
from bench.auth_cost import SECRET, host, percentile, recreate_database, server_url

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-webhooks.md"
BEGIN, END = "<!-- RESULTS BEGIN -->", "<!-- RESULTS END -->"
CHUNK = 10
BATCH = [{"city": f"c{i}", "jobTitle": "bench"} for i in range(60)]

RECEIVER = """
import asyncio, sys

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            length = 0
            for line in head.split(b"\\r\\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\\r\\ncontent-length: 0\\r\\n\\r\\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=200, help="measured batches per case")
    parser.add_argument("--events", type=int, default=3000, help="deliveries to send")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / ".data")
    parser.add_argument("--write", action="store_true", help=f"write the table into {DOC.name}")
    return parser.parse_args()


async def workspace(db: Database, name: str) -> dict[str, str]:
    """A workspace with the standard objects; the headers of its admin key."""
    async with db.transaction() as conn:
        made = await create_workspace(conn, name)
        admin = await roles.role_by_label(conn, made.id, roles.ADMIN)
        assert admin is not None
        _, token = await api_keys.create_api_key(
            conn, secret=SECRET, workspace_id=made.id, name="bench", role_id=admin.id
        )
    return {"Authorization": f"Bearer {token}"}


async def subscribe(http: httpx.AsyncClient, headers: dict[str, str], url: str, op: str) -> None:
    body = {"targetUrl": url, "operations": [op]}
    response = await http.post("/rest/metadata/webhooks", json=body, headers=headers)
    assert response.status_code == 201, response.text


async def batch(http: httpx.AsyncClient, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = await http.post("/rest/batch/people", json=BATCH, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text
    return elapsed * 1000


async def creates(
    http: httpx.AsyncClient, cases: dict[str, dict[str, str]], batches: int
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {label: [] for label in cases}
    for ws in cases.values():
        for _ in range(10):
            await batch(http, ws)
    done = 0
    while done < batches:
        for label, ws in cases.items():
            for _ in range(min(CHUNK, batches - done)):
                samples[label].append(await batch(http, ws))
        done += CHUNK
    return samples


async def pending(db: Database) -> int:
    async with db.connection() as conn:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM core.webhook_delivery WHERE status = 'pending'"
        )
    return count


async def deliver(db: Database, workers: int, expected: int) -> float:
    """Seconds for `workers` workers to deliver everything pending (`expected` events)."""
    policy = DeliveryPolicy(allow_private=True, poll=0.05)
    running = [DeliveryWorker(db, policy) for _ in range(workers)]
    started = time.perf_counter()
    for worker in running:
        await worker.start()
    while await pending(db):  # noqa: ASYNC110 (the database is what is watched)
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    for worker in running:
        await worker.stop()
    async with db.connection() as conn:
        delivered = await conn.fetchval(
            "SELECT count(*) FROM core.webhook_delivery WHERE status = 'delivered'"
        )
        await conn.execute("UPDATE core.webhook_delivery SET status = 'pending', attempts = 0")
    assert delivered == expected, (delivered, expected)
    return elapsed


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
    settings = Settings(
        database_url=url,
        app_secret=SECRET,
        rate_limit_per_minute=1_000_000_000,
        rate_limit_per_second=1_000_000_000,
        webhook_worker=False,
        webhook_allow_private_targets=True,
    )
    app = create_app(settings)
    db = Database(url, max_size=8)
    await db.open()
    receiver = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RECEIVER, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert receiver.stdout is not None
        port = int(await receiver.stdout.readline())
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                cases = {
                    "no webhook": await workspace(db, "bench-quiet"),
                    "a webhook on another object (`company.created`)": await workspace(
                        db, "bench-other"
                    ),
                    "a `*.*` webhook: 60 events written": await workspace(db, "bench-hooked"),
                }
                hooked = list(cases.values())
                target = f"http://127.0.0.1:{port}/hook"
                await subscribe(http, hooked[1], target, "company.created")
                await subscribe(http, hooked[2], target, "*.*")
                samples = await creates(http, cases, args.batches)
        async with db.connection() as conn:
            await conn.execute(
                "DELETE FROM core.webhook_delivery WHERE id NOT IN (SELECT id FROM "
                "core.webhook_delivery ORDER BY seq LIMIT $1)",
                args.events,
            )
        async with db.connection() as conn:  # as autovacuum keeps it on a live queue
            await conn.execute("ANALYZE core.webhook_delivery")
        events = await pending(db)
        one = await deliver(db, 1, events)
        two = await deliver(db, 2, events)
    finally:
        receiver.terminate()
        await receiver.wait()
        await db.close()
        await recreate_database(server, again=False)
    lines = [
        "| `POST /rest/batch/people`, 60 records | p50 ms | p99 ms | mean ms |",
        "|---|---:|---:|---:|",
    ]
    for label, values in samples.items():
        lines.append(
            f"| {label} | {percentile(values, 0.5):.1f} | {percentile(values, 0.99):.1f} "
            f"| {statistics.fmean(values):.1f} |"
        )
    lines += [
        "",
        "| delivery to a loopback receiver | events | seconds | events/s |",
        "|---|---:|---:|---:|",
        f"| one worker | {events} | {one:.2f} | {events / one:.0f} |",
        f"| two workers (one process) | {events} | {two:.2f} | {events / two:.0f} |",
    ]
    text = (
        f"{args.batches} measured batches per case after 10 warm-up batches; {described}."
        "\n\n" + "\n".join(lines)
    )
    print(text)
    if args.write:
        write_doc(text)
        print(f"\nwritten into {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
