"""Statement observers: text only, or text with parameters, scoped to a context (no database)."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from app.query import trace


def test_sent_observer_receives_text_and_parameters() -> None:
    record_id = uuid4()
    sent: list[trace.Sent] = []
    with trace.observe_sent(sent.append):
        trace.notify("SELECT $1::uuid", [record_id])
        trace.notify("SELECT 1")
    assert sent == [
        trace.Sent("SELECT $1::uuid", (record_id,)),
        trace.Sent("SELECT 1", ()),
    ]


def test_text_observer_still_receives_only_the_text() -> None:
    seen: list[str] = []
    with trace.observe(seen.append):
        trace.notify("SELECT $1::int", (7,))
    assert seen == ["SELECT $1::int"]


def test_observers_end_with_their_block_and_nest() -> None:
    outer: list[str] = []
    inner: list[trace.Sent] = []
    with trace.observe(outer.append):
        with trace.observe_sent(inner.append):
            trace.notify("SELECT 2", (2,))
        trace.notify("SELECT 1")
    trace.notify("SELECT 0")
    assert outer == ["SELECT 1"]
    assert inner == [trace.Sent("SELECT 2", (2,))]


async def test_tasks_started_within_the_block_are_observed_and_others_are_not() -> None:
    sent: list[trace.Sent] = []
    release = asyncio.Event()

    async def elsewhere() -> None:
        await release.wait()
        trace.notify("SELECT 'other task'")

    other = asyncio.create_task(elsewhere())  # started outside: its context has no observer
    with trace.observe_sent(sent.append):

        async def child() -> None:
            trace.notify("SELECT 'child'", ("x",))

        await asyncio.create_task(child())
        release.set()
        await other
    assert sent == [trace.Sent("SELECT 'child'", ("x",))]
