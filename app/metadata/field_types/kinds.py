"""Physical column kinds, and how a value read from one column becomes a JSON-ready value.

Note [API value shapes]: what `dump_scalar` (and so every `from_db`) hands to the API layers.

- UUID          -> str
- DATE          -> "YYYY-MM-DD"
- DATE_TIME     -> UTC with milliseconds and "Z", as JavaScript's `toISOString()` writes it:
                   "2024-01-01T00:00:00.000Z" (a naive datetime is taken to be UTC)
- NUMERIC       -> Decimal, exactly as stored: app.encoding writes it digit for digit
                   (Note [exact numbers]); a double would lose digits past the 15th
- FLOAT         -> int when integral (below 1e21), else float: JSON text then matches what
                   Twenty's JavaScript prints (`100`, not `100.0`)
- JSON          -> the Python object as stored (the engine registers a jsonb codec)
- TEXT_ARRAY, MULTI_SELECT -> list[str]
- everything else (TEXT, SELECT, BOOLEAN, TS_VECTOR) -> as read
- NULL          -> None, for every kind
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class ScalarKind(StrEnum):
    """The type of one physical column."""

    TEXT = "TEXT"
    UUID = "UUID"
    FLOAT = "FLOAT"
    NUMERIC = "NUMERIC"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    DATE_TIME = "DATE_TIME"
    JSON = "JSON"
    TEXT_ARRAY = "TEXT_ARRAY"
    SELECT = "SELECT"  # text holding one option value; DDL adds a CHECK
    MULTI_SELECT = "MULTI_SELECT"  # text[] of option values; DDL adds a CHECK
    TS_VECTOR = "TS_VECTOR"

    @property
    def sql_type(self) -> str:
        """The PostgreSQL type of a column of this kind."""
        return _SQL_TYPES[self]


_SQL_TYPES: dict[ScalarKind, str] = {
    ScalarKind.TEXT: "text",
    ScalarKind.UUID: "uuid",
    ScalarKind.FLOAT: "double precision",
    ScalarKind.NUMERIC: "numeric",
    ScalarKind.BOOLEAN: "boolean",
    ScalarKind.DATE: "date",
    ScalarKind.DATE_TIME: "timestamptz",
    ScalarKind.JSON: "jsonb",
    ScalarKind.TEXT_ARRAY: "text[]",
    ScalarKind.SELECT: "text",
    ScalarKind.MULTI_SELECT: "text[]",
    ScalarKind.TS_VECTOR: "tsvector",
}

Dumper = Callable[[Any], Any]

# JavaScript prints every float below this magnitude without an exponent.
_JS_PLAIN_LIMIT = 1e21


def _as_is(value: Any) -> Any:
    return value


def _dump_uuid(value: Any) -> str:
    return str(value)


def _dump_float(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < _JS_PLAIN_LIMIT:
        return int(value)
    return value


def _dump_numeric(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return _dump_float(value)


def _dump_date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _dump_date_time(value: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.utcoffset():
        value = value.astimezone(UTC)
    # isoformat() ends with "+00:00" here; JavaScript writes "Z".
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"


def _dump_list(value: Any) -> Any:
    return value if type(value) is list else list(value)


DUMPERS: dict[ScalarKind, Dumper] = {
    ScalarKind.TEXT: _as_is,
    ScalarKind.UUID: _dump_uuid,
    ScalarKind.FLOAT: _dump_float,
    ScalarKind.NUMERIC: _dump_numeric,
    ScalarKind.BOOLEAN: _as_is,
    ScalarKind.DATE: _dump_date,
    ScalarKind.DATE_TIME: _dump_date_time,
    ScalarKind.JSON: _as_is,
    ScalarKind.TEXT_ARRAY: _dump_list,
    ScalarKind.SELECT: _as_is,
    ScalarKind.MULTI_SELECT: _dump_list,
    ScalarKind.TS_VECTOR: _as_is,
}


# Note [JSON built in PostgreSQL]: reads answer with JSON that PostgreSQL builds
# (app/query/json_sql.py); `json_sql` is each kind's expression for it, so that the API shapes
# above are written here once for both paths. NUMERIC comes out as PostgreSQL prints it, as
# `dump_scalar`'s Decimal does (Note [exact numbers] in app/encoding.py); FLOAT as PostgreSQL's
# shortest round-trip text, which parses to the value `dump_scalar` gives.
_DATE_TIME_FORMAT = """'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"""
_JSON_SQL: dict[ScalarKind, Callable[[str], str]] = {
    ScalarKind.DATE_TIME: lambda c: f"to_char({c} AT TIME ZONE 'UTC', {_DATE_TIME_FORMAT})",
    ScalarKind.TS_VECTOR: lambda c: f"{c}::text",
}


def json_sql(kind: ScalarKind, column: str) -> str:
    """SQL for the API value of `column` (an SQL expression of this kind), for PostgreSQL's
    JSON builders (Note [JSON built in PostgreSQL])."""
    render = _JSON_SQL.get(kind)
    return column if render is None else render(column)


def dump_scalar(kind: ScalarKind, value: Any) -> Any:
    """A column value as read from PostgreSQL -> its JSON-ready API value (see the note above)."""
    if value is None:
        return None
    return DUMPERS[kind](value)
