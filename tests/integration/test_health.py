"""GET /healthz tells the truth about the database and the migrations."""

from __future__ import annotations

import httpx

from app.db.database import Database


async def test_healthy_when_database_answers_and_migrations_are_at_head(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_unhealthy_when_database_is_behind_head(
    client: httpx.AsyncClient, db: Database
) -> None:
    async with db.connection() as conn:
        head = await conn.fetchval("SELECT version_num FROM core.alembic_version")
        await conn.execute("UPDATE core.alembic_version SET version_num = 'older'")
        try:
            response = await client.get("/healthz")
        finally:
            await conn.execute("UPDATE core.alembic_version SET version_num = $1", head)
    assert response.status_code == 503
    body = response.json()
    assert body["statusCode"] == 503
    assert "migrations not at head" in body["messages"][0]
    assert body["current"] == "older"


async def test_unhealthy_when_migrations_never_ran(client: httpx.AsyncClient, db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("ALTER TABLE core.alembic_version RENAME TO alembic_version_moved")
    try:
        response = await client.get("/healthz")
    finally:
        async with db.transaction() as conn:
            await conn.execute("ALTER TABLE core.alembic_version_moved RENAME TO alembic_version")
    assert response.status_code == 503
    assert "migrations not applied" in response.json()["messages"][0]


async def test_unknown_route_answers_in_twentys_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == "NotFoundException"
