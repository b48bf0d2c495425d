"""Twenty's default-value notation: quoted literals and the `now` / `uuid` keywords.

Field metadata stores defaults as JSON in Twenty's convention: strings are SQL-quoted
(`"'NEW'"`, `"''"`), numbers and booleans are bare, composites are objects of such values
(`{"amountMicros": null, "currencyCode": "'USD'"}`), lists are lists of them
(`["'OPTION_1'"]`), and two bare words are functions: `now` (dates) and `uuid`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from app.errors import InvalidFieldValue
from app.metadata.field_types.kinds import ScalarKind


def unquote(raw: Any) -> Any:
    """`"'NEW'"` -> `"NEW"`; lists element-wise; bare values unchanged."""
    if isinstance(raw, str):
        if len(raw) >= 2 and raw[0] == "'" and raw[-1] == "'":
            return raw[1:-1]
        return raw
    if isinstance(raw, list):
        return [unquote(item) for item in raw]
    return raw


def default_literal(kind: ScalarKind, raw: Any) -> Any:
    """A stored default as a value of `kind`: unquoted, and for JSON columns a quoted JSON text
    (Twenty stores `"'[]'"` for an empty list) parsed."""
    value = unquote(raw)
    if kind is ScalarKind.JSON and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> date:
    return datetime.now(UTC).date()


# The keyword a kind understands, and the value it stands for at the moment of the insert.
KEYWORDS: dict[ScalarKind, tuple[str, Callable[[], Any]]] = {
    ScalarKind.DATE_TIME: ("now", _now),
    ScalarKind.DATE: ("now", _today),
    ScalarKind.UUID: ("uuid", uuid4),
}


def keyword_value(kind: ScalarKind, value: Any) -> tuple[bool, Any]:
    """(True, fresh value) when `value` is the keyword `kind` understands, else (False, None)."""
    entry = KEYWORDS.get(kind)
    if entry is not None and value == entry[0]:
        return True, entry[1]()
    return False, None


def invalid_default(field_name: str, error: InvalidFieldValue) -> InvalidFieldValue:
    """Re-word a value error raised while reading a field's stored default."""
    detail = error.context.get("detail", error.message)
    return InvalidFieldValue(
        f"Invalid default value for field '{field_name}': {detail}",
        field=field_name,
        detail=detail,
    )
