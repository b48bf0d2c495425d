"""HTTP benchmark of the REST and GraphQL APIs against their own SQL run straight through
asyncpg (the ceiling).

    .venv/bin/python bench/run.py [--scenarios get_one sorted60 …] [--duration 10]
                                  [--connections 16] [--people 100000] [--companies 10000]
                                  [--workers 1] [--fresh] [--explain]

What it does, in order:

1. A database of its own: an embedded PostgreSQL under bench/.data (kept between runs; `--fresh`
   rebuilds it), or `--database-url` / BENCH_DATABASE_URL (the database is created if missing).
   Migrations, a workspace `bench`, a fresh admin API key; companies and people are loaded with
   COPY (values built by the engine's own `writes.create_rows`, so they are what the API would
   have stored), then VACUUM ANALYZE.
2. Setup as a user would do it, through the API (the app in process, httpx's ASGI transport):
   `person.city` marked `isIndexed` with the metadata API; for the page-1,000 scenario, the list
   walked to its 59,940th row for that row's cursor.
3. The SQL ceiling, recorded from the real app: each scenario's HTTP request is sent once through
   the app in process while the bench watches the app's connection pool (which connection each
   statement went to, and whether in a transaction) and `app.query.trace` reports what the
   engine sent. Those statements, the API key lookup included, are what the ceiling replays.
4. The API server as a subprocess (`crm serve --workers N`, log level warning), waited for on
   /healthz.
5. Per scenario: the API under `wrk` (a Lua script; a bounded asyncio + httpx generator when wrk
   is missing), then the recorded statements replayed through an asyncpg pool by as many
   in-process workers as there are connections, with the same pool acquisitions as a request.
6. A Markdown table (also written to bench/results/latest.md), with the CPU each request cost
   the server (or the asyncpg client), PostgreSQL and the load generator, read from /proc. The
   host may be shared: each run waits for the machine to go idle first, and a run that other
   processes disturbed is repeated (`--retries`, `--max-noise`), keeping the quietest.

Results and how to read them: docs/benchmarks.md. Everything listens on and connects to
loopback only; every loop is bounded by a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import random
import resource
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import orjson

from app.auth import api_keys
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.catalog.store import load_catalog
from app.config import Settings
from app.db import embedded, migrate
from app.db.database import Database, to_asyncpg_dsn
from app.db.sqltext import qualified
from app.main import create_app
from app.metadata import roles, store
from app.metadata.field_types import ScalarKind, handler_for
from app.metadata.model import ObjectMeta
from app.metadata.workspaces import create_workspace
from app.query import trace, writes

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
WRK_DIR = BENCH_DIR / "wrk"
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_DATA_DIR = BENCH_DIR / ".data"
DATABASE_NAME = "crm_bench"
WORKSPACE_NAME = "bench"
BATCH_SIZE = 60
BATCH_PATH = "/rest/batch/people"
BATCH_EMAIL_PREFIX = "batch-"  # every row the batch scenario creates; deleted after the run
SAMPLE_SIZE = 500  # ids get one cycles through; companies the batch's people belong to
PAGE_ROWS = 60
PAGE1000_SKIPPED = 999 * PAGE_ROWS  # page 1,000 starts after row 59,940
UNREACHABLE_QUOTA = 10**9  # rate limits: the limiter stays in the request path, never refuses
CLK_TCK = os.sysconf("SC_CLK_TCK")

SCENARIOS = (
    "get_one",
    "sorted60",
    "filtered60",
    "depth1",
    "page1000",
    "gql60",
    "gql60_total",
    "batch60",  # last: it adds rows, deleted after the run
)
TITLES = {
    "get_one": "get one person by id",
    "sorted60": "list 60, createdAt desc",
    "filtered60": "list 60, filtered (Berlin and/or ilike)",
    "depth1": "list 60 + company (depth 1)",
    "page1000": "list 60, page 1,000 by cursor",
    "gql60": "GraphQL: 60 people + company name",
    "gql60_total": "GraphQL: the same + totalCount",
    "batch60": "batch create 60 people",
}
# The requests Twenty's clients send by default (the issue's table; the peers' scenarios).
LIST_QUERY = {"limit": str(PAGE_ROWS), "order_by": "createdAt[DescNullsLast]"}
FILTER = 'and(city[eq]:"Berlin",or(name.lastName[ilike]:"%son%",name.firstName[ilike]:"%an%"))'
GRAPHQL_PATH = "/graphql"
GRAPHQL_QUERIES = {
    "gql60": (
        "{ people(first: 60, orderBy: [{createdAt: DescNullsLast}]) { edges { node { id "
        "name { firstName lastName } company { name } } } } }"
    ),
    "gql60_total": (
        "{ people(first: 60, orderBy: [{createdAt: DescNullsLast}]) { totalCount edges { node "
        "{ id name { firstName lastName } company { name } } } } }"
    ),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def people_path(query: dict[str, str]) -> str:
    return "/rest/people?" + urllib.parse.urlencode(query)


# ---- arguments ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=list(SCENARIOS),
        help=f"any of {', '.join(SCENARIOS)} (space or comma separated; default: all)",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before each")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="an existing PostgreSQL (database created if missing); default: embedded",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="embedded data")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data set")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes: `crm serve --workers N` (default 1)",
    )
    parser.add_argument(
        "--server-cmd",
        help="serve with this command instead ({port} is replaced), e.g. to A/B a change",
    )
    parser.add_argument(
        "--loadgen", choices=("auto", "wrk", "httpx"), default="auto", help="load generator"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=60.0,
        help="before each run, wait up to this many seconds for other processes to go idle",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="run a measurement again (keeping the quietest) when other processes took more "
        "than --max-noise cores during it",
    )
    parser.add_argument("--max-noise", type=float, default=0.2, help="cores; see --retries")
    parser.add_argument("--skip-sql", action="store_true", help="measure the API only")
    parser.add_argument("--skip-api", action="store_true", help="measure the SQL only")
    parser.add_argument("--show-sql", action="store_true", help="print each scenario's SQL")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, FORMAT TEXT) of each scenario's recorded statements",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the server with py-spy during each API run (slows it; numbers not for docs)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.md")
    args = parser.parse_args(argv)
    chosen = [s for item in args.scenarios for s in item.split(",") if s]
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {SCENARIOS}")
    args.scenarios = [s for s in SCENARIOS if s in chosen]
    if args.connections < 1 or args.threads < 1 or args.threads > args.connections:
        parser.error("need 1 <= --threads <= --connections")
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be > 0 and --warmup >= 0")
    if args.workers < 1:
        parser.error("--workers must be >= 1")
    if args.people < SAMPLE_SIZE or args.companies < 10:
        parser.error(f"need --people >= {SAMPLE_SIZE} and --companies >= 10")
    if "page1000" in args.scenarios and args.people < PAGE1000_SKIPPED + PAGE_ROWS:
        parser.error(f"page1000 needs --people >= {PAGE1000_SKIPPED + PAGE_ROWS:,}")
    return args


# ---- the database ------------------------------------------------------------------------


def with_database(url: str, database: str) -> str:
    parts = urllib.parse.urlsplit(to_asyncpg_dsn(url))
    return urllib.parse.urlunsplit(parts._replace(path="/" + database))


async def ensure_database(url: str, *, drop: bool) -> None:
    """Create the database `url` names if missing (dropping it first with `drop`)."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    conn = await asyncpg.connect(with_database(url, "postgres"))
    try:
        if drop:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")
    finally:
        await conn.close()


