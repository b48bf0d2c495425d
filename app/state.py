"""What one server process holds for its lifetime: settings, pool, catalogs, authenticator,
rate limiter, and (unless WEBHOOK_WORKER=false) a webhook delivery worker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from app.auth.api_keys import Authenticator, Principal
from app.catalog.store import CatalogStore
from app.config import Settings
from app.db import embedded
from app.db.database import Database
from app.db.location import resolve_database_url
from app.openapi.cache import DocumentCache
from app.query.counts import CountCache
from app.ratelimit.limiter import Quota, RateLimiter
from app.webhooks.worker import DeliveryPolicy, DeliveryWorker


@dataclass(slots=True)
class AppState:
    settings: Settings
    db: Database
    catalogs: CatalogStore
    authenticator: Authenticator
    limiter: RateLimiter
    documents: DocumentCache = field(default_factory=DocumentCache)  # OpenAPI, per version
    worker: DeliveryWorker | None = None
    counts: CountCache = field(default_factory=CountCache)  # Note [count reuse]

    @classmethod
    async def open(cls, settings: Settings) -> AppState:
        url = await resolve_database_url(settings)
        db = Database(url, max_size=settings.db_pool_size)
        await db.open()
        catalogs = CatalogStore(db)
        await catalogs.start()
        worker = None
        if settings.webhook_worker:
            worker = DeliveryWorker(db, DeliveryPolicy.from_settings(settings))
            await worker.start()
        return cls(
            settings=settings,
            db=db,
            catalogs=catalogs,
            authenticator=Authenticator(settings.resolved_secret()),
            limiter=RateLimiter(
                settings.redis_url, failures_per_minute=settings.auth_failures_per_minute
            ),
            worker=worker,
        )

    def quota_for(self, principal: Principal) -> Quota:
        """The key's own limits, else its workspace's, else the server defaults."""
        return Quota(
            per_minute=principal.rate_limit_per_minute or self.settings.rate_limit_per_minute,
            per_second=principal.rate_limit_per_second or self.settings.rate_limit_per_second,
        )

    async def close(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
        await self.catalogs.stop()
        await self.limiter.close()
        await self.db.close()
        if self.settings.embedded:
            await asyncio.to_thread(embedded.release)
