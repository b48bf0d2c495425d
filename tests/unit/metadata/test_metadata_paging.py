"""Metadata pages: id descending, cursors are ids, stable totals (app.metadata.paging)."""

from __future__ import annotations

from uuid import UUID

from app.metadata.paging import PageRequest, paginate

IDS = [UUID(int=i) for i in range(1, 8)]


def ids(request: PageRequest) -> tuple[list[int], bool, bool, int]:
    page = paginate(IDS, request, key=lambda item: item)
    return [i.int for i in page.items], page.has_next_page, page.has_previous_page, page.total


def test_first_page_is_the_highest_ids() -> None:
    assert ids(PageRequest(limit=3)) == ([7, 6, 5], True, False, 7)


def test_after_and_before_cut_by_id() -> None:
    assert ids(PageRequest(limit=3, after=UUID(int=5))) == ([4, 3, 2], True, True, 7)
    assert ids(PageRequest(limit=3, after=UUID(int=2))) == ([1], False, True, 7)
    assert ids(PageRequest(limit=2, before=UUID(int=4))) == ([6, 5], True, True, 7)
    assert ids(PageRequest(limit=5, before=UUID(int=4))) == ([7, 6, 5], True, False, 7)


def test_start_and_end_are_the_page_ends() -> None:
    page = paginate(IDS, PageRequest(limit=2), key=lambda item: item)
    assert (page.start, page.end) == (UUID(int=7), UUID(int=6))
    empty = paginate([], PageRequest(limit=2), key=lambda item: item)
    assert (empty.start, empty.end, empty.total) == (None, None, 0)
