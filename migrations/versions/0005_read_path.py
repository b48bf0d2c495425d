"""Read path: live-row counters kept by triggers, sort indexes, and the `isIndexed` flag.

Note [row counts] and Note [sort indexes] in app/metadata/ddl.py say what they are for. New
workspaces and objects get both from the DDL builder; this revision adds them to the tables
that already exist, and seeds each counter with the table's current count.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import hashlib

from alembic import op
from sqlalchemy import text

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SHARDS = 16


def _name(table: str, column: str, suffix: str) -> str:
    """app.metadata.ddl.constraint_name as of this revision (frozen here on purpose)."""
    name = f"{table}_{column}_{suffix}"
    if len(name) <= 63:
        return name
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{name[:54]}_{digest}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    op.execute(
        "ALTER TABLE core.field_metadata ADD COLUMN is_indexed boolean NOT NULL DEFAULT false"
    )
    op.execute(
        """
        CREATE TABLE core.row_count (
            object_metadata_id uuid NOT NULL
                REFERENCES core.object_metadata(id) ON DELETE CASCADE,
            shard smallint NOT NULL,
            live bigint NOT NULL DEFAULT 0,
            changes bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (object_metadata_id, shard)
        )"""
    )
    op.execute(
        f"""
        CREATE FUNCTION core.count_live_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            object uuid := TG_ARGV[0]::uuid;
            touched bigint := 0;
            delta bigint := 0;
            gone bigint := 0;
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                UPDATE core.row_count SET live = 0 WHERE object_metadata_id = object;
                touched := 1;
            ELSE
                IF TG_OP <> 'DELETE' THEN
                    SELECT count(*), count(*) FILTER (WHERE "deletedAt" IS NULL)
                    INTO touched, delta FROM new_rows;
                END IF;
                IF TG_OP = 'DELETE' THEN
                    SELECT count(*), count(*) FILTER (WHERE "deletedAt" IS NULL)
                    INTO touched, gone FROM old_rows;
                ELSIF TG_OP = 'UPDATE' THEN
                    SELECT count(*) INTO gone FROM old_rows WHERE "deletedAt" IS NULL;
                END IF;
            END IF;
            IF touched > 0 THEN
                INSERT INTO core.row_count AS c (object_metadata_id, shard, live, changes)
                VALUES (object, pg_backend_pid() % {SHARDS}, delta - gone, 1)
                ON CONFLICT (object_metadata_id, shard)
                DO UPDATE SET live = c.live + EXCLUDED.live, changes = c.changes + 1;
            END IF;
            RETURN NULL;
        END
        $$"""
    )
    live = 'WHERE "deletedAt" IS NULL'
    for object_id, table, target, positions in _tables():
        for name, keys in _sort_indexes(table, positions):
            op.execute(f"CREATE INDEX {_q(name)} ON {target} ({keys}) {live}")
        for event, referencing in (
            ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
            ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
            ("TRUNCATE", ""),
        ):
            op.execute(
                f"CREATE TRIGGER {_q(_name(table, event.lower(), 'count'))} AFTER {event} "
                f"ON {target} {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION core.count_live_rows('{object_id}')"
            )
        op.execute(
            f"INSERT INTO core.row_count (object_metadata_id, shard, live) "
            f"SELECT '{object_id}'::uuid, 0, count(*) FROM {target} {live} HAVING count(*) > 0"
        )


def _tables() -> list[tuple[str, str, str, list[str]]]:
    """(object id, table, qualified table, POSITION field names) of every object's table."""
    bind = op.get_bind()
    objects = bind.execute(
        text(
            """
            SELECT o.id, o.name_singular, o.is_custom, w.schema_name,
                   ARRAY(SELECT f.name FROM core.field_metadata f
                         WHERE f.object_metadata_id = o.id AND f.type = 'POSITION') AS positions
            FROM core.object_metadata o JOIN core.workspace w ON w.id = o.workspace_id
            """
        )
    ).fetchall()
    out = []
    for object_id, singular, is_custom, schema, positions in objects:
        table = f"_{singular}" if is_custom else singular
        target = f"{_q(schema)}.{_q(table)}"
        exists = bind.execute(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": target})
        if exists.scalar():
            out.append((str(object_id), table, target, list(positions)))
    return out


def _sort_indexes(table: str, positions: list[str]) -> list[tuple[str, str]]:
    out = [(_name(table, c, "sort"), f'{_q(c)}, "id"') for c in ("createdAt", "updatedAt")]
    for column in positions:
        for suffix, nulls in (("sortnl", "LAST"), ("sortnf", "FIRST")):
            out.append((_name(table, column, suffix), f'{_q(column)} NULLS {nulls}, "id"'))
    return out


def downgrade() -> None:
    """Back to 0004's tables: counters, triggers and the sort indexes of every table go
    (including those of fields marked isIndexed: their flag goes with its column)."""
    bind = op.get_bind()
    for _, table, target, positions in _tables():
        schema = target.split(".", 1)[0]
        for name, _ in _sort_indexes(table, positions):
            op.execute(f"DROP INDEX IF EXISTS {schema}.{_q(name)}")
        indexed = bind.execute(
            text(
                "SELECT indexname FROM pg_indexes WHERE schemaname = :schema "
                "AND tablename = :table AND (indexname LIKE '%\\_sortnl' "
                "OR indexname LIKE '%\\_sortnf')"
            ),
            {"schema": schema.strip('"'), "table": table},
        )
        for (name,) in indexed.fetchall():
            op.execute(f"DROP INDEX IF EXISTS {schema}.{_q(name)}")
    op.execute("DROP FUNCTION core.count_live_rows() CASCADE")
    op.execute("DROP TABLE core.row_count")
    op.execute("ALTER TABLE core.field_metadata DROP COLUMN is_indexed")