def database_url(args: argparse.Namespace) -> str:
    """The benchmark database: external (created if missing) or on the embedded server."""
    if args.database_url:
        url = to_asyncpg_dsn(args.database_url)
        asyncio.run(ensure_database(url, drop=False))
        return url
    log(f"starting the embedded PostgreSQL under {args.data_dir}")
    socket_dir = embedded.start(args.data_dir)
    url = embedded.url_for(socket_dir, DATABASE_NAME)
    # The embedded database is ours alone: --fresh simply drops it.
    asyncio.run(ensure_database(url, drop=args.fresh))
    return url


# ---- the data set ------------------------------------------------------------------------

# People's names and cities are the peer benchmark's word lists, so that the filtered scenario
# selects the same share of rows as there: Berlin is one city in 20 (~5,000 people), and ~30 %
# of those have "son" in the last name or "an" in the first (~1,500 rows).
FIRST_NAMES = (  # noqa: SIM905
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul "
    "Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy "
    "Stephanie Lucas Emma Noah Olivia Liam Sophia Jan Anna Pierre Chloe"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Muller Schmidt "
    "Schneider Fischer Weber Meyer Wagner Becker Dubois Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Rossi Russo Ferrari Esposito Bianchi Romano Jensen Nielsen Hansen Larsen "
    "Andersson Johansson Karlsson Nilsson"
).split()
CITIES = (  # noqa: SIM905
    "Paris Berlin London Madrid Rome Amsterdam Brussels Vienna Zurich Lisbon Dublin Copenhagen "
    "Stockholm Oslo Helsinki Warsaw Prague Budapest Athens Barcelona"
).split()
JOB_TITLES = (
    "CEO",
    "CTO",
    "Head of Sales",
    "Account Executive",
    "Software Engineer",
    "Product Manager",
    "Designer",
    "Office Manager",
    "Data Analyst",
    "Customer Success Manager",
)
COMPANY_WORDS = (  # noqa: SIM905
    "Acme Globex Initech Umbrella Hooli Stark Wayne Wonka Cyberdyne Tyrell Soylent Aperture "
    "Vandelay Monarch Gringotts Oscorp Pied Piper Massive Dynamic Nakatomi"
).split()
COMPANY_SUFFIXES = ("Labs", "Inc", "Systems", "Partners", "Group", "Software", "Analytics", "AI")


@dataclass
class Dataset:
    """What the scenarios need to know about the loaded data."""

    url: str
    workspace_id: UUID
    schema: str
    token: str
    key_id: UUID
    secret: str
    person_ids: list[UUID]  # a random sample, for get one
    company_ids: list[UUID]  # a random sample, for the batch's people
    companies_total: int
    people_total: int
    postmaster: int | None  # the PostgreSQL server's main process, when local


async def copy_rows(
    conn: asyncpg.Connection, schema: str, obj: ObjectMeta, rows: Sequence[writes.RowValues]
) -> None:
    """COPY (binary) on a plain connection: JSON columns go in as JSON text."""
    columns = list(rows[0].values)
    json_columns = {
        column.name
        for f in obj.fields
        for column in handler_for(f.type).columns(f)
        if column.kind is ScalarKind.JSON
    }
    records = [
        tuple(
            orjson.dumps(value).decode() if c in json_columns and value is not None else value
            for c, value in ((c, row.values.get(c)) for c in columns)
        )
        for row in rows
    ]
    await conn.copy_records_to_table(
        obj.table_name, records=records, columns=columns, schema_name=schema
    )


