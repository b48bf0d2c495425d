"""Pages of metadata entities, as Twenty cuts them: ordered by id descending, cursors are ids.

    page = paginate(model.objects, PageRequest(limit=2, after=None, before=None))

`after` keeps ids below the cursor, `before` ids above it (read backwards, then put back in
order). `total` counts every item, whatever the cursor, so it is stable across pages. The
transports turn `start`/`end` into their cursors (REST: the id; GraphQL: base64 JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int
    after: UUID | None = None
    before: UUID | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next_page: bool
    has_previous_page: bool
    total: int
    start: UUID | None
    end: UUID | None


def paginate(items: Sequence[T], request: PageRequest, *, key: Callable[[T], UUID]) -> Page[T]:
    backward = request.before is not None
    after = str(request.after) if request.after is not None else None
    before = str(request.before) if request.before is not None else None
    kept = [
        item
        for item in items
        if (after is None or str(key(item)) < after) and (before is None or str(key(item)) > before)
    ]
    kept.sort(key=lambda item: str(key(item)), reverse=not backward)
    more = len(kept) > request.limit
    window = kept[: request.limit]
    if backward:
        window.reverse()
    return Page(
        items=window,
        has_next_page=request.before is not None if backward else more,
        has_previous_page=more if backward else request.after is not None,
        total=len(items),
        start=key(window[0]) if window else None,
        end=key(window[-1]) if window else None,
    )
