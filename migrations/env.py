"""Alembic environment: runs the core-schema migrations on the URL the caller passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

config = context.config
url = config.attributes.get("sqlalchemy_url") or config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("no database URL given to the migrations (use `crm migrate`)")

engine = create_engine(url)
with engine.begin() as connection:
    connection.execute(text("CREATE SCHEMA IF NOT EXISTS core"))
    context.configure(
        connection=connection,
        version_table_schema="core",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
