"""The order in which concurrent writes take their locks, so that they queue instead of
deadlocking.

Note [upsert lock order]: an upsert of many records locks each record it inserts or updates,
in the order its statements meet them. Two batches over the same keys in different orders
(`a, b` and `b, a`) each hold one lock the other waits for: PostgreSQL detects the deadlock
after a second and aborts one of them. So an upsert first takes one transaction-scoped
advisory lock per key, in one sorted order (`key_locks`), and only then writes: a second batch
over any of the same keys waits for the first to commit, then proceeds. The statements also
send their rows sorted by key, for the row locks' sake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import asyncpg

_LOCK_KEYS = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k"


def lock_key(scope: str, value: Any) -> int:
    """A signed 64-bit advisory-lock key for `value` within `scope` (schema, table, column)."""
    digest = hashlib.blake2b(f"{scope}\x00{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def key_locks(conn: asyncpg.Connection, scope: str, values: Iterable[Any]) -> None:
    """Lock every key of `values` until the transaction ends, in ascending key order."""
    keys = sorted({lock_key(scope, value) for value in values if value is not None})
    if keys:
        await conn.fetchval(_LOCK_KEYS, keys)
