"""HTTP benchmark of the REST and GraphQL APIs against their own SQL run straight through
asyncpg (the ceiling).

    .venv/bin/python bench/run.py [--scenarios get_one,list60_d0] [--duration 10]
                                  [--connections 16] [--people 100000] [--companies 10000]
                                  [--workers 1] [--fresh]

What it does, in order:

1. A database of its own: an embedded PostgreSQL under bench/.data (kept between runs; `--fresh`
   rebuilds it), or `--database-url` / BENCH_DATABASE_URL (the database is created if missing).
   Migrations, a workspace `bench`, a fresh admin API key; companies and people are loaded with
   COPY (values built by the engine's own `writes.create_rows`, so they are what the API would
   have stored), then VACUUM ANALYZE.
2. The API server as a subprocess (`crm serve --workers N`, log level warning), waited for on
   /healthz.
3. Per scenario: the API under `wrk` (a Lua script; a bounded asyncio + httpx generator when wrk
   is missing), then the same SQL the API ran for those requests, replayed through an asyncpg
   pool by as many in-process workers as there are connections. The SQL is not written here: it
   is recorded by running the engine (`app.query.engine`, or for GraphQL the tree loader
   `app.query.nested`) and the authenticator on a connection that logs every statement, so the
   ceiling follows the engine as it changes. For GraphQL, one real request through the app
   (in process, `app.query.trace` observing) must send exactly the recorded statements.
4. A Markdown table (also written to bench/results/latest.md), with the CPU each request cost
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import orjson

from app.auth import api_keys
from app.auth.api_keys import Authenticator, Principal
from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.catalog.store import load_catalog
from app.config import Settings
from app.db import embedded, migrate
from app.db.database import Database, to_asyncpg_dsn
from app.db.sqltext import qualified
from app.metadata import roles, store
from app.metadata.field_types import ScalarKind, handler_for
from app.metadata.model import ObjectMeta
from app.metadata.workspaces import create_workspace
from app.query import engine, nested, trace, writes
from app.query.tree import ConnectionRead, RecordRead, ToOne
from app.rest import filter_grammar, params

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
WRK_DIR = BENCH_DIR / "wrk"
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_DATA_DIR = BENCH_DIR / ".data"
DATABASE_NAME = "crm_bench"
WORKSPACE_NAME = "bench"
BATCH_SIZE = 60
BATCH_EMAIL_PREFIX = "batch-"  # every row the batch scenario creates; deleted after the run
SAMPLE_SIZE = 500  # ids (get one) and companies (filtered list) each scenario cycles through
CLK_TCK = os.sysconf("SC_CLK_TCK")

SCENARIOS = (
    "get_one",
    "list60_d0",
    "list60_d1",
    "gql_list60_company",
    "gql_list60_company_total",
    "filtered",
    "batch60",
)
TITLES = {
    "get_one": "get one person by id",
    "list60_d0": "list 60 people, depth 0",
    "list60_d1": "list 60 people, depth 1",
    "gql_list60_company": "GraphQL: 60 people + company name",
    "gql_list60_company_total": "GraphQL: the same + totalCount",
    "filtered": "filtered list (companyId[eq])",
    "batch60": "batch create 60 people",
}
# The GraphQL scenarios (bench/graphql_scenarios.md): one constant body POSTed to /graphql.
GRAPHQL_PATH = "/graphql"
GRAPHQL_QUERIES = {
    "gql_list60_company": (
        "query { people(first: 60) { edges { node { id name { firstName lastName } "
        "company { name } } } } }"
    ),
    "gql_list60_company_total": (
        "query { people(first: 60) { totalCount edges { node { id name { firstName lastName } "
        "company { name } } } } }"
    ),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


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
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each scenario's SQL"
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

FIRST_NAMES = (  # noqa: SIM905
    "Ada Alan Grace Linus Margaret Ken Barbara Dennis Frances Edsger Radia John Donald "
    "Katherine Guido Anita Tim Hedy Claude Sophie Yukihiro Jean Fran Niklaus Leslie Shafi "
    "Lynn Carol Bjarne"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Lovelace Turing Hopper Torvalds Hamilton Thompson Liskov Ritchie Allen Dijkstra Perlman "
    "McCarthy Knuth Johnson Rossum Borg Berners Lamarr Shannon Wilson Matsumoto Sammet Bilas "
    "Wirth Lamport Goldwasser Conway Shaw Stroustrup"
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
CITIES = ("Paris", "Berlin", "London", "New York", "San Francisco", "Lisbon", "Tokyo", "Madrid")
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
    person_ids: list[UUID]
    company_ids: list[UUID]  # companies with people, for the filtered list
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
            "address": {"addressCity": rng.choice(CITIES), "addressCountry": "France"},
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


async def delete_batch_rows(db: Database, schema: str) -> int:
    async with db.connection() as conn:
        status = await conn.execute(
            f'DELETE FROM {qualified(schema, "person")} WHERE "emailsPrimaryEmail" LIKE $1',
            BATCH_EMAIL_PREFIX + "%",
        )
        deleted = int(status.split()[-1])
        if deleted:
            # FULL: give back the heap and index space, so the next run starts from the same
            # physical table (a plain VACUUM leaves the indexes bloated, ~6x after a run).
            # FULL leaves the visibility map empty, and without it counting the live rows is
            # a sequential scan again (the planner passes over the `_id_live` index for an
            # index-only scan that would visit every heap page): a plain VACUUM sets it.
            await conn.execute(f"VACUUM (FULL) {qualified(schema, 'person')}")
            await conn.execute(f"VACUUM (ANALYZE) {qualified(schema, 'person')}")
    return deleted


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
        leftovers = await delete_batch_rows(db, schema)
        if leftovers:
            log(f"deleted {leftovers:,} rows left by an interrupted batch scenario")
        async with db.connection() as conn:
            catalog = await load_catalog(conn, workspace.id)
            have_companies = await conn.fetchval(
                f"SELECT count(*) FROM {qualified(schema, 'company')}"
            )
            have_people = await conn.fetchval(f"SELECT count(*) FROM {qualified(schema, 'person')}")
        if args.fresh or (have_companies, have_people) != (args.companies, args.people):
            if not args.fresh:
                log(
                    f"data set has {have_companies:,} companies / {have_people:,} people: reloading"
                )
            actor = {"source": "API", "workspaceMemberId": None, "name": "bench", "context": {}}
            await load_data(db, catalog, companies=args.companies, people=args.people, actor=actor)
        else:
            log(f"reusing {have_companies:,} companies and {have_people:,} people")
        async with db.connection() as conn:
            person_ids = [
                r["id"]
                for r in await conn.fetch(
                    f"SELECT id FROM {qualified(schema, 'person')} "
                    f"ORDER BY random() LIMIT {SAMPLE_SIZE}"
                )
            ]
            company_ids = [
                r["companyId"]
                for r in await conn.fetch(
                    f'SELECT "companyId" FROM {qualified(schema, "person")} '
                    'WHERE "companyId" IS NOT NULL '
                    f"GROUP BY 1 ORDER BY random() LIMIT {SAMPLE_SIZE}"
                )
            ]
        return Dataset(
            url=url,
            workspace_id=workspace.id,
            schema=schema,
            token=token,
            key_id=key.id,
            secret=secret,
            person_ids=person_ids,
            company_ids=company_ids,
            companies_total=args.companies,
            people_total=args.people,
            postmaster=await postmaster_pid(url),
        )
    finally:
        await db.close()


async def finish(dataset: Dataset) -> None:
    db = Database(dataset.url, min_size=1, max_size=1)
    await db.open()
    try:
        deleted = await delete_batch_rows(db, dataset.schema)
        if deleted:
            log(f"deleted the {deleted:,} people the batch scenario created")
        async with db.transaction() as conn:
            await api_keys.revoke_api_key(conn, dataset.key_id)
    finally:
        await db.close()


# ---- the SQL the API runs, recorded --------------------------------------------------------


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


class Recorder:
    """A connection that logs every statement it runs (duck-typed for the engine)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self.calls: list[Call] = []

    async def _run(self, method: str, sql: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(Call(method, sql, args))
        return await getattr(self._conn, method)(sql, *args, **kwargs)

    async def fetch(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._run("fetch", sql, *args, **kwargs)

    async def fetchval(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._run("fetchval", sql, *args, **kwargs)

    async def fetchrow(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._run("fetchrow", sql, *args, **kwargs)

    async def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._run("execute", sql, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


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


def find_many_request(query: dict[str, str], settings: Settings) -> engine.FindMany:
    """What app/rest/core.py find_many builds from these query parameters."""
    text = query.get("filter")
    return engine.FindMany(
        filter=filter_grammar.parse_filter(text) if text else None,
        limit=params.parse_limit(
            query.get("limit"),
            default=settings.query_default_limit,
            maximum=settings.query_max_limit,
        ),
        options=engine.ReadOptions(depth=params.parse_depth(query.get("depth"))),
    )


@dataclass
class Scenario:
    name: str
    paths: list[str]  # GET paths, cycled through (with `body`: the one path POSTed to)
    requests: list[list[Step]]  # the SQL of one API request each, cycled through
    make_request: Callable[[int], list[Step]] | None = None  # for writes: fresh values each time
    body: bytes | None = None  # a constant JSON body to POST to paths[0] (GraphQL)

    def sql_request(self, n: int) -> list[Step]:
        if self.make_request is not None:
            return self.make_request(n)
        return self.requests[n % len(self.requests)]


async def record_scenarios(
    dataset: Dataset, names: Sequence[str], settings: Settings, nonce: str
) -> dict[str, Scenario]:
    """Run the engine once per distinct request, logging the SQL; build the scenarios."""
    db = Database(dataset.url, min_size=1, max_size=1)
    await db.open()
    try:
        async with db.connection() as conn:
            catalog = await load_catalog(conn, dataset.workspace_id)
            person = catalog.by_singular("person")
            assert person is not None
            authenticator = Authenticator(dataset.secret)
            recorder = Recorder(conn)
            await authenticator.authenticate(recorder, f"Bearer {dataset.token}")  # type: ignore[arg-type]
            recorder.calls.clear()  # the second call is the steady state (no last_used write)
            principal: Principal = await authenticator.authenticate(
                recorder,  # type: ignore[arg-type]
                f"Bearer {dataset.token}",
            )
            auth = Step(tuple(recorder.calls))
            access = catalog.access(principal.role_id)  # the key's role, as a route gets it
            assert access is not None

            async def read(run: Callable[[Recorder], Any]) -> list[Step]:
                rec = Recorder(conn)
                await run(rec)
                return [auth, Step(tuple(rec.calls))]

            async def find_many(query: dict[str, str]) -> list[Step]:
                find = find_many_request(query, settings)
                return await read(
                    lambda rec: engine.find_many(rec, catalog, person, find, access=access)
                )

            # What the GraphQL endpoint gives the loader (app/graphql/core/endpoint.py).
            limits = Limits(
                default=settings.query_default_limit, maximum=settings.query_max_limit
            )
            scenarios: dict[str, Scenario] = {}
            for name in names:
                if name == "get_one":
                    ids = dataset.person_ids
                    requests = []
                    for record_id in ids:
                        requests.append(
                            await read(
                                lambda rec, i=record_id: engine.find_one(
                                    rec, catalog, person, i, engine.ReadOptions(), access=access
                                )
                            )
                        )
                    paths = [f"/rest/people/{i}" for i in ids]
                    scenarios[name] = Scenario(name, paths, requests)
                elif name in ("list60_d0", "list60_d1"):
                    query = (
                        {"limit": "60"} if name == "list60_d0" else {"limit": "60", "depth": "1"}
                    )
                    path = "/rest/people?" + urllib.parse.urlencode(query)
                    scenarios[name] = Scenario(name, [path], [await find_many(query)])
                elif name == "filtered":
                    requests, paths = [], []
                    for company in dataset.company_ids:
                        query = {"filter": f"companyId[eq]:{company}", "limit": "60"}
                        requests.append(await find_many(query))
                        paths.append("/rest/people?" + urllib.parse.urlencode(query))
                    scenarios[name] = Scenario(name, paths, requests)
                elif name in GRAPHQL_QUERIES:
                    tree = graphql_read(catalog, person, with_total=name.endswith("_total"))
                    requests = [
                        await read(
                            lambda rec, t=tree: nested.read_connection(
                                rec, catalog, person, t, limits, access=access
                            )
                        )
                    ]
                    body = orjson.dumps({"query": GRAPHQL_QUERIES[name]})
                    scenarios[name] = Scenario(name, [GRAPHQL_PATH], requests, body=body)
                elif name == "batch60":
                    scenarios[name] = await record_batch(
                        conn, catalog, person, principal, auth, dataset, nonce
                    )
        return scenarios
    finally:
        await db.close()


def graphql_read(catalog: Catalog, person: ObjectMeta, *, with_total: bool) -> ConnectionRead:
    """The read tree the GraphQL selection of the gql_* scenarios becomes
    (app/graphql/core/selection.py); `check_graphql_sql` confirms it against the real path."""
    company_field = person.field_named("company")
    assert company_field is not None and company_field.relation_target_object_id is not None
    company = catalog.by_id(company_field.relation_target_object_id)
    assert company is not None
    company_name = company.field_named("name")
    person_name = person.field_named("name")
    assert company_name is not None and person_name is not None
    return ConnectionRead(
        first=60,
        records=RecordRead(
            person,
            (person_name, company_field),
            to_one=(ToOne("company", company_field, RecordRead(company, (company_name,))),),
        ),
        aggregates=("totalCount",) if with_total else (),
    )


async def check_graphql_sql(settings: Settings, dataset: Dataset, scenario: Scenario) -> None:
    """Send the scenario's GraphQL request once through the real app, in process, with
    app.query.trace observing; the statements must be the ones recorded for the ceiling."""
    import httpx

    from app.main import create_app

    assert scenario.body is not None
    app = create_app(settings)
    seen: list[str] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            with trace.observe(seen.append):
                response = await client.post(
                    scenario.paths[0],
                    content=scenario.body,
                    headers={
                        "Authorization": f"Bearer {dataset.token}",
                        "Content-Type": "application/json",
                    },
                )
    gc.unfreeze()  # the app's lifespan froze this process's objects; not ours to keep
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{scenario.name}: HTTP {response.status_code}: {response.text[:500]}")
    recorded = [call.sql for step in scenario.sql_request(0)[1:] for call in step.calls]
    if seen != recorded:
        raise RuntimeError(
            f"{scenario.name}: the GraphQL path sent other statements than the recorded ones:\n"
            + "\n".join(["sent:", *seen, "recorded:", *recorded])
        )
    log(f"{scenario.name}: the real GraphQL path sends the {len(seen)} recorded statement(s)")


async def record_batch(
    conn: asyncpg.Connection,
    catalog: Catalog,
    person: ObjectMeta,
    principal: Principal,
    auth: Step,
    dataset: Dataset,
    nonce: str,
) -> Scenario:
    """Record one batch create; replays swap in fresh ids and emails (the rest is identical)."""
    from app.rest.core import actor_for  # the actor the route passes

    marker = "tplmarker"
    companies = [str(c) for c in dataset.company_ids]
    rec = Recorder(conn)
    # Rolled back: committed, the recorded rows would sit in the table through every scenario
    # (every list would count 100,060 people) until the batch rows are deleted at the end.
    transaction = conn.transaction()
    await transaction.start()
    try:
        created = await engine.create(
            rec,  # type: ignore[arg-type]
            catalog,
            person,
            batch_records(nonce, marker, 0, companies),
            actor=actor_for(principal),
            options=engine.ReadOptions(),
            access=catalog.access(principal.role_id) or Access.full(),
        )
    finally:
        await transaction.rollback()
    ids = {UUID(r["id"]) for r in created}
    (insert,) = rec.calls
    id_slots = [i for i, v in enumerate(insert.args) if isinstance(v, UUID) and v in ids]
    email_slots = [i for i, v in enumerate(insert.args) if isinstance(v, str) and marker in v]
    assert len(id_slots) == BATCH_SIZE and len(email_slots) == BATCH_SIZE, "unexpected INSERT"

    def make_request(n: int) -> list[Step]:
        args = list(insert.args)
        for slot in id_slots:
            args[slot] = uuid4()
        for slot in email_slots:
            args[slot] = args[slot].replace(marker, f"sql{n}")
        return [auth, Step((Call(insert.method, insert.sql, tuple(args)),), transaction=True)]

    return Scenario("batch60", [], [], make_request)


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


async def explain(dataset: Dataset, scenario: Scenario) -> None:
    conn = await asyncpg.connect(dataset.url)
    try:
        for step in scenario.sql_request(0):
            for call in step.calls:
                if not call.sql.lstrip().upper().startswith("SELECT"):
                    continue
                rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {call.sql}", *call.args)
                print(f"\n-- {scenario.name}: {call.sql}\n" + "\n".join(r[0] for r in rows))
    finally:
        await conn.close()


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
        "RATE_LIMIT_PER_MINUTE": str(10**9),
        "RATE_LIMIT_PER_SECOND": str(10**9),
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


def check_endpoint(server: Server, dataset: Dataset, scenario: Scenario, nonce: str) -> str:
    """One request by hand before loading it: the status and what came back."""
    headers = {"Authorization": f"Bearer {dataset.token}"}
    if scenario.body is not None:
        request = urllib.request.Request(
            server.base + scenario.paths[0],
            data=scenario.body,
            headers={**headers, "Content-Type": "application/json"},
            method="POST",
        )
    elif scenario.paths:
        request = urllib.request.Request(server.base + scenario.paths[0], headers=headers)
    else:
        body = batch_records(nonce, "check", 0, [str(c) for c in dataset.company_ids])
        request = urllib.request.Request(
            server.base + "/rest/batch/people",
            data=json.dumps(body).encode(),
            headers={**headers, "Content-Type": "application/json"},
            method="POST",
        )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{scenario.name}: HTTP {exc.code}: {exc.read()[:500]!r}") from None
    payload = json.loads(raw)
    if scenario.body is not None:  # GraphQL: errors come back with HTTP 200
        if payload.get("errors"):
            raise RuntimeError(f"{scenario.name}: {payload['errors']!r:.500}")
        people = payload["data"]["people"]
        edges = people["edges"]
        named = sum(1 for e in edges if (e["node"]["company"] or {}).get("name"))
        total = f", totalCount {people['totalCount']:,}" if "totalCount" in people else ""
        return f"{len(edges)} people, {named} with a company name{total}, {len(raw):,} bytes"
    (value,) = payload["data"].values()
    count = len(value) if isinstance(value, list) else 1
    return f"{count} record(s), {len(raw):,} bytes"


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
    if scenario.body is not None:
        body_file = workdir / f"{scenario.name}.json"
        body_file.write_bytes(scenario.body)
        script, script_args = WRK_DIR / "post.lua", [scenario.paths[0], str(body_file)]
    elif scenario.paths:
        paths_file = workdir / f"{scenario.name}.paths"
        paths_file.write_text("\n".join(scenario.paths) + "\n")
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
                if scenario.body is not None:
                    response = await client.post(scenario.paths[0], content=scenario.body)
                elif scenario.paths:
                    response = await client.get(scenario.paths[n % len(scenario.paths)])
                else:
                    body = json.dumps(batch_records(nonce, f"h{wid}", n, companies))
                    response = await client.post("/rest/batch/people", content=body)
                if response.status_code >= 400 or (
                    scenario.body is not None and b'"errors"' in response.content
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
    out = []
    for name, scenario in scenarios.items():
        out.append(f"-- {name}: {len(scenario.sql_request(0))} pooled connection use(s)")
        for step in scenario.sql_request(0):
            prefix = "  [transaction] " if step.transaction else "  "
            for call in step.calls:
                text = call.sql if len(call.sql) < 600 else call.sql[:600] + " …"
                out.append(f"{prefix}{call.method}: {text}")
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
    settings = Settings(database_url=url, app_secret=secret)
    nonce = secrets.token_hex(4)
    log("recording the SQL the API runs for each scenario")
    scenarios = asyncio.run(record_scenarios(dataset, args.scenarios, settings, nonce))
    for scenario in scenarios.values():
        if scenario.body is not None:
            asyncio.run(check_graphql_sql(settings, dataset, scenario))
    if args.show_sql:
        print(describe_sql(scenarios))
    if args.explain:
        for scenario in scenarios.values():
            asyncio.run(explain(dataset, scenario))

    rows: list[tuple[str, Result | None, Result | None]] = []
    server = None if args.skip_api else start_server(dataset, args)
    try:
        with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
            for name, scenario in scenarios.items():
                api = sql = None
                if server is not None:
                    log(f"{name}: check: {check_endpoint(server, dataset, scenario, nonce)}")
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
