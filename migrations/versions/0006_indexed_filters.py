"""Indexed filters: a field marked `isIndexed` also gets `(column, "createdAt", id)` over live
rows, which serves the newest-first list filtered on it (Note [indexed filters] in
app/metadata/ddl.py). New fields get it from the DDL builder; this revision adds it beside the
sort indexes of the fields marked before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import hashlib

from alembic import op
from sqlalchemy import text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _name(table: str, column: str, suffix: str) -> str:
    """app.metadata.ddl.constraint_name as of this revision (frozen here on purpose)."""
    name = f"{table}_{column}_{suffix}"
    if len(name) <= 63:
        return name
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{name[:54]}_{digest}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sorted_columns() -> list[tuple[str, str, str]]:
    """(schema, table, column) of every column with a NULLS LAST sort index (0005's `_sortnl`)
    that belongs to a field marked isIndexed: every such index but those of the POSITION
    fields that are not marked (a POSITION column is named as its field)."""
    rows = op.get_bind().execute(
        text(
            """
            SELECT n.nspname, t.relname, a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE n.nspname IN (SELECT schema_name FROM core.workspace)
              AND c.relname LIKE '%\\_sortnl'
              AND NOT EXISTS (
                SELECT 1 FROM core.field_metadata f
                JOIN core.object_metadata o ON o.id = f.object_metadata_id
                JOIN core.workspace w ON w.id = o.workspace_id
                WHERE w.schema_name = n.nspname
                  AND t.relname = CASE WHEN o.is_custom THEN '_' || o.name_singular
                                       ELSE o.name_singular END
                  AND f.type = 'POSITION' AND f.name = a.attname AND NOT f.is_indexed)
            """
        )
    )
    return [(schema, table, column) for schema, table, column in rows.fetchall()]


def upgrade() -> None:
    for schema, table, column in _sorted_columns():
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {_q(_name(table, column, 'bycreated'))} "
            f'ON {_q(schema)}.{_q(table)} ({_q(column)}, "createdAt", "id") '
            'WHERE "deletedAt" IS NULL'
        )


def downgrade() -> None:
    rows = op.get_bind().execute(
        text(
            "SELECT schemaname, indexname FROM pg_indexes WHERE indexname LIKE '%\\_bycreated' "
            "AND schemaname IN (SELECT schema_name FROM core.workspace)"
        )
    )
    for schema, name in rows.fetchall():
        op.execute(f"DROP INDEX IF EXISTS {_q(schema)}.{_q(name)}")
