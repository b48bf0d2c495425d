"""The outbox as the delivery worker and the delivery log see it: claim due deliveries, settle
an attempt, read a webhook's log, replay, purge.

Note [delivery order]: `seq` numbers events as they are written. Two writes of one record
take its row lock in turn and write their events after it, so `seq` follows commit order per
record. A delivery is due only when no earlier delivery of the same (webhook, record) is still
pending, so the events of one record reach a receiver in order, even across retries, while
other records go on. A claim locks its rows `FOR UPDATE SKIP LOCKED` and leases them (for
twice the HTTP timeout and a second) in one short transaction, so concurrent workers never
take the same delivery, and no transaction stays open during HTTP calls. The result is
written only by the lease's holder; a worker that dies mid-delivery leaves a lease that
expires, and the delivery is sent again (at least once: receivers deduplicate on the event
id header).

Note [failing endpoints]: after FAILING_AFTER consecutive failed attempts a webhook is
`failing`: only its oldest pending delivery is tried (a probe, at its own backoff) until one
succeeds, so a dead endpoint costs one request per backoff step, not one per event, and the
other webhooks' deliveries never wait behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from app.query.outbox import CHANNEL

FAILING_AFTER = 5

_CLAIM = """
WITH picked AS (
    SELECT d.id
    FROM core.webhook_delivery d
    JOIN core.webhook w ON w.id = d.webhook_id AND w.deleted_at IS NULL
    WHERE d.status = 'pending'
      AND d.next_attempt_at <= now()
      AND (d.leased_until IS NULL OR d.leased_until < now())
      AND NOT EXISTS (
          SELECT 1 FROM core.webhook_delivery p
          WHERE p.webhook_id = d.webhook_id AND p.record_id = d.record_id
            AND p.status = 'pending' AND p.seq < d.seq)
      AND (w.consecutive_failures < $2 OR d.seq = (
          SELECT min(q.seq) FROM core.webhook_delivery q
          WHERE q.webhook_id = d.webhook_id AND q.status = 'pending'))
    ORDER BY d.next_attempt_at, d.seq
    LIMIT $1
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE core.webhook_delivery d
SET attempts = d.attempts + 1, last_attempt_at = clock_timestamp(),
    leased_until = clock_timestamp() + make_interval(secs => $3), lease_token = $4
FROM picked, core.webhook w
WHERE d.id = picked.id AND w.id = d.webhook_id
RETURNING d.id, d.workspace_id, d.webhook_id, d.event_name, d.object_metadata_id,
    d.object_name, d.record, d.updated_fields, d.event_date, d.attempts, d.created_at,
    d.replayed_at, w.target_url, w.secret
"""


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed delivery: the event, where to send it, and this attempt's number."""

    id: UUID
    workspace_id: UUID
    webhook_id: UUID
    event_name: str
    object_metadata_id: UUID
    object_name: str
    record: Any
    updated_fields: list[str] | None
    event_date: datetime
    attempt: int
    retry_from: datetime  # retries stop a horizon after this (the event, or its replay)
    target_url: str
    secret: str


async def claim(
    conn: asyncpg.Connection, *, limit: int, lease_seconds: float, token: UUID
) -> list[Job]:
    rows = await conn.fetch(_CLAIM, limit, FAILING_AFTER, lease_seconds, token)
    return [
        Job(
            id=row["id"],
            workspace_id=row["workspace_id"],
            webhook_id=row["webhook_id"],
            event_name=row["event_name"],
            object_metadata_id=row["object_metadata_id"],
            object_name=row["object_name"],
            record=row["record"],
            updated_fields=row["updated_fields"],
            event_date=row["event_date"],
            attempt=row["attempts"],
            retry_from=row["replayed_at"] or row["created_at"],
            target_url=row["target_url"],
            secret=row["secret"],
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt gave: `status_code` when the receiver answered, `error` unless 2xx;
    `retry_at` None means delivered (success) or given up (failure)."""

    attempted_at: datetime
    success: bool
    status_code: int | None
    latency_ms: int
    error: str | None
    retry_at: datetime | None


async def settle(conn: asyncpg.Connection, job: Job, token: UUID, outcome: Outcome) -> bool:
    """Record an attempt (the caller's transaction): the log line, the delivery's state, the
    endpoint's health. False when the lease was lost (another worker owns the delivery now)."""
    if outcome.success:
        status = "delivered"
    else:
        status = "pending" if outcome.retry_at is not None else "failed"
    updated = await conn.fetchval(
        "UPDATE core.webhook_delivery SET status = $3, next_attempt_at = coalesce($4, "
        "next_attempt_at), delivered_at = CASE WHEN $3 = 'delivered' THEN clock_timestamp() END, "
        "last_status_code = $5, last_error = $6, leased_until = NULL, lease_token = NULL "
        "WHERE id = $1 AND lease_token = $2 AND status = 'pending' RETURNING true",
        job.id,
        token,
        status,
        outcome.retry_at,
        outcome.status_code,
        outcome.error,
    )
    if not updated:
        return False
    await conn.execute(
        "INSERT INTO core.webhook_attempt (delivery_id, attempt, attempted_at, success, "
        "status_code, latency_ms, error) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        job.id,
        job.attempt,
        outcome.attempted_at,
        outcome.success,
        outcome.status_code,
        outcome.latency_ms,
        outcome.error,
    )
    if outcome.success:
        # Most successes change nothing but the time of the last one: written at most once a
        # second, so that concurrent deliveries to one webhook do not queue on its row.
        await conn.execute(
            "UPDATE core.webhook SET consecutive_failures = 0, failing_since = NULL, "
            "last_success_at = $2 WHERE id = $1 AND (consecutive_failures > 0 "
            "OR last_success_at IS NULL "
            "OR last_success_at < $2::timestamptz - interval '1 second')",
            job.webhook_id,
            outcome.attempted_at,
        )
    else:
        await conn.execute(
            "UPDATE core.webhook SET consecutive_failures = consecutive_failures + 1, "
            "last_failure_at = $2, failing_since = CASE WHEN consecutive_failures + 1 >= $3 "
            "THEN coalesce(failing_since, $2) END WHERE id = $1",
            job.webhook_id,
            outcome.attempted_at,
            FAILING_AFTER,
        )
    return True


async def maintain(
    conn: asyncpg.Connection, *, horizon_seconds: float, retention_seconds: float
) -> None:
    """Give up the pending deliveries of failing endpoints that are past their retry horizon
    (their probe would reach them only one by one), and purge settled deliveries older than
    the retention (their attempts go with them)."""
    await conn.execute(
        "UPDATE core.webhook_delivery d SET status = 'failed', "
        "last_error = coalesce(d.last_error || '; ', '') || 'gave up: the endpoint is failing' "
        "FROM core.webhook w WHERE w.id = d.webhook_id AND d.status = 'pending' "
        "AND w.consecutive_failures >= $1 "
        "AND coalesce(d.replayed_at, d.created_at) < now() - make_interval(secs => $2) "
        "AND (d.leased_until IS NULL OR d.leased_until < now())",
        FAILING_AFTER,
        horizon_seconds,
    )
    await conn.execute(
        "DELETE FROM core.webhook_delivery WHERE id IN (SELECT id FROM core.webhook_delivery "
        "WHERE status <> 'pending' AND coalesce(delivered_at, last_attempt_at, created_at) "
        "< now() - make_interval(secs => $1) LIMIT 10000)",
        retention_seconds,
    )


# ---- the delivery log -------------------------------------------------------------------


_LOG_COLUMNS = """
    d.id, d.seq, d.event_name, d.object_metadata_id, d.object_name, d.record_id, d.status,
    d.attempts, d.event_date, d.created_at, d.next_attempt_at, d.delivered_at,
    d.last_status_code, d.last_error, d.replayed_at,
    (SELECT coalesce(json_agg(json_build_object(
        'attempt', a.attempt, 'attemptedAt',
        to_char(a.attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'success', a.success,
        'statusCode', a.status_code, 'latencyMs', a.latency_ms, 'error', a.error)
        ORDER BY a.id), '[]') FROM core.webhook_attempt a WHERE a.delivery_id = d.id)
        AS attempt_log
"""


async def page(
    conn: asyncpg.Connection,
    webhook_id: UUID,
    *,
    status: str | None,
    limit: int,
    after: UUID | None,
) -> tuple[list[Mapping[str, Any]], bool]:
    """A webhook's deliveries, newest first, after the delivery `after`; and whether more
    follow."""
    rows = await conn.fetch(
        f"SELECT {_LOG_COLUMNS} FROM core.webhook_delivery d WHERE d.webhook_id = $1 "
        "AND ($2::text IS NULL OR d.status = $2) "
        "AND ($3::uuid IS NULL OR d.seq < (SELECT seq FROM core.webhook_delivery "
        "WHERE id = $3 AND webhook_id = $1)) ORDER BY d.seq DESC LIMIT $4",
        webhook_id,
        status,
        after,
        limit + 1,
    )
    return list(rows[:limit]), len(rows) > limit


async def one(
    conn: asyncpg.Connection, webhook_id: UUID, delivery_id: UUID
) -> Mapping[str, Any] | None:
    """One delivery with its payload (`record`, `updated_fields`)."""
    row: Mapping[str, Any] | None = await conn.fetchrow(
        f"SELECT {_LOG_COLUMNS}, d.record, d.updated_fields FROM core.webhook_delivery d "
        "WHERE d.webhook_id = $1 AND d.id = $2",
        webhook_id,
        delivery_id,
    )
    return row


async def count(conn: asyncpg.Connection, webhook_id: UUID, status: str | None) -> int:
    total: int = await conn.fetchval(
        "SELECT count(*) FROM core.webhook_delivery WHERE webhook_id = $1 "
        "AND ($2::text IS NULL OR status = $2)",
        webhook_id,
        status,
    )
    return total


async def replay(conn: asyncpg.Connection, webhook_id: UUID, delivery_ids: list[UUID]) -> int:
    """Send these deliveries again now, whatever their state (one in flight is left alone),
    with a fresh retry horizon; the number replayed."""
    status: str = await conn.execute(
        "UPDATE core.webhook_delivery SET status = 'pending', next_attempt_at = now(), "
        "replayed_at = now(), delivered_at = NULL "
        "WHERE webhook_id = $1 AND id = ANY($2::uuid[]) "
        "AND (leased_until IS NULL OR leased_until < now())",
        webhook_id,
        delivery_ids,
    )
    if status != "UPDATE 0":
        await conn.execute("SELECT pg_notify($1, '')", CHANNEL)
    return int(status.rsplit(" ", 1)[1])


async def failed_ids(conn: asyncpg.Connection, webhook_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT id FROM core.webhook_delivery WHERE webhook_id = $1 AND status = 'failed' "
        "ORDER BY seq",
        webhook_id,
    )
    return [row["id"] for row in rows]
