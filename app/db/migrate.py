"""Core-schema migrations: apply them, and tell whether a database is at the head revision."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.db.database import to_asyncpg_dsn


def _project_root() -> Path:
    """The source tree in a checkout; the working directory for an installed package (the
    container image copies alembic.ini and migrations/ into its working directory)."""
    source = Path(__file__).resolve().parents[2]
    for candidate in (source, Path.cwd()):
        if (candidate / "migrations" / "env.py").exists():
            return candidate
    raise RuntimeError("migrations/ not found beside the source tree or in the working directory")


def _alembic_config(url: str | None = None) -> Config:
    root = _project_root()
    ini = root / "alembic.ini"
    config = Config(str(ini)) if ini.exists() else Config()
    config.set_main_option("script_location", str(root / "migrations"))
    if url is not None:
        config.attributes["sqlalchemy_url"] = "postgresql+psycopg://" + url.split("://", 1)[1]
    return config


def upgrade(url: str) -> None:
    """Bring the core schema to the head revision (idempotent)."""
    command.upgrade(_alembic_config(to_asyncpg_dsn(url)), "head")


@lru_cache(maxsize=1)
def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


async def current_revision(conn: asyncpg.Connection) -> str | None:
    """The revision the database is at; None when the core schema was never migrated."""
    exists = await conn.fetchval("SELECT to_regclass('core.alembic_version') IS NOT NULL")
    if not exists:
        return None
    value: str | None = await conn.fetchval("SELECT version_num FROM core.alembic_version")
    return value
