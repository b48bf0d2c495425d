"""The delivery worker: sends the outbox's due deliveries, retries with backoff, logs attempts.

It runs in every server process (started and stopped by the app's lifespan) unless
WEBHOOK_WORKER=false, and as `crm worker` for deployments that run delivery apart. Any number
of workers share the outbox (Note [delivery order] in app/webhooks/deliveries.py). A worker
wakes on the NOTIFY a write's events send at commit, and polls every WEBHOOK_POLL_SECONDS for
retries that came due; it keeps up to CONCURRENCY deliveries in flight, each an HTTP POST
with WEBHOOK_TIMEOUT_SECONDS to answer. A 2xx delivers; anything else (another status, a
timeout, a network error, a refused target) is retried after an exponential backoff with
jitter, until WEBHOOK_RETRY_HORIZON_SECONDS after the event (or its replay), then given up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from app.config import Settings
from app.db.database import Database
from app.query.outbox import CHANNEL
from app.webhooks import deliveries, targets, wire
from app.webhooks.deliveries import Job, Outcome

log = logging.getLogger(__name__)

CONCURRENCY = 16  # deliveries in flight per worker
MAINTENANCE_EVERY = 60.0  # seconds between give-up sweeps and log purges
USER_AGENT = "crm-api-webhooks/0.1"
MAX_ANSWER_BYTES = 65_536  # of a receiver's answer read (and ignored)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    timeout: float = 5.0
    horizon: float = 86_400.0
    backoff_base: float = 10.0
    backoff_max: float = 3_600.0
    poll: float = 1.0
    retention: float = 7 * 86_400.0
    allow_private: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            timeout=settings.webhook_timeout_seconds,
            horizon=settings.webhook_retry_horizon_seconds,
            backoff_base=settings.webhook_backoff_base_seconds,
            backoff_max=settings.webhook_backoff_max_seconds,
            poll=settings.webhook_poll_seconds,
            retention=settings.webhook_log_retention_days * 86_400.0,
            allow_private=settings.webhook_allow_private_targets,
        )

    @property
    def lease(self) -> float:
        """How long a claim holds a delivery: longer than any attempt can take."""
        return 2 * self.timeout + 1

    def retry_delay(self, attempt: int) -> float:
        """Exponential backoff with jitter: base·2^(attempt-1), capped, times 0.5-1."""
        delay: float = min(self.backoff_max, self.backoff_base * 2.0 ** min(attempt - 1, 32))
        return delay * random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not a secret)


class DeliveryWorker:
    def __init__(self, db: Database, policy: DeliveryPolicy) -> None:
        self._db = db
        self._policy = policy
        self._token = uuid.uuid4()  # this worker's leases
        self._wake = asyncio.Event()
        self._inflight: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._listener: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._next_maintenance = 0.0
        self._next_listen = 0.0

    async def start(self) -> None:
        self._stopping = False
        self._client = targets.client(
            allow_private=self._policy.allow_private, user_agent=USER_AGENT
        )
        await self._ensure_listener()
        self._task = asyncio.create_task(self._run(), name="webhook-worker")

    async def stop(self) -> None:
        """Stop claiming, let the deliveries in flight finish (up to the timeout), close."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), self._policy.timeout + 2)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        for task in list(self._inflight):
            task.cancel()
        await asyncio.gather(*self._inflight, return_exceptions=True)
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
        self._listener = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # ---- the loop ----------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            started = 0
            try:
                started = await self._fill()
                await self._maintain()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("webhook worker: database unavailable; retrying", exc_info=True)
            if started == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._policy.poll)
        if self._inflight:
            await asyncio.wait(self._inflight, timeout=self._policy.timeout + 1)

    async def _fill(self) -> int:
        """Claim as many due deliveries as there are free slots and start sending them."""
        # Cleared before the claim: a NOTIFY during it still wakes the next wait. One that
        # comes while slots are busy is not lost: a finishing delivery wakes the loop too.
        self._wake.clear()
        free = CONCURRENCY - len(self._inflight)
        if free < CONCURRENCY // 2 and self._inflight:
            return 0  # claim in batches, not one slot at a time
        async with self._db.transaction() as conn:
            jobs = await deliveries.claim(
                conn, limit=free, lease_seconds=self._policy.lease, token=self._token
            )
        for job in jobs:
            task = asyncio.create_task(self._deliver(job), name=f"webhook-delivery-{job.id}")
            self._inflight.add(task)
            task.add_done_callback(self._done)
        return len(jobs)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._wake.set()

    async def _maintain(self) -> None:
        now = time.monotonic()
        if now >= self._next_listen and (self._listener is None or self._listener.is_closed()):
            await self._ensure_listener()
        if now < self._next_maintenance:
            return
        self._next_maintenance = now + MAINTENANCE_EVERY
        async with self._db.connection() as conn:
            await deliveries.maintain(
                conn, horizon_seconds=self._policy.horizon, retention_seconds=self._policy.retention
            )

    async def _ensure_listener(self) -> None:
        """LISTEN for new events; without it the worker still polls."""
        self._next_listen = time.monotonic() + 5.0
        try:
            conn = await asyncpg.connect(self._db.url)
            await conn.add_listener(CHANNEL, lambda *_: self._wake.set())
        except (OSError, asyncpg.PostgresError):
            log.warning("webhook worker: cannot LISTEN; polling only", exc_info=True)
            return
        self._listener = conn

    # ---- one delivery ------------------------------------------------------------------

    async def _deliver(self, job: Job) -> None:
        outcome = await self._attempt(job)
        try:
            async with self._db.transaction() as conn:
                if not await deliveries.settle(conn, job, self._token, outcome):
                    log.info("webhook delivery %s: lease lost before its result was saved", job.id)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            # The lease expires and the delivery is sent again: at least once.
            log.warning("webhook delivery %s: result not saved", job.id, exc_info=True)

    async def _attempt(self, job: Job) -> Outcome:
        assert self._client is not None
        content = wire.body(job)
        attempted_at = datetime.now(UTC)
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            async with self._client.stream(
                "POST",
                job.target_url,
                content=content,
                headers=wire.headers(job, content),
                timeout=self._policy.timeout,
            ) as response:
                status = response.status_code
                # Read (a bounded part of) the answer, so the connection can be reused.
                received = 0
                async for chunk in response.aiter_raw():
                    received += len(chunk)
                    if received > MAX_ANSWER_BYTES:
                        break
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.TimeoutException:
            error = f"no answer within {self._policy.timeout:g} s"
        except (httpx.HTTPError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        latency = round((time.perf_counter() - started) * 1000)
        success = error is None
        retry_at = None
        if not success:
            retry_at = attempted_at + timedelta(seconds=self._policy.retry_delay(job.attempt))
            if retry_at > job.retry_from + timedelta(seconds=self._policy.horizon):
                retry_at = None
        return Outcome(attempted_at, success, status, latency, error, retry_at)