def company_bodies(count: int, rng: random.Random, now: datetime) -> Iterator[dict[str, Any]]:
    for i in range(count):
        word = COMPANY_WORDS[i % len(COMPANY_WORDS)]
        suffix = COMPANY_SUFFIXES[(i // len(COMPANY_WORDS)) % len(COMPANY_SUFFIXES)]
        yield {
            "name": f"{word} {suffix} {i}",
            "domainName": {"primaryLinkUrl": f"https://{word.lower()}-{i}.example.com"},
            "employees": rng.choice((3, 12, 45, 120, 800, 5000)),
            "address": {"addressCity": rng.choice(CITIES)},
            "idealCustomerProfile": rng.random() < 0.2,
            "position": i,
            "createdAt": (now - timedelta(minutes=rng.randrange(525_600))).isoformat(),
        }


def person_bodies(
    count: int, company_ids: Sequence[UUID], rng: random.Random, now: datetime
) -> Iterator[dict[str, Any]]:
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = rng.choice(company_ids) if rng.random() < 0.95 else None
        yield {
            "name": {"firstName": first, "lastName": last},
            "emails": {"primaryEmail": f"{first.lower()}.{last.lower()}.{i}@example.com"},
            "jobTitle": rng.choice(JOB_TITLES),
            "city": rng.choice(CITIES),
            "phones": {
                "primaryPhoneNumber": f"6{rng.randrange(10**8):08d}",
                "primaryPhoneCountryCode": "FR",
                "primaryPhoneCallingCode": "+33",
            },
            "companyId": str(company) if company else None,
            "position": i,
            "createdAt": (now - timedelta(minutes=rng.randrange(525_600))).isoformat(),
        }


async def load_rows(
    conn: asyncpg.Connection,
    catalog: Catalog,
    company_obj: ObjectMeta,
    person_obj: ObjectMeta,
    companies: int,
    people: int,
    actor: dict[str, Any],
) -> None:
    rng = random.Random(20240601)
    now = datetime.now(UTC)
    async with conn.transaction():
        await conn.execute(
            f"TRUNCATE {qualified(catalog.schema, company_obj.table_name)}, "
            f"{qualified(catalog.schema, person_obj.table_name)} CASCADE"
        )
        rows = writes.create_rows(
            company_obj,
            list(company_bodies(companies, rng, now)),
            actor=actor,
            access=Access.full(),
        )
        await copy_rows(conn, catalog.schema, company_obj, rows)
        company_ids = [row.values["id"] for row in rows]
        chunk = 20_000
        bodies = person_bodies(people, company_ids, rng, now)
        for start in range(0, people, chunk):
            batch = [next(bodies) for _ in range(min(chunk, people - start))]
            rows = writes.create_rows(person_obj, batch, actor=actor, access=Access.full())
            await copy_rows(conn, catalog.schema, person_obj, rows)


async def load_data(
    db: Database, catalog: Catalog, *, companies: int, people: int, actor: dict[str, Any]
) -> None:
    """COPY the records in; values come from the engine's create path (validated, defaulted)."""
    company_obj, person_obj = catalog.by_singular("company"), catalog.by_singular("person")
    assert company_obj is not None and person_obj is not None
    started = time.perf_counter()
    conn = await asyncpg.connect(db.url)
    try:
        await load_rows(conn, catalog, company_obj, person_obj, companies, people, actor)
    finally:
        await conn.close()
    loaded = time.perf_counter() - started
    async with db.connection() as conn:
        for obj in (company_obj, person_obj):
            await conn.execute(f"VACUUM (ANALYZE) {qualified(catalog.schema, obj.table_name)}")
    log(
        f"loaded {companies:,} companies and {people:,} people in {loaded:.1f} s "
        f"(+ VACUUM ANALYZE: {time.perf_counter() - started - loaded:.1f} s)"
    )


async def delete_batch_rows(url: str, schema: str, *, compact: bool = True) -> int:
    """Delete the people the batch scenario created; with `compact`, give their space back."""
    conn = await asyncpg.connect(url)
    try:
        status = await conn.execute(
            f'DELETE FROM {qualified(schema, "person")} WHERE "emailsPrimaryEmail" LIKE $1',
            BATCH_EMAIL_PREFIX + "%",
        )
        deleted = int(status.split()[-1])
        if deleted and compact:
            # FULL: give back the heap and index space, so the next run starts from the same
            # physical table (a plain VACUUM leaves the indexes bloated, ~6x after a run).
            await conn.execute(f"VACUUM (FULL) {qualified(schema, 'person')}")
        if deleted:
            # FULL leaves the visibility map empty (index-only scans would visit the heap
            # again); a plain VACUUM sets it, and after a few deleted rows is all it takes.
            await conn.execute(f"VACUUM (ANALYZE) {qualified(schema, 'person')}")
    finally:
        await conn.close()
    return deleted


async def dataset_matches(conn: asyncpg.Connection, schema: str, args: argparse.Namespace) -> bool:
    """Whether the stored rows are this generator's, at the requested size."""
    companies = await conn.fetchval(f"SELECT count(*) FROM {qualified(schema, 'company')}")
    people = await conn.fetchval(f"SELECT count(*) FROM {qualified(schema, 'person')}")
    cities = await conn.fetchval(
        f"SELECT array_agg(DISTINCT city ORDER BY city) FROM {qualified(schema, 'person')}"
    )
    if (companies, people) != (args.companies, args.people):
        log(f"data set has {companies:,} companies / {people:,} people: reloading")
        return False
    if list(cities or ()) != sorted(CITIES):
        log("data set was made by an older generator (other cities): reloading")
        return False
    return True


async def prepare(url: str, args: argparse.Namespace, secret: str) -> Dataset:
    db = Database(url, min_size=1, max_size=2)
    await db.open()
    try:
        async with db.transaction() as conn:
            workspace = await store.find_workspace(conn, WORKSPACE_NAME)
            if workspace is None:
                workspace = await create_workspace(conn, WORKSPACE_NAME)
                log(f"created workspace {WORKSPACE_NAME} (schema {workspace.schema_name})")
            admin = await roles.role_by_label(conn, workspace.id, roles.ADMIN)
            assert admin is not None
            key, token = await api_keys.create_api_key(
                conn,
                secret=secret,
                workspace_id=workspace.id,
                name=f"bench {datetime.now(UTC):%Y-%m-%d %H:%M:%S}",
                role_id=admin.id,
            )
        schema = workspace.schema_name
        leftovers = await delete_batch_rows(url, schema)
        if leftovers:
            log(f"deleted {leftovers:,} rows left by an interrupted batch scenario")
        async with db.connection() as conn:
            catalog = await load_catalog(conn, workspace.id)
            reuse = not args.fresh and await dataset_matches(conn, schema, args)
        if reuse:
            log(f"reusing {args.companies:,} companies and {args.people:,} people")
        else:
            actor = {"source": "API", "workspaceMemberId": None, "name": "bench", "context": {}}
            await load_data(db, catalog, companies=args.companies, people=args.people, actor=actor)
        samples: dict[str, list[UUID]] = {}
        async with db.connection() as conn:
            for table in ("person", "company"):
                rows = await conn.fetch(
                    f"SELECT id FROM {qualified(schema, table)} ORDER BY random() LIMIT $1",
                    SAMPLE_SIZE,
                )
                samples[table] = [r["id"] for r in rows]
        return Dataset(
            url=url,
            workspace_id=workspace.id,
            schema=schema,
            token=token,
            key_id=key.id,
            secret=secret,
            person_ids=samples["person"],
            company_ids=samples["company"],
            companies_total=args.companies,
            people_total=args.people,
            postmaster=await postmaster_pid(url),
        )
    finally:
        await db.close()


async def finish(dataset: Dataset) -> None:
    deleted = await delete_batch_rows(dataset.url, dataset.schema)
    if deleted:
        log(f"deleted the {deleted:,} people the batch scenario created")
    db = Database(dataset.url, min_size=1, max_size=1)
    await db.open()
    try:
        async with db.transaction() as conn:
            await api_keys.revoke_api_key(conn, dataset.key_id)
    finally:
        await db.close()


# ---- the SQL the API runs, recorded from the app ------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str  # fetch, fetchval, fetchrow, execute
    sql: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Step:
    """Statements run on one pooled connection (in a transaction when `transaction`)."""

    calls: tuple[Call, ...]
    transaction: bool = False


# The acquisitions of the request being recorded. A context variable: the request's tasks see
# it, the app's background tasks (the catalog poll) do not.
RECORDING: ContextVar[list[RecordedConnection] | None] = ContextVar("bench_recording", default=None)


class RecordedConnection:
    """A pooled connection lent to the app while a request is recorded: logs each statement."""

    REPLAYABLE = ("fetch", "fetchrow", "fetchval", "execute")

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.calls: list[Call] = []
        self.in_transaction = False

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._conn, name)
        if name in self.REPLAYABLE:

            async def logged(sql: str, *args: Any, **kwargs: Any) -> Any:
                self.calls.append(Call(name, sql, args))
                return await attribute(sql, *args, **kwargs)

            return logged
        if name in ("executemany", "prepare", "cursor") or name.startswith("copy_"):
            raise RuntimeError(f"the app called Connection.{name}, which the bench cannot replay")
        if name == "transaction":
            self.in_transaction = True
        return attribute

    def step(self) -> Step:
        return Step(tuple(self.calls), self.in_transaction)


class RecordingPool:
    """The app's pool, wrapped: while a request is recorded, every connection it acquires is a
    RecordedConnection (the engine, the API key lookup, anything that uses the pool)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def acquire(self, **options: Any) -> Any:
        """Awaited, as app.db.database.Database acquires (and then releases through
        `release`)."""
        recording = RECORDING.get()
        if recording is None:
            return self._pool.acquire(**options)
        return self._recorded(recording, options)

    async def _recorded(
        self, recording: list[RecordedConnection], options: dict[str, Any]
    ) -> RecordedConnection:
        recorded = RecordedConnection(await self._pool.acquire(**options))
        recording.append(recorded)
        return recorded

    async def release(self, conn: Any, **options: Any) -> None:
        if isinstance(conn, RecordedConnection):
            conn = conn._conn
        await self._pool.release(conn, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


@dataclass(frozen=True)
class Request:
    """One HTTP request of a scenario."""

    method: str
    path: str  # with its (encoded) query string
    body: bytes | None = None


@dataclass
class Scenario:
    name: str
    requests: list[Request]  # what the load generator sends, cycled through
    sql: list[list[Step]]  # the statements each request made the app send, in the same order
    make_sql: Callable[[int], list[Step]] | None = None  # batch: fresh ids and emails each time

    @property
    def kind(self) -> str:
        """`get` (paths cycled through), `post` (one constant body) or `batch` (bodies made by
        the load generator: unique emails)."""
        if self.make_sql is not None:
            return "batch"
        return "post" if self.requests[0].method == "POST" else "get"

    def sql_request(self, n: int) -> list[Step]:
        if self.make_sql is not None:
            return self.make_sql(n)
        return self.sql[n % len(self.sql)]


def batch_records(
    nonce: str, worker: str, n: int, companies: Sequence[str]
) -> list[dict[str, Any]]:
    """The batch body, as bench/wrk/batch.lua writes it."""
    return [
        {
            "name": {"firstName": "Bench", "lastName": f"W{n}-{k}"},
            "emails": {
                "primaryEmail": f"{BATCH_EMAIL_PREFIX}{nonce}-{worker}-{n}-{k}@bench.example.com"
            },
            "jobTitle": "Account Executive",
            "city": "Lyon",
            "companyId": companies[(n * BATCH_SIZE + k) % len(companies)],
        }
        for k in range(1, BATCH_SIZE + 1)
    ]


def batch_request(dataset: Dataset, nonce: str, worker: str, n: int) -> Request:
    companies = [str(c) for c in dataset.company_ids]
    return Request("POST", BATCH_PATH, orjson.dumps(batch_records(nonce, worker, n, companies)))


def scenario_requests(name: str, dataset: Dataset, cursor: str) -> list[Request]:
    """The HTTP requests of a read scenario (`cursor`: page 1,000's)."""
    if name == "get_one":
        return [Request("GET", f"/rest/people/{i}") for i in dataset.person_ids]
    if name in GRAPHQL_QUERIES:
        return [Request("POST", GRAPHQL_PATH, orjson.dumps({"query": GRAPHQL_QUERIES[name]}))]
    extra = {
        "sorted60": {},
        "filtered60": {"filter": FILTER},
        "depth1": {"depth": "1"},
        "page1000": {"starting_after": cursor},
    }[name]
    return [Request("GET", people_path({**LIST_QUERY, **extra}))]


@contextlib.asynccontextmanager
async def app_client(settings: Settings, token: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process (its lifespan run), its pool wrapped for recording, and a client
    that sends the bench key."""
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            # The one place the bench reaches into the app: its Database has no hook around
            # acquisitions, so its pool is wrapped (for this in-process app only).
            db = app.state.crm.db
            db._pool = RecordingPool(db.pool)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://bench",
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            ) as client:
                yield client
    finally:
        gc.unfreeze()  # the app's lifespan froze this process's objects; not ours to keep


async def send(client: httpx.AsyncClient, request: Request) -> httpx.Response:
    """Send `request`; the response, when it succeeded (a GraphQL error is a failure too)."""
    headers = {"Content-Type": "application/json"} if request.body is not None else None
    response = await client.request(
        request.method, request.path, content=request.body, headers=headers
    )
    if response.status_code >= 400 or (
        request.path == GRAPHQL_PATH and response.json().get("errors")
    ):
        raise RuntimeError(
            f"{request.method} {request.path[:200]}: HTTP {response.status_code}: "
            f"{response.text[:500]}"
        )
    return response


async def record(client: httpx.AsyncClient, request: Request) -> tuple[list[Step], httpx.Response]:
    """Send `request` once through the app, recording the statements it makes the app send."""
    opened: list[RecordedConnection] = []
    sent: list[trace.Sent] = []
    token = RECORDING.set(opened)
    try:
        with trace.observe_sent(sent.append):
            response = await send(client, request)
    finally:
        RECORDING.reset(token)
    steps = [conn.step() for conn in opened]
    # What the engine reports must be among what the pool saw, in order: a statement sent on a
    # connection the bench did not see would be missing from the ceiling.
    recorded = iter((call.sql, call.args) for step in steps for call in step.calls)
    missing = [s for s in sent if (s.sql, s.params) not in recorded]
    if missing:
        raise RuntimeError(
            f"{request.path[:200]}: the engine sent statements the bench did not see on the "
            "app's pool:\n" + "\n".join(s.sql[:300] for s in missing)
        )
    return steps, response


async def metadata_object(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    """An object's metadata (its fields included), found through the metadata API."""
    query: dict[str, str] = {}
    while True:
        path = "/rest/metadata/objects?" + urllib.parse.urlencode(query)
        body = (await send(client, Request("GET", path))).json()
        for obj in body["data"]["objects"]:
            if obj["nameSingular"] == name:
                found: dict[str, Any] = obj
                return found
        if not body["pageInfo"]["hasNextPage"]:
            raise RuntimeError(f"no object {name!r} in the metadata API")
        query = {"starting_after": body["pageInfo"]["endCursor"]}


async def index_city(client: httpx.AsyncClient) -> None:
    """Mark `person.city` as indexed through the metadata API, as a user would (once)."""
    person = await metadata_object(client, "person")
    city = next(f for f in person["fields"] if f["name"] == "city")
    if city["isIndexed"]:
        return
    started = time.perf_counter()
    body = orjson.dumps({"isIndexed": True})
    await send(client, Request("PATCH", f"/rest/metadata/fields/{city['id']}", body))
    log(f"marked person.city isIndexed (metadata API) in {time.perf_counter() - started:.1f} s")


async def cursor_after(client: httpx.AsyncClient, rows: int, page_size: int) -> str:
    """The cursor of row `rows` of the sorted list, as the API gives it: the list walked in
    pages of `page_size` (the largest limit; the cursor holds the row's order keys, so it does
    not depend on the page size), keeping the last page's endCursor."""
    cursor, seen = "", 0
    while seen < rows:
        query = {**LIST_QUERY, "limit": str(min(page_size, rows - seen))}
        if cursor:
            query["starting_after"] = cursor
        body = (await send(client, Request("GET", people_path(query)))).json()
        page = body["data"]["people"]
        if not page:
            raise RuntimeError(f"the list ended after {seen:,} rows, before row {rows:,}")
        seen += len(page)
        cursor = body["pageInfo"]["endCursor"]
    return cursor


def leaves(value: Any) -> Iterator[Any]:
    """A statement parameter's scalars (an array parameter's elements)."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from leaves(item)
    else:
        yield value


async def record_batch(client: httpx.AsyncClient, dataset: Dataset, nonce: str) -> Scenario:
    """Record one batch create; replays swap in fresh ids and emails (the rest is identical)."""
    await send(client, batch_request(dataset, nonce, "warm", 0))
    marker = "tplmarker"
    steps, response = await record(client, batch_request(dataset, nonce, marker, 0))
    (created,) = response.json()["data"].values()
    ids = {UUID(r["id"]) for r in created}

    def touched(value: Any) -> bool:
        return any(
            (isinstance(v, UUID) and v in ids) or (isinstance(v, str) and marker in v)
            for v in leaves(value)
        )

    def fresh(value: Any, new_ids: dict[UUID, UUID], tag: str) -> Any:
        if isinstance(value, (list, tuple)):
            return type(value)(fresh(v, new_ids, tag) for v in value)
        if isinstance(value, UUID):
            return new_ids.get(value, value)
        if isinstance(value, str):
            return value.replace(marker, tag)
        return value

    # (step, call) -> the argument positions holding a created id or a marked email
    slots = {
        (i, j): [k for k, arg in enumerate(call.args) if touched(arg)]
        for i, step in enumerate(steps)
        for j, call in enumerate(step.calls)
    }
    values = [
        leaf
        for (i, j), positions in slots.items()
        for k in positions
        for leaf in leaves(steps[i].calls[j].args[k])
    ]
    emails = {v for v in values if isinstance(v, str) and marker in v}
    if {v for v in values if isinstance(v, UUID)} != ids or len(emails) != BATCH_SIZE:
        raise RuntimeError("batch60: the created ids and emails are not all statement parameters")

    def make_sql(n: int) -> list[Step]:
        new_ids = {i: uuid4() for i in ids}
        tag = f"sql{n}"
        out = []
        for i, step in enumerate(steps):
            calls = []
            for j, call in enumerate(step.calls):
                args = list(call.args)
                for k in slots[i, j]:
                    args[k] = fresh(args[k], new_ids, tag)
                calls.append(Call(call.method, call.sql, tuple(args)))
            out.append(Step(tuple(calls), step.transaction))
        return out

    return Scenario("batch60", [batch_request(dataset, nonce, "check", 0)], [steps], make_sql)


async def record_scenarios(
    dataset: Dataset, names: Sequence[str], settings: Settings, nonce: str
) -> dict[str, Scenario]:
    """Setup through the API, then each scenario's requests sent once through the app in
    process, in the steady state (after one unrecorded request of the same kind)."""
    scenarios: dict[str, Scenario] = {}
    async with app_client(settings, dataset.token) as client:
        # The catalog loaded, the key's last use written (once a minute): not the steady state.
        await send(client, Request("GET", people_path({"limit": "1"})))
        if "filtered60" in names:
            await index_city(client)
        if "batch60" in names:
            # First: its rows are deleted before the reads are recorded, so that every list
            # sees the same table, and the filtered total's snapshot (Note [count reuse]) is
            # the one the ceiling replays.
            scenarios["batch60"] = await record_batch(client, dataset, nonce)
            await delete_batch_rows(dataset.url, dataset.schema, compact=False)
        cursor = ""
        if "page1000" in names:
            started = time.perf_counter()
            cursor = await cursor_after(client, PAGE1000_SKIPPED, settings.query_max_limit)
            log(
                f"page1000: cursor of row {PAGE1000_SKIPPED:,} found by walking the list "
                f"({time.perf_counter() - started:.1f} s)"
            )
        for name in names:
            if name == "batch60":
                continue
            requests = scenario_requests(name, dataset, cursor)
            await send(client, requests[0])
            sql = [(await record(client, request))[0] for request in requests]
            scenarios[name] = Scenario(name, requests, sql)
    for name in names:
        steps = scenarios[name].sql_request(0)
        statements = sum(len(step.calls) for step in steps)
        log(
            f"{name}: recorded {len(scenarios[name].sql)} request(s); each "
            f"{len(steps)} pooled connection use(s), {statements} statement(s)"
        )
    return {name: scenarios[name] for name in names}


# ---- measuring -----------------------------------------------------------------------------


def proc_table() -> dict[int, tuple[int, float]]:
    """Every visible process: pid -> (parent pid, CPU seconds used so far)."""
    table: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return table


def tree_cpu(
    root: int, before: dict[int, tuple[int, float]], after: dict[int, tuple[int, float]]
) -> float:
    """CPU seconds `root` and its descendants used between two snapshots (processes that
    started in between count from zero; ones that ended in between are lost)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in after.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in after:
            total += after[pid][1] - (before[pid][1] if pid in before else 0.0)
        stack.extend(children.get(pid, ()))
    return total


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot, summed over cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = values[:7]  # then steal, guest
    return (user + nice + system + irq + softirq) / CLK_TCK


def wait_quiet(limit: float, threshold: float = 0.2) -> None:
    """Wait (at most `limit` seconds) until the machine is nearly idle: other processes
    (a test run, a build) would take CPU from the server or PostgreSQL and skew a run."""
    deadline = time.monotonic() + limit
    waited = False
    while True:
        before = machine_busy_seconds()
        time.sleep(0.5)
        busy = (machine_busy_seconds() - before) / 0.5
        if busy <= threshold:
            if waited:
                log("machine idle again")
            return
        if time.monotonic() >= deadline:
            log(f"machine still busy ({busy:.1f} cores) after {limit:g} s: measuring anyway")
            return
        if not waited:
            log(f"other processes use {busy:.1f} cores: waiting up to {limit:g} s for quiet")
            waited = True


async def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine (the parent of our
    own backend); None for a remote server."""
    conn = await asyncpg.connect(url)
    try:
        backend = await conn.fetchval("SELECT pg_backend_pid()")
        return proc_table().get(backend, (None, 0.0))[0]
    finally:
        await conn.close()


@dataclass
class CpuSample:
    """CPU seconds used during one measurement, by whom."""

    app: float  # the API server (API runs) or this process, the asyncpg client (SQL runs)
    postgres: float | None  # the PostgreSQL server, every process of it (None: remote)
    loadgen: float  # wrk / the httpx generator (API runs only)
    machine: float  # the whole machine
    seconds: float

    @property
    def others(self) -> float:
        """Everything else: other people's processes, the kernel's unattributed work, and
        processes of ours that ended during the run (PostgreSQL parallel workers)."""
        return self.machine - self.app - (self.postgres or 0.0) - self.loadgen

    @property
    def others_cores(self) -> float:
        return self.others / self.seconds if self.seconds else 0.0


@dataclass
class Result:
    requests: int
    seconds: float
    latencies_ms: tuple[float, float]  # p50, p99
    errors: int = 0
    cpu: CpuSample | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class CpuMeter:
    """CPU used inside a `with` block by: the app (the server's process tree, or this process
    when `server` is None), PostgreSQL (the postmaster's tree), and the load generator (wrk,
    a child that has finished by the end, or this process)."""

    def __init__(self, server: int | None, postmaster: int | None, loadgen: str) -> None:
        self.server, self.postmaster, self.loadgen = server, postmaster, loadgen

    def _loadgen_now(self) -> float:
        if self.loadgen == "self":
            return time.process_time()
        if self.loadgen == "children":
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        return 0.0

    def __enter__(self) -> CpuMeter:
        self._procs = proc_table()
        self._self = time.process_time()
        self._loadgen = self._loadgen_now()
        self._machine = machine_busy_seconds()
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        procs = proc_table()
        if self.server is None:
            app = time.process_time() - self._self
        else:
            app = tree_cpu(self.server, self._procs, procs)
        postgres = (
            None if self.postmaster is None else tree_cpu(self.postmaster, self._procs, procs)
        )
        self.sample = CpuSample(
            app=app,
            postgres=postgres,
            loadgen=self._loadgen_now() - self._loadgen,
            machine=machine_busy_seconds() - self._machine,
            seconds=time.perf_counter() - self._wall,
        )


def percentiles(latencies: list[float]) -> tuple[float, float]:
    if not latencies:
        return (0.0, 0.0)
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return at(0.50), at(0.99)


# ---- the ceiling: the recorded SQL through an asyncpg pool ----------------------------------


async def replay(pool: asyncpg.Pool, steps: Sequence[Step]) -> None:
    for step in steps:
        async with pool.acquire() as conn:
            if step.transaction:
                async with conn.transaction():
                    for call in step.calls:
                        await getattr(conn, call.method)(call.sql, *call.args)
            else:
                for call in step.calls:
                    await getattr(conn, call.method)(call.sql, *call.args)


async def sql_load(
    pool: asyncpg.Pool, scenario: Scenario, *, workers: int, seconds: float, first: int
) -> tuple[int, list[float], int]:
    """`workers` loops replaying the scenario's requests until the deadline."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(first, first + 10**9))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            steps = scenario.sql_request(next(counter))
            started = time.perf_counter()
            try:
                await replay(pool, steps)
            except asyncpg.PostgresError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return len(latencies), latencies, errors


async def measure_sql(
    dataset: Dataset, scenario: Scenario, args: argparse.Namespace, pool_size: int
) -> Result:
    db = Database(dataset.url, min_size=pool_size, max_size=pool_size)
    await db.open()
    try:
        if args.warmup:
            await sql_load(
                db.pool, scenario, workers=args.connections, seconds=args.warmup, first=10**9
            )
        with CpuMeter(None, dataset.postmaster, loadgen="none") as meter:
            started = time.perf_counter()
            count, latencies, errors = await sql_load(
                db.pool, scenario, workers=args.connections, seconds=args.duration, first=0
            )
            elapsed = time.perf_counter() - started
        return Result(count, elapsed, percentiles(latencies), errors, meter.sample)
    finally:
        await db.close()


EXPLAINABLE = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")


async def explain(dataset: Dataset, scenario: Scenario) -> None:
    """EXPLAIN (ANALYZE, FORMAT TEXT) of every statement of the scenario's first request, with
    its recorded parameters, in a transaction rolled back (ANALYZE runs a write)."""
    db = Database(dataset.url, min_size=1, max_size=1)  # the app's codecs, for the parameters
    await db.open()
    try:
        async with db.connection() as conn:
            steps = scenario.sql_request(0)
            for i, step in enumerate(steps, 1):
                for j, call in enumerate(step.calls, 1):
                    if not call.sql.lstrip().upper().startswith(EXPLAINABLE):
                        continue
                    transaction = conn.transaction()
                    await transaction.start()
                    try:
                        rows = await conn.fetch(
                            f"EXPLAIN (ANALYZE, FORMAT TEXT) {call.sql}", *call.args
                        )
                    finally:
                        await transaction.rollback()
                    text = " ".join(call.sql.split())
                    text = text if len(text) <= 300 else text[:300] + " …"
                    print(
                        f"\n-- {scenario.name}, connection use {i} of {len(steps)}, "
                        f"statement {j}: {text}\n" + "\n".join(r[0] for r in rows)
                    )
    finally:
        await db.close()


# ---- the API server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log_path: Path
    command: list[str]


def start_server(dataset: Dataset, args: argparse.Namespace) -> Server:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    if args.server_cmd:
        command = shlex.split(args.server_cmd.replace("{port}", str(port)))
    else:
        command = [
            str(bin_dir / "crm"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ]
    env = {
        **os.environ,
        "DATABASE_URL": dataset.url,
        "APP_SECRET": dataset.secret,
        "LOG_LEVEL": "warning",
        # The limiter stays in the request path (its cost is part of the API's), with quotas a
        # benchmark cannot reach.
        "RATE_LIMIT_PER_MINUTE": str(UNREACHABLE_QUOTA),
        "RATE_LIMIT_PER_SECOND": str(UNREACHABLE_QUOTA),
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS_DIR / "server.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(process, f"http://127.0.0.1:{port}", log_path, command)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    log(f"server up on {server.base} ({shlex.join(command[1:])})")
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    stop_server(server)
    raise RuntimeError(f"the server did not become healthy:\n{log_path.read_text()}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


def check_endpoint(server: Server, dataset: Dataset, scenario: Scenario) -> str:
    """One request by hand before loading it: the status and what came back."""
    first = scenario.requests[0]
    headers = {"Authorization": f"Bearer {dataset.token}"}
    if first.body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        server.base + first.path, data=first.body, headers=headers, method=first.method
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{scenario.name}: HTTP {exc.code}: {exc.read()[:500]!r}") from None
    payload = json.loads(raw)
    if first.path == GRAPHQL_PATH:  # errors come back with HTTP 200
        if payload.get("errors"):
            raise RuntimeError(f"{scenario.name}: {payload['errors']!r:.500}")
        people = payload["data"]["people"]
        edges = people["edges"]
        named = sum(1 for e in edges if (e["node"]["company"] or {}).get("name"))
        total = f", totalCount {people['totalCount']:,}" if "totalCount" in people else ""
        return f"{len(edges)} people, {named} with a company name{total}, {len(raw):,} bytes"
    (value,) = payload["data"].values()
    count = len(value) if isinstance(value, list) else 1
    total = f", totalCount {payload['totalCount']:,}" if "totalCount" in payload else ""
    return f"{count} record(s){total}, {len(raw):,} bytes"


# ---- the load generators -------------------------------------------------------------------


def run_wrk(
    server: Server,
    dataset: Dataset,
    scenario: Scenario,
    args: argparse.Namespace,
    workdir: Path,
    seconds: float,
    nonce: str,
) -> dict[str, Any]:
    if scenario.kind == "post":
        first = scenario.requests[0]
        assert first.body is not None
        body_file = workdir / f"{scenario.name}.json"
        body_file.write_bytes(first.body)
        script, script_args = WRK_DIR / "post.lua", [first.path, str(body_file)]
    elif scenario.kind == "get":
        paths_file = workdir / f"{scenario.name}.paths"
        paths_file.write_text("\n".join(r.path for r in scenario.requests) + "\n")
        script, script_args = WRK_DIR / "paths.lua", [str(paths_file)]
    else:
        companies_file = workdir / "companies.txt"
        companies_file.write_text("\n".join(str(c) for c in dataset.company_ids) + "\n")
        script = WRK_DIR / "batch.lua"
        script_args = [nonce, str(BATCH_SIZE), str(companies_file)]
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--script={script}",
        f"--header=Authorization: Bearer {dataset.token}",
        server.base,
        "--",
        *script_args,
    ]
    env = {**os.environ, "BENCH_WRK_DIR": str(WRK_DIR)}
    completed = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            parsed: dict[str, Any] = json.loads(line.split(" ", 1)[1])
            return parsed
    raise RuntimeError(
        f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
    )


async def httpx_load(
    server: Server,
    dataset: Dataset,
    scenario: Scenario,
    args: argparse.Namespace,
    seconds: float,
    nonce: str,
) -> tuple[int, list[float], int]:
    import httpx

    latencies: list[float] = []
    errors = 0
    companies = [str(c) for c in dataset.company_ids]
    limits = httpx.Limits(max_connections=args.connections)
    headers = {"Authorization": f"Bearer {dataset.token}", "Content-Type": "application/json"}
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(
        base_url=server.base, headers=headers, limits=limits, timeout=30
    ) as client:

        async def worker(wid: int) -> None:
            nonlocal errors
            n = wid * 7919
            while time.perf_counter() < deadline:
                n += 1
                started = time.perf_counter()
                if scenario.kind == "batch":
                    body = json.dumps(batch_records(nonce, f"h{wid}", n, companies))
                    response = await client.post(BATCH_PATH, content=body)
                else:
                    request = scenario.requests[n % len(scenario.requests)]
                    response = await client.request(
                        request.method, request.path, content=request.body
                    )
                if response.status_code >= 400 or (
                    scenario.kind == "post" and b'"errors"' in response.content
                ):
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(worker(w) for w in range(args.connections)))
    return len(latencies), latencies, errors


def measure_api(
    server: Server,
    dataset: Dataset,
    scenario: Scenario,
    args: argparse.Namespace,
    workdir: Path,
    use_wrk: bool,
) -> Result:
    nonce = secrets.token_hex(4)
    if use_wrk:
        if args.warmup:
            run_wrk(server, dataset, scenario, args, workdir, args.warmup, nonce + "w")
        profiler = start_profiler(server, scenario, args)
        with CpuMeter(server.process.pid, dataset.postmaster, loadgen="children") as meter:
            out = run_wrk(server, dataset, scenario, args, workdir, args.duration, nonce)
        finish_profiler(profiler, scenario)
        kinds = ("connect", "read", "write", "status", "timeout")
        errors = sum(out[k] for k in kinds)
        if errors:
            log(f"{scenario.name}: wrk errors: " + ", ".join(f"{k} {out[k]}" for k in kinds))
        return Result(
            requests=out["requests"] - out["status"],
            seconds=out["duration_us"] / 1e6,
            latencies_ms=(out["p50_us"] / 1000, out["p99_us"] / 1000),
            errors=errors,
            cpu=meter.sample,
        )
    if args.warmup:
        asyncio.run(httpx_load(server, dataset, scenario, args, args.warmup, nonce + "w"))
    with CpuMeter(server.process.pid, dataset.postmaster, loadgen="self") as meter:
        started = time.perf_counter()
        count, latencies, errors = asyncio.run(
            httpx_load(server, dataset, scenario, args, args.duration, nonce)
        )
        elapsed = time.perf_counter() - started
    return Result(count, elapsed, percentiles(latencies), errors, meter.sample)


# ---- profiling (optional) ------------------------------------------------------------------


def start_profiler(
    server: Server, scenario: Scenario, args: argparse.Namespace
) -> subprocess.Popen[bytes] | None:
    if not args.profile:
        return None
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        log("--profile: py-spy not found (pip install py-spy into .venv); not profiling")
        return None
    out = RESULTS_DIR / f"profile-{scenario.name}"
    command = [
        py_spy,
        "record",
        f"--pid={server.process.pid}",
        f"--duration={max(1, round(args.duration))}",
        "--rate=200",
        "--gil",  # samples of the thread holding the GIL: CPU spent in Python, not waits
        *(["--subprocesses"] if args.workers > 1 else []),  # the workers, not the supervisor
        "--format=raw",
        f"--output={out}.txt",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def finish_profiler(profiler: subprocess.Popen[bytes] | None, scenario: Scenario) -> None:
    if profiler is None:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        profiler.wait(timeout=30)
    raw = RESULTS_DIR / f"profile-{scenario.name}.txt"
    if raw.exists():
        print(f"\n### py-spy, {scenario.name}\n\n{summarise_profile(raw)}")


def summarise_profile(path: Path, top: int = 20) -> str:
    """Own and inclusive shares of the samples per function, from py-spy's collapsed stacks;
    then the project's own functions (app/...) by inclusive share."""
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        # "function (path/file.py:line)" -> "function (path/file.py)"
        frames = [frame.rpartition(":")[0] + ")" for frame in stack.split(";")]
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + count
    if not total:
        return "no samples"

    def rows(counts: dict[str, int], keep: Callable[[str], bool], limit: int) -> list[str]:
        ranked = sorted(((c, n) for n, c in counts.items() if keep(n)), reverse=True)
        return [f"{100 * c / total:5.1f}  | {n}" for c, n in ranked[:limit]]

    everything: Callable[[str], bool] = lambda name: True  # noqa: E731
    lines = [f"{total} samples (GIL held)", "", "own %  | function"]
    lines += rows(own, everything, top)
    lines += ["", "incl % | function under app/ (the project's code)"]
    lines += rows(inclusive, lambda name: " (app/" in name and "cli.py" not in name, top)
    return "\n".join(lines)


# ---- reporting -----------------------------------------------------------------------------


def fmt_rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def results_table(rows: list[tuple[str, Result | None, Result | None]]) -> str:
    lines = [
        "| scenario | API req/s | API p50 ms | API p99 ms | SQL req/s | SQL p50 ms | SQL p99 ms "
        "| API/SQL |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, api, sql in rows:
        ratio = f"{api.rate / sql.rate:.2f}" if api and sql and sql.rate else "-"
        lines.append(
            f"| {TITLES[name]} | {fmt_rate(api.rate if api else None)} "
            f"| {fmt_ms(api.latencies_ms[0] if api else None)} "
            f"| {fmt_ms(api.latencies_ms[1] if api else None)} "
            f"| {fmt_rate(sql.rate if sql else None)} "
            f"| {fmt_ms(sql.latencies_ms[0] if sql else None)} "
            f"| {fmt_ms(sql.latencies_ms[1] if sql else None)} | {ratio} |"
        )
    return "\n".join(lines)


def cpu_table(rows: list[tuple[str, Result | None, Result | None]], cores: int) -> str:
    lines = [
        "| scenario | run | app CPU ms/req | PostgreSQL CPU ms/req | load generator CPU ms/req "
        f"| other processes (cores) | machine busy (of {cores} cores) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, api, sql in rows:
        for label, result, app_label in (("API", api, "server"), ("SQL", sql, "asyncpg client")):
            if result is None or result.cpu is None or not result.requests:
                continue
            cpu, n = result.cpu, result.requests
            postgres = "n/a" if cpu.postgres is None else f"{1000 * cpu.postgres / n:.2f}"
            loadgen = f"{1000 * cpu.loadgen / n:.2f}" if label == "API" else "-"
            lines.append(
                f"| {TITLES[name]} | {label} | {1000 * cpu.app / n:.2f} ({app_label}) "
                f"| {postgres} | {loadgen} | {cpu.others_cores:.2f} "
                f"| {cpu.machine / cpu.seconds:.2f} |"
            )
    return "\n".join(lines)


def describe_sql(scenarios: dict[str, Scenario]) -> str:
    """Each scenario's statements (its first request's), by pooled connection use."""
    out = []
    for name, scenario in scenarios.items():
        steps = scenario.sql_request(0)
        out.append(f"-- {name}: {len(steps)} pooled connection use(s)")
        for i, step in enumerate(steps, 1):
            kind = "in a transaction" if step.transaction else "no transaction"
            out.append(f"-- connection use {i} ({kind})")
            for call in step.calls:
                out.append(f"{call.sql.strip()};  -- {call.method}, {len(call.args)} parameter(s)")
        out.append("")
    return "\n".join(out)


def machine_line() -> str:
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    model = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({model}), {memory} RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def quietest(label: str, run: Callable[[], Result], args: argparse.Namespace) -> Result:
    """Run a measurement; again (up to --retries times) when other processes took more than
    --max-noise cores during it. Returns the run they disturbed least."""
    best: Result | None = None
    for attempt in range(1 + args.retries):
        wait_quiet(args.wait_quiet)
        log(f"{label}, {args.warmup:g} s warm-up + {args.duration:g} s")
        result = run()
        noise = result.cpu.others_cores if result.cpu else 0.0
        log(
            f"{label}: {result.rate:,.0f} req/s, p50 {result.latencies_ms[0]:.2f} ms, "
            f"p99 {result.latencies_ms[1]:.2f} ms, errors {result.errors}, "
            f"other processes {noise:.2f} cores"
        )
        if best is None or best.cpu is None or noise < best.cpu.others_cores:
            best = result
        if noise <= args.max_noise:
            break
        if attempt < args.retries:
            log(f"{label}: disturbed by other processes; measuring again")
    assert best is not None
    return best


# ---- main --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and shutil.which("wrk"))
    if args.loadgen == "wrk" and not shutil.which("wrk"):
        print("wrk not found: apt-get install -y wrk (or brew install wrk)", file=sys.stderr)
        return 2
    if not use_wrk:
        log(
            "wrk not found (apt-get install -y wrk / brew install wrk): using the asyncio + "
            "httpx generator, which shares the CPU with the server and caps the API numbers"
        )
    secret = secrets.token_urlsafe(48)
    url = database_url(args)
    log("migrating")
    migrate.upgrade(url)
    dataset = asyncio.run(prepare(url, args, secret))
    # The server's settings (start_server passes the same), for the app recorded in process.
    settings = Settings(
        database_url=url,
        app_secret=secret,
        rate_limit_per_minute=UNREACHABLE_QUOTA,
        rate_limit_per_second=UNREACHABLE_QUOTA,
    )
    nonce = secrets.token_hex(4)
    rows: list[tuple[str, Result | None, Result | None]] = []
    server = None
    try:  # from here on, `finish` deletes the rows the batch scenario created
        log("recording the SQL the API sends for each scenario (the app in process)")
        scenarios = asyncio.run(record_scenarios(dataset, args.scenarios, settings, nonce))
        if args.show_sql:
            print(describe_sql(scenarios))
        if args.explain:
            for scenario in scenarios.values():
                asyncio.run(explain(dataset, scenario))
        server = None if args.skip_api else start_server(dataset, args)
        with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
            for name, scenario in scenarios.items():
                api = sql = None
                if server is not None:
                    log(f"{name}: check: {check_endpoint(server, dataset, scenario)}")
                    api = quietest(
                        f"{name}: API",
                        lambda s=scenario: measure_api(
                            server, dataset, s, args, Path(tmp), bool(use_wrk)
                        ),
                        args,
                    )
                if not args.skip_sql:
                    sql = quietest(
                        f"{name}: SQL",
                        lambda s=scenario: asyncio.run(
                            measure_sql(dataset, s, args, settings.db_pool_size)
                        ),
                        args,
                    )
                rows.append((name, api, sql))
    finally:
        if server is not None:
            stop_server(server)
            log("server stopped")
        asyncio.run(finish(dataset))

    command = shlex.join([".venv/bin/python", "bench/run.py", *(argv or sys.argv[1:])])
    generator = (
        f"wrk ({args.threads} thread(s))" if use_wrk else "asyncio + httpx (in-process, shares CPU)"
    )
    server_desc = (
        f"`{args.server_cmd}`"
        if args.server_cmd
        else f"`crm serve --workers {args.workers}` "
        + ("(1 process)" if args.workers == 1 else f"({args.workers} processes, a DB pool each)")
    )
    header = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · `{command}`\n\n"
        f"{dataset.companies_total:,} companies, {dataset.people_total:,} people; "
        f"{args.connections} connections, {args.duration:g} s per run after {args.warmup:g} s "
        f"warm-up; load generator: {generator}; server: {server_desc}, DB pool "
        f"{settings.db_pool_size}; SQL ceiling: the same statements, {args.connections} asyncpg "
        f"workers on a pool of {settings.db_pool_size}.\n\nMachine: {machine_line()}"
    )
    table = results_table(rows)
    cpu = cpu_table(rows, os.cpu_count() or 1)
    errors = [
        f"{name} {side}: {r.errors} errors"
        for name, api, sql in rows
        for side, r in (("API", api), ("SQL", sql))
        if r is not None and r.errors
    ]
    report = f"{header}\n\n{table}\n\nCPU per request:\n\n{cpu}\n"
    if errors:
        report += "\n**Errors:** " + "; ".join(errors) + "\n"
    report += f"\nSQL per request:\n\n```sql\n{describe_sql(scenarios)}\n```\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    print(f"\n{header}\n\n{table}\n\nCPU per request:\n\n{cpu}\n")
    if errors:
        print("Errors: " + "; ".join(errors))
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    log(f"written to {shown}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
