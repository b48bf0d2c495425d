"""Reads and writes `core.webhook`: a workspace's subscriptions and their delivery health.

Services take a connection and never commit: the caller owns the transaction. Every query is
scoped to one workspace, so one workspace never reads or changes another's webhooks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

_APPLICATION_NAMESPACE = UUID("6f1c3c3e-8a0e-4c52-9a4e-5c1f2f0d7b11")


@dataclass(frozen=True, slots=True)
class Webhook:
    id: UUID
    workspace_id: UUID
    target_url: str
    operations: tuple[str, ...]
    description: str | None
    secret: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    consecutive_failures: int
    failing_since: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None

    @property
    def application_id(self) -> UUID:
        """Twenty's `applicationId` (the workspace's custom application, which this server
        does not model): a stable id per workspace."""
        return uuid.uuid5(_APPLICATION_NAMESPACE, str(self.workspace_id))


def _webhook(row: Mapping[str, Any]) -> Webhook:
    return Webhook(
        id=row["id"],
        workspace_id=row["workspace_id"],
        target_url=row["target_url"],
        operations=tuple(row["operations"]),
        description=row["description"],
        secret=row["secret"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
        consecutive_failures=row["consecutive_failures"],
        failing_since=row["failing_since"],
        last_success_at=row["last_success_at"],
        last_failure_at=row["last_failure_at"],
    )


async def list_webhooks(conn: asyncpg.Connection, workspace_id: UUID) -> list[Webhook]:
    """Live webhooks, oldest first (Twenty's order)."""
    rows = await conn.fetch(
        "SELECT * FROM core.webhook WHERE workspace_id = $1 AND deleted_at IS NULL "
        "ORDER BY created_at, id",
        workspace_id,
    )
    return [_webhook(row) for row in rows]


async def find(conn: asyncpg.Connection, workspace_id: UUID, webhook_id: UUID) -> Webhook | None:
    row = await conn.fetchrow(
        "SELECT * FROM core.webhook WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL",
        webhook_id,
        workspace_id,
    )
    return _webhook(row) if row else None


async def id_taken(conn: asyncpg.Connection, webhook_id: UUID) -> bool:
    """Whether any webhook, of any workspace and deleted or not, has this id."""
    taken: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM core.webhook WHERE id = $1)", webhook_id
    )
    return taken


async def insert(
    conn: asyncpg.Connection,
    *,
    webhook_id: UUID,
    workspace_id: UUID,
    target_url: str,
    operations: list[str],
    description: str | None,
    secret: str,
) -> Webhook:
    row = await conn.fetchrow(
        "INSERT INTO core.webhook (id, workspace_id, target_url, operations, description, secret) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        webhook_id,
        workspace_id,
        target_url,
        operations,
        description,
        secret,
    )
    return _webhook(row)


_COLUMNS = {
    "targetUrl": "target_url",
    "operations": "operations",
    "description": "description",
    "secret": "secret",
}


async def update(
    conn: asyncpg.Connection, workspace_id: UUID, webhook_id: UUID, changes: Mapping[str, Any]
) -> Webhook | None:
    """Set the changed properties (API names, validated); None when there is no such webhook."""
    sets = [f"{_COLUMNS[key]} = ${i}" for i, key in enumerate(changes, start=3)]
    sets.append("updated_at = now()")
    row = await conn.fetchrow(
        f"UPDATE core.webhook SET {', '.join(sets)} "
        "WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL RETURNING *",
        webhook_id,
        workspace_id,
        *changes.values(),
    )
    return _webhook(row) if row else None


async def delete(conn: asyncpg.Connection, workspace_id: UUID, webhook_id: UUID) -> Webhook | None:
    """Soft-delete the webhook and give up its pending deliveries (kept in the log until the
    retention purge)."""
    row = await conn.fetchrow(
        "UPDATE core.webhook SET deleted_at = now(), updated_at = now() "
        "WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL RETURNING *",
        webhook_id,
        workspace_id,
    )
    if row is None:
        return None
    await conn.execute(
        "UPDATE core.webhook_delivery SET status = 'failed', last_error = 'webhook deleted', "
        "leased_until = NULL WHERE webhook_id = $1 AND status = 'pending'",
        webhook_id,
    )
    return _webhook(row)
