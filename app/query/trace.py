"""Statement tracing: lets a caller see every statement the engine sends, without a proxy.

The engine's fetch calls `notify` before each statement; `observe` installs a callback for the
current task and the tasks it starts (a context variable), so tests can count statements per
request and a profiler can log them. With no observer installed the cost is one lookup.

    seen: list[str] = []
    with trace.observe(seen.append):
        await client.post("/graphql", ...)
    assert len(seen) == 2
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Observer = Callable[[str], None]

_observer: ContextVar[Observer | None] = ContextVar("crm_statement_observer", default=None)


def notify(sql: str) -> None:
    """Report one statement (its text) to the observer of the current context, if any."""
    observer = _observer.get()
    if observer is not None:
        observer(sql)


@contextmanager
def observe(callback: Observer) -> Iterator[None]:
    """Call `callback(sql)` for every statement sent within this block."""
    token = _observer.set(callback)
    try:
        yield
    finally:
        _observer.reset(token)
