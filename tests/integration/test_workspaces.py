"""Creating a workspace builds the standard objects as real tables, in one transaction."""

from __future__ import annotations

import pytest

from app.db.database import Database
from app.errors import BadRequest, Conflict
from app.metadata import store
from app.metadata.workspaces import create_workspace
from tests.support import WorkspaceFixture, make_workspace

STANDARD_TABLES = {
    "person",
    "company",
    "opportunity",
    "note",
    "task",
    "noteTarget",
    "taskTarget",
    "workspaceMember",
    "attachment",
    "favorite",
    "timelineActivity",
}


async def test_workspace_schema_is_named_from_base36_id(workspace: WorkspaceFixture) -> None:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    number = sum(digits.index(c) * 36**i for i, c in enumerate(reversed(workspace.schema[10:])))
    assert workspace.schema.startswith("workspace_")
    assert number == workspace.id.int


async def test_standard_objects_exist_as_tables(db: Database, workspace: WorkspaceFixture) -> None:
    async with db.connection() as conn:
        tables = {
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                workspace.schema,
            )
        }
    assert tables == STANDARD_TABLES


async def test_every_record_has_system_columns(db: Database, workspace: WorkspaceFixture) -> None:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = $1 AND table_name = 'person'",
            workspace.schema,
        )
    columns = {r["column_name"]: r["data_type"] for r in rows}
    assert columns["id"] == "uuid"
    assert columns["createdAt"] == "timestamp with time zone"
    assert columns["updatedAt"] == "timestamp with time zone"
    assert columns["deletedAt"] == "timestamp with time zone"
    assert columns["position"] == "double precision"
    assert columns["createdBySource"] == "text"
    assert columns["nameFirstName"] == "text"
    assert columns["emailsPrimaryEmail"] == "text"
    assert columns["emailsAdditionalEmails"] == "jsonb"
    assert columns["companyId"] == "uuid"
    assert columns["searchVector"] == "tsvector"


async def test_foreign_keys_are_indexed(db: Database, workspace: WorkspaceFixture) -> None:
    async with db.connection() as conn:
        fks = await conn.fetch(
            """
            SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.connamespace = $1::regnamespace
            """,
            workspace.schema,
        )
        indexed = {
            (r["tbl"], r["col"])
            for r in await conn.fetch(
                """
                SELECT i.indrelid::regclass::text AS tbl, a.attname AS col
                FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                JOIN pg_class t ON t.oid = i.indrelid
                WHERE t.relnamespace = $1::regnamespace
                """,
                workspace.schema,
            )
        }
    assert len(fks) >= 20
    missing = [(r["tbl"], r["col"]) for r in fks if (r["tbl"], r["col"]) not in indexed]
    assert missing == []


async def test_unique_fields_ignore_soft_deleted_rows(
    db: Database, workspace: WorkspaceFixture
) -> None:
    table = f'"{workspace.schema}"."person"'
    async with db.transaction() as conn:
        await conn.execute(
            f'INSERT INTO {table} ("emailsPrimaryEmail", "deletedAt") VALUES ($1, now())',
            "unique@example.com",
        )
        await conn.execute(
            f'INSERT INTO {table} ("emailsPrimaryEmail") VALUES ($1)', "unique@example.com"
        )
        with pytest.raises(Exception, match="duplicate key"):
            async with conn.transaction():
                await conn.execute(
                    f'INSERT INTO {table} ("emailsPrimaryEmail") VALUES ($1)', "unique@example.com"
                )
        # Empty values never collide either.
        await conn.execute(f"INSERT INTO {table} (\"emailsPrimaryEmail\") VALUES (''), ('')")
        await conn.execute(f"DELETE FROM {table}")


async def test_select_columns_refuse_values_outside_their_options(
    db: Database, workspace: WorkspaceFixture
) -> None:
    async with db.transaction() as conn:
        with pytest.raises(Exception, match="check constraint"):
            async with conn.transaction():
                await conn.execute(
                    f'INSERT INTO "{workspace.schema}"."opportunity" ("stage") VALUES (\'NOPE\')'
                )


async def test_metadata_rows_describe_the_tables(db: Database, workspace: WorkspaceFixture) -> None:
    async with db.connection() as conn:
        objects = {o.name_singular: o for o in await store.load_objects(conn, workspace.id)}
    assert set(objects) == STANDARD_TABLES
    person = objects["person"]
    company_field = person.field_named("company")
    assert company_field is not None and company_field.join_column == "companyId"
    inverse = objects["company"].field_named("people")
    assert inverse is not None
    assert inverse.relation_target_field_id == company_field.id
    assert company_field.relation_target_field_id == inverse.id


async def test_duplicate_workspace_name_is_refused(
    db: Database, workspace: WorkspaceFixture
) -> None:
    with pytest.raises(Conflict, match="already exists"):
        async with db.transaction() as conn:
            await create_workspace(conn, workspace.name)


async def test_invalid_workspace_name_is_refused_and_leaves_nothing(db: Database) -> None:
    async with db.connection() as conn:
        before = await conn.fetchval("SELECT count(*) FROM core.workspace")
    with pytest.raises(BadRequest, match="Invalid workspace name"):
        async with db.transaction() as conn:
            await create_workspace(conn, "  ")
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM core.workspace") == before


async def test_failed_creation_rolls_back_rows_and_schema(db: Database) -> None:
    """A failure after the DDL ran (here: the caller raises) leaves no workspace behind."""
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            created = await create_workspace(conn, "rolled-back")
            raise RuntimeError("boom")
    async with db.connection() as conn:
        assert await store.find_workspace(conn, "rolled-back") is None
        assert not await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", created.schema_name
        )


async def test_two_workspaces_get_separate_schemas(db: Database) -> None:
    first = await make_workspace(db)
    second = await make_workspace(db)
    assert first.schema != second.schema


async def test_live_rows_are_counted_from_a_partial_index(
    db: Database, workspace: WorkspaceFixture
) -> None:
    """Note [live rows index]: every table has an index of the rows that are not deleted."""
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1 "
            "AND indexname LIKE '%_id_live'",
            workspace.schema,
        )
    assert {r["tablename"] for r in rows} == STANDARD_TABLES
    assert all('WHERE ("deletedAt" IS NULL)' in r["indexdef"] for r in rows)
