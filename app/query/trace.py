"""Statement tracing: lets a caller see every statement the engine sends, without a proxy.

The engine's fetch calls `notify` before each statement; an observer, installed for the
current task and the tasks it starts (a context variable), receives either its text
(`observe`: tests count statements per request) or its text and parameters (`observe_sent`:
bench/run.py replays them). With no observer installed the cost is one lookup.

    seen: list[str] = []
    with trace.observe(seen.append):
        await client.post("/graphql", ...)
    assert len(seen) == 1

    sent: list[trace.Sent] = []
    with trace.observe_sent(sent.append):
        await client.get("/rest/people/…")
    sent[0].params  # (UUID('…'), …)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Sent:
    """One statement as sent: its text and its bind parameters ($1, $2, … in order)."""

    sql: str
    params: tuple[Any, ...]


Observer = Callable[[str], None]
SentObserver = Callable[[Sent], None]

_observer: ContextVar[SentObserver | None] = ContextVar("crm_statement_observer", default=None)


def notify(sql: str, params: Sequence[Any] = ()) -> None:
    """Report one statement to the observer of the current context, if any."""
    observer = _observer.get()
    if observer is not None:
        observer(Sent(sql, tuple(params)))


@contextmanager
def observe_sent(callback: SentObserver) -> Iterator[None]:
    """Call `callback(Sent(sql, params))` for every statement sent within this block."""
    token = _observer.set(callback)
    try:
        yield
    finally:
        _observer.reset(token)


@contextmanager
def observe(callback: Observer) -> Iterator[None]:
    """Call `callback(sql)` for every statement sent within this block."""
    with observe_sent(lambda sent: callback(sent.sql)):
        yield
