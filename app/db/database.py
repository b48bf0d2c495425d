"""The connection pool: one asyncpg pool per process, with JSON codecs and a transaction helper.

Services receive connections and never commit; the edge (a route, a CLI command) opens the
transaction with `Database.transaction()` and the whole request succeeds or fails as one.

A connection that cannot be had (the server is down, restarting, refusing connections, or
the pool stays empty for ACQUIRE_TIMEOUT) raises ServiceUnavailable: the client gets 503 with
Retry-After, and the pool connects again by itself on a later request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from app import encoding
from app.errors import ServiceUnavailable

ACQUIRE_TIMEOUT = 10.0  # seconds a request waits for a pooled connection before a 503


def to_asyncpg_dsn(url: str) -> str:
    """Accept SQLAlchemy-style URLs too (`postgresql+asyncpg://`, `postgres://`)."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def _dump_json(value: Any) -> str:
    return encoding.dumps(value).decode()


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=_dump_json, decoder=encoding.loads, schema="pg_catalog"
        )


class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pool connection released without asyncpg's reset query.

    Note [no reset on release]: asyncpg resets a connection when it goes back to the pool
    (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`), a round trip on every
    release, which is two per request. Pooled connections here keep no session state: no
    session settings, advisory locks, cursors or LISTENs (the catalog listener has a connection
    of its own), so there is nothing to reset; an open transaction is still rolled back.
    """

    def get_reset_query(self) -> str:
        return ""


class Database:
    """A pool bound to one PostgreSQL database URL."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self.url = to_asyncpg_dsn(url)
        self._min_size = min_size
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self.url,
            min_size=self._min_size,
            max_size=self._max_size,
            init=_init_connection,
            command_timeout=60,
            connection_class=PooledConnection,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("Database.open() was not called")
        return self._pool

    async def _acquire(self) -> asyncpg.Connection:
        try:
            return await self.pool.acquire(timeout=ACQUIRE_TIMEOUT)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise ServiceUnavailable(
                "The database is unavailable; retry shortly",
                hint="the server reconnects by itself: retry after the Retry-After delay",
            ) from exc

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await self._acquire()
        try:
            yield conn
        finally:
            await self.pool.release(conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.connection() as conn, conn.transaction():
            yield conn
