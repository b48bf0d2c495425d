"""A bounded memo keyed by the identities of long-lived objects (a catalog snapshot, a role's
access, a parsed document) plus plain keys: for values computed from objects whose equality
would cost more to hash than the value costs to keep.

The memo refers to those objects weakly: an entry never keeps an old catalog snapshot (and
everything it holds) alive after a metadata change replaced it; the entry only stops
matching, and the LRU bound drops it in time."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# The largest plain key (a query string, a query's variables as JSON) whose value is kept: a
# repeated request is small; a large one is rare enough to compute every time.
MAX_KEPT_KEY = 4096


class Memo:
    """A bounded memo of values computed from objects that live as long as a catalog snapshot
    (a schema, a document, an access), found by their identities plus plain keys.

    Each entry keeps weak references to its objects and is used only while they still point
    at the objects asked for, so an identity reused after an object is gone can never return
    another object's value."""

    def __init__(self, *, max_entries: int = 2048) -> None:
        self._max = max_entries
        self._entries: OrderedDict[tuple[Any, ...], tuple[tuple[weakref.ref[Any], ...], Any]] = (
            OrderedDict()
        )

    def get(
        self,
        objects: tuple[object, ...],
        keys: tuple[Any, ...],
        compute: Callable[[], T],
        *,
        keep: bool = True,
    ) -> T:
        """The value for (objects, keys); with `keep` false (a caller's key too large to hold:
        a client could otherwise fill memory with distinct large keys), computed, not kept."""
        if not keep:
            return compute()
        key = (*map(id, objects), *keys)
        entry = self._entries.get(key)
        if entry is not None and all(r() is o for r, o in zip(entry[0], objects, strict=True)):
            self._entries.move_to_end(key)
            value: T = entry[1]
            return value
        value = compute()
        self._entries[key] = (tuple(map(weakref.ref, objects)), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return value
