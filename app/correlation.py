"""The request id: one per request, sent back as `X-Request-Id` and written in every log line
about the request, so a client's report of a 500 finds its traceback."""

from __future__ import annotations

import secrets
from contextvars import ContextVar

HEADER = "X-Request-Id"
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def new() -> str:
    """A fresh id, current for the rest of the request (set in the request's own context)."""
    value = secrets.token_hex(8)
    _current.set(value)
    return value


def current() -> str | None:
    return _current.get()
