"""app.memo.Memo: values found by the identity of live objects, never keeping them alive."""

from __future__ import annotations

import gc
import weakref

from app.memo import Memo


class Snapshot:
    """Stands for a catalog snapshot: compared by identity only."""


def test_a_value_is_computed_once_per_objects_and_keys() -> None:
    memo, calls = Memo(), []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    first, second = Snapshot(), Snapshot()
    assert memo.get((first,), ("q",), compute) == 1
    assert memo.get((first,), ("q",), compute) == 1
    assert memo.get((first,), ("other",), compute) == 2
    assert memo.get((second,), ("q",), compute) == 3
    assert len(calls) == 3


def test_an_entry_neither_keeps_its_objects_alive_nor_matches_a_new_one_at_their_address() -> None:
    memo = Memo()
    old = Snapshot()
    gone = weakref.ref(old)
    assert memo.get((old,), (), lambda: "old") == "old"
    del old
    gc.collect()
    assert gone() is None  # the memo did not keep the snapshot
    # Whatever object comes next (even at the same address) gets its own value.
    assert memo.get((Snapshot(),), (), lambda: "new") == "new"


def test_the_least_recently_used_entry_goes_first() -> None:
    memo = Memo(max_entries=2)
    snapshot = Snapshot()
    memo.get((snapshot,), ("a",), lambda: "a")
    memo.get((snapshot,), ("b",), lambda: "b")
    memo.get((snapshot,), ("a",), lambda: "a again")  # a used: b is now the oldest
    memo.get((snapshot,), ("c",), lambda: "c")
    assert memo.get((snapshot,), ("a",), lambda: "recomputed") == "a"
    assert memo.get((snapshot,), ("b",), lambda: "recomputed") == "recomputed"


def test_a_value_not_to_keep_is_computed_every_time_and_stored_nowhere() -> None:
    memo, calls = Memo(max_entries=4), []
    snapshot = Snapshot()

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert memo.get((snapshot,), ("x" * 10_000,), compute, keep=False) == 1
    assert memo.get((snapshot,), ("x" * 10_000,), compute, keep=False) == 2
    assert memo.get((snapshot,), ("x" * 10_000,), compute) == 3  # kept from now on
    assert memo.get((snapshot,), ("x" * 10_000,), compute) == 3
