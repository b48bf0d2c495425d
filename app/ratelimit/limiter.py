"""Per-API-key rate limits: a per-minute budget and a per-second burst window.

Counters live in process memory by default and in Redis when REDIS_URL is set, so that every
server process shares one budget per key. Sliding-window counters (two keys per window in
Redis) keep the cost at a couple of round trips per request. A batch call is one request.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from uuid import UUID

import redis.asyncio as redis
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter


@dataclass(frozen=True, slots=True)
class Quota:
    per_minute: int
    per_second: int


@dataclass(frozen=True, slots=True)
class Decision:
    """What the limiter decided, and what the X-RateLimit-* headers say about it."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the minute budget is whole again
    retry_after: int  # seconds, when refused

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        self._pool: redis.ConnectionPool | None = None
        if redis_url:
            self._pool = redis.ConnectionPool.from_url(redis_url)
            self.storage: Storage = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                connection_pool=self._pool,  # type: ignore[arg-type]  # passed through
            )
        else:
            self.storage = MemoryStorage()
        self._strategy = SlidingWindowCounterRateLimiter(self.storage)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    async def hit(self, key_id: UUID, quota: Quota) -> Decision:
        """Count one request for `key_id` unless a window is exhausted."""
        key = str(key_id)
        minute = RateLimitItemPerMinute(quota.per_minute)
        second = RateLimitItemPerSecond(quota.per_second)
        allowed = await self._strategy.hit(second, "api-key", key)
        if allowed:
            allowed = await self._strategy.hit(minute, "api-key", key)
        refused_by: RateLimitItem | None = None if allowed else minute
        stats = await self._strategy.get_window_stats(minute, "api-key", key)
        if not allowed and await self._strategy.test(minute, "api-key", key):
            refused_by = second
        retry_after = 0
        if refused_by is not None:
            window = await self._strategy.get_window_stats(refused_by, "api-key", key)
            retry_after = max(1, math.ceil(window.reset_time - time.time()))
        return Decision(
            allowed=allowed,
            limit=quota.per_minute,
            remaining=max(0, stats.remaining),
            reset_at=math.ceil(stats.reset_time),
            retry_after=retry_after,
        )
