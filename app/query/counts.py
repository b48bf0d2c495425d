"""Filtered totals reused while the object is unchanged: exact, and free for repeated lists.

Note [count reuse]: counting the rows a filter selects reads every one of them (a filter on an
indexed `city` still visits ~5,000 rows of 100,000 to answer `totalCount`). The live-row
counters (Note [row counts] in app/metadata/ddl.py) also sum `changes`, a number that grows
with every statement that writes a row of the object. A root page's statement reads that sum
and, in the same snapshot, either reuses the count remembered at that very sum or counts
again (`CASE WHEN … THEN $known ELSE (SELECT count(*) …) END`): the count is exact either
way, and the remembered one is replaced by what the statement saw.

Entries are per process and bounded (least recently used out first); a key names the
workspace's catalog version, the object and the filter as parsed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Known:
    changes: int
    count: int


class CountCache:
    def __init__(self, max_entries: int = 4096) -> None:
        self._max = max_entries
        self._entries: OrderedDict[Hashable, Known] = OrderedDict()

    def get(self, key: Hashable) -> Known | None:
        known = self._entries.get(key)
        if known is not None:
            self._entries.move_to_end(key)
        return known

    def put(self, key: Hashable, changes: int, count: int) -> None:
        self._entries[key] = Known(changes, count)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
