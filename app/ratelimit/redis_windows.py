"""Sliding-window counters for several windows at once in Redis: one script, one round trip.

Each window of `seconds` keeps a counter per period (`<prefix>:<key>:<seconds>:<period>`).
The count of a window is the current period's counter plus the previous period's, weighted by
how much of it still lies within the last `seconds` (the sliding-window counter limits uses in
memory). The script tests every window and, only if all have room, counts the request in
each: atomically, so processes sharing the Redis share the budget exactly.

Returns: allowed (1/0), the 1-based index of the first window without room (0: none), then per
window the requests remaining and the milliseconds until its current period ends.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import redis.asyncio as redis

_SCRIPT = """
local now = tonumber(ARGV[1])
local n = (#ARGV - 1) / 2
local counts = {}
local refused = 0
for i = 1, n do
  local limit = tonumber(ARGV[2 * i])
  local seconds = tonumber(ARGV[2 * i + 1])
  local elapsed = (now % seconds) / seconds
  local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  counts[i] = previous * (1 - elapsed) + current
  if refused == 0 and counts[i] + 1 > limit then
    refused = i
  end
end
local out = {refused == 0 and 1 or 0, refused}
for i = 1, n do
  local limit = tonumber(ARGV[2 * i])
  local seconds = tonumber(ARGV[2 * i + 1])
  local count = counts[i]
  if refused == 0 then
    redis.call('INCR', KEYS[2 * i - 1])
    redis.call('EXPIRE', KEYS[2 * i - 1], 2 * seconds)
    count = count + 1
  end
  out[#out + 1] = math.max(0, limit - math.floor(count))
  out[#out + 1] = math.floor((seconds - now % seconds) * 1000)
end
return out
"""


class RedisWindows:
    def __init__(self, url: str, *, prefix: str) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script = self._client.register_script(_SCRIPT)
        self._prefix = prefix

    async def close(self) -> None:
        await self._client.aclose()

    async def hit(
        self, key: str, windows: Sequence[tuple[int, int]]
    ) -> tuple[bool, int | None, list[tuple[int, float]]]:
        """Count one request of `key` against `windows` ((limit, seconds) each) unless one is
        full: (allowed, index of the refusing window, [(remaining, reset_at epoch)])."""
        now = time.time()
        keys: list[str] = []
        args: list[float | int] = [now]
        for limit, seconds in windows:
            period = int(now // seconds)
            base = f"{self._prefix}:{key}:{seconds}"
            keys += [f"{base}:{period}", f"{base}:{period - 1}"]
            args += [limit, seconds]
        reply = await self._script(keys=keys, args=args)
        allowed, refused, rest = bool(reply[0]), int(reply[1]), reply[2:]
        states = [
            (int(rest[2 * i]), now + int(rest[2 * i + 1]) / 1000) for i in range(len(windows))
        ]
        return allowed, refused - 1 if refused else None, states
