"""Rate limits, on slowapi's `Limiter`: per API key (a per-second burst window and a
per-minute budget) and, for requests refused for a missing or bad key, per client address.

    limiter.hit(request, quota)         one admitted request of the key in request.state
    limiter.refused_client(request)     whether this address sent too many bad keys already
    limiter.count_refusal(request)      one more bad key from this address

The limit values are dynamic: `Quota.value()` writes a key's own limits, else its
workspace's, else the server's defaults, as slowapi's limit string (`"20/second;100/minute"`),
parsed once per distinct string. slowapi's key functions name who is counted: the
authenticated key (`api_key_of`) and the client address (slowapi's `get_remote_address`).

Counters live in process memory (the Limiter's storage, limits' sliding-window counters), or
in Redis when REDIS_URL is set, so that every server process shares one budget per key:
app/ratelimit/redis_windows.py counts both windows in one atomic script, one round trip per
request. If Redis cannot be reached, the process counts in memory until it can (the API keeps
answering; budgets are then per process) and logs the switch once.

A batch call is one request. Refusals for a bad key are counted per process only: they cost
the server no database work once an address is over its budget.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, parse_many
from redis.exceptions import RedisError
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.requests import Request

from app.ratelimit.redis_windows import RedisWindows

log = logging.getLogger(__name__)

STRATEGY = "sliding-window-counter"
KEY_SCOPE = "api-key"
CLIENT_SCOPE = "bad-key"
REDIS_RETRY_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Quota:
    per_minute: int
    per_second: int

    def value(self) -> str:
        """slowapi's limit string: the burst window first, the budget last."""
        return f"{self.per_second}/second;{self.per_minute}/minute"


@dataclass(frozen=True, slots=True)
class Window:
    """One window's state after a request: what the headers say about it."""

    name: str  # "second", "minute", "bad-key"
    limit: int
    seconds: int
    remaining: int
    reset_at: float  # epoch seconds when the window has room again


@dataclass(frozen=True, slots=True)
class Policy:
    """One window as `RateLimit-Policy` states it: `"minute";q=100;w=60`."""

    name: str
    limit: int
    seconds: int

    def __str__(self) -> str:
        return f'"{self.name}";q={self.limit};w={self.seconds}'


@dataclass(frozen=True, slots=True)
class Decision:
    """What the limiter decided. The headers describe `shown`: the window that refused, else
    the per-minute budget (Twenty's `X-RateLimit-*` meaning)."""

    allowed: bool
    shown: Window
    policy: tuple[Policy, ...]

    @property
    def limit(self) -> int:
        return self.shown.limit

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.shown.reset_at - time.time())) if not self.allowed else 0

    def headers(self) -> dict[str, str]:
        shown = self.shown
        reset_in = max(0, math.ceil(shown.reset_at - time.time()))
        headers = {
            "X-RateLimit-Limit": str(shown.limit),
            "X-RateLimit-Remaining": str(shown.remaining),
            "X-RateLimit-Reset": str(math.ceil(shown.reset_at)),
            # IETF draft-ietf-httpapi-ratelimit-headers: the policies, then the one that binds.
            "RateLimit-Policy": ", ".join(map(str, self.policy)),
            "RateLimit": f'"{shown.name}";r={shown.remaining};t={reset_in}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def api_key_of(request: Request) -> str:
    """slowapi's key function for admitted requests: the authenticated key's id."""
    return str(request.state.principal.api_key_id)


@lru_cache(maxsize=1024)
def _items(value: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(value))


def _policy(item: RateLimitItem, name: str | None = None) -> Policy:
    return Policy(name or item.GRANULARITY.name, item.amount, item.get_expiry())


def _window(policy: Policy, remaining: int, reset_at: float) -> Window:
    return Window(policy.name, policy.limit, policy.seconds, remaining, reset_at)


class RateLimiter:
    def __init__(
        self, redis_url: str | None = None, *, failures_per_minute: int = 30, prefix: str = "crm"
    ) -> None:
        self.slowapi = Limiter(
            key_func=api_key_of,
            strategy=STRATEGY,
            storage_uri="memory://",
            key_prefix=prefix,
            headers_enabled=False,
        )
        self._strategy = self.slowapi.limiter
        self._prefix = prefix
        self._failures = _items(f"{failures_per_minute}/minute")[0]
        self._redis = RedisWindows(redis_url, prefix=f"{prefix}:rl") if redis_url else None
        self._redis_down_until = 0.0

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.close()

    async def hit(self, request: Request, quota: Quota) -> Decision:
        """Count one request of the key in `request.state.principal`, unless a window is full."""
        key = api_key_of(request)
        items = _items(quota.value())
        if self._redis is not None and time.monotonic() >= self._redis_down_until:
            try:
                decision = await self._hit_redis(key, items)
            except (RedisError, OSError) as exc:
                if not self._redis_down_until:
                    log.warning("rate limits: Redis unreachable (%s), counting in memory", exc)
                self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            else:
                if self._redis_down_until:
                    log.warning("rate limits: Redis reachable again")
                    self._redis_down_until = 0.0
                return decision
        return self._hit_memory(key, items)

    def _hit_memory(self, key: str, items: tuple[RateLimitItem, ...]) -> Decision:
        """Count in each window in turn, the burst window first, until one is full (no await in
        between: atomic within the process). A request the budget refuses has used a place in
        the burst window, which is whole again within the second."""
        ids = (self._prefix, KEY_SCOPE, key)
        refused = next((i for i in items if not self._strategy.hit(i, *ids)), None)
        shown = refused or items[-1]
        stats = self._strategy.get_window_stats(shown, *ids)
        window = _window(_policy(shown), stats.remaining, stats.reset_time)
        return Decision(refused is None, window, tuple(map(_policy, items)))

    async def _hit_redis(self, key: str, items: tuple[RateLimitItem, ...]) -> Decision:
        assert self._redis is not None
        limits = [(item.amount, item.get_expiry()) for item in items]
        allowed, refused, states = await self._redis.hit(key, limits)
        index = refused if refused is not None else len(items) - 1
        window = _window(_policy(items[index]), *states[index])
        return Decision(allowed, window, tuple(map(_policy, items)))

    # ---- requests refused for a missing or bad key, per client address ----------------------

    def _client(self, request: Request) -> tuple[str, ...]:
        return (self._prefix, CLIENT_SCOPE, get_remote_address(request))

    def refused_client(self, request: Request) -> Decision | None:
        """The refusal for an address already over its bad-key budget, else None."""
        ids = self._client(request)
        if self._strategy.test(self._failures, *ids):
            return None
        stats = self._strategy.get_window_stats(self._failures, *ids)
        policy = _policy(self._failures, CLIENT_SCOPE)
        return Decision(False, _window(policy, stats.remaining, stats.reset_time), (policy,))

    def count_refusal(self, request: Request) -> None:
        self._strategy.hit(self._failures, *self._client(request))
