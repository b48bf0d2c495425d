"""Test fixtures: a fresh PostgreSQL database per run, the app over real HTTP (ASGI), workspaces.

By default the database lives on an embedded PostgreSQL started for the run (under
`.crm-test/`); with TEST_DATABASE_URL it lives on that server instead. Either way a new database
`crm_test_<random>` is created, migrated, and dropped at the end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from app.config import Settings
from app.db import embedded, migrate
from app.db.database import Database, to_asyncpg_dsn
from app.main import create_app
from tests.support import TEST_SECRET, WorkspaceFixture, make_workspace

ROOT = Path(__file__).resolve().parents[1]


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(to_asyncpg_dsn(url))
    return urlunsplit(parts._replace(path="/" + database))


@pytest.fixture(scope="session")
def server_url() -> str:
    """A URL of a PostgreSQL server's maintenance database."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        return to_asyncpg_dsn(external)
    socket_dir = embedded.start(ROOT / ".crm-test")
    return embedded.url_for(socket_dir, "postgres")


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A fresh, migrated database for this run."""
    import asyncio

    name = f"crm_test_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = _with_database(server_url, name)
    migrate.upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # Rate limits are tested with per-key overrides; the shared test keys must never trip them.
    return Settings(
        database_url=database_url,
        app_secret=TEST_SECRET,
        batch_max_records=60,
        rate_limit_per_minute=1_000_000,
        rate_limit_per_second=1_000_000,
        auth_failures_per_minute=1_000_000,
        # The webhook suites run their own delivery workers (tests/integration/webhooks).
        webhook_worker=False,
        webhook_allow_private_targets=True,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[object]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, max_size=4)
    await database.open()
    yield database
    await database.close()


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="module")
async def module_client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, for module-scoped fixtures that seed a data set once."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="session")
async def workspace(db: Database) -> WorkspaceFixture:
    """One workspace shared by the tests that only read or create their own records."""
    return await make_workspace(db)


@pytest.fixture
async def fresh_workspace(db: Database) -> WorkspaceFixture:
    """A workspace of the test's own, for tests that count or delete records."""
    return await make_workspace(db)
