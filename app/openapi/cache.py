"""Rendered documents, cached per (workspace, catalog version, kind, server URL).

A metadata change bumps the catalog version, so the next request misses and regenerates
(STYLE habit 4: invalidate by version, never by hunting caches). Bounded, least recently used
first out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from uuid import UUID

import orjson

CacheKey = tuple[UUID, int, str, str]


class DocumentCache:
    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: OrderedDict[CacheKey, bytes] = OrderedDict()

    def get(self, key: CacheKey, build: Callable[[], dict[str, Any]]) -> bytes:
        """The JSON of the document under `key`, built and rendered on a miss."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        rendered = orjson.dumps(build())
        self._items[key] = rendered
        while len(self._items) > self._size:
            self._items.popitem(last=False)
        return rendered

    def __len__(self) -> int:
        return len(self._items)
