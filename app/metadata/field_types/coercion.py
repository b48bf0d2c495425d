"""Validation and coercion of one API value (JSON-decoded, or a filter literal) into one column.

Writes and filters share `coerce_scalar`; filters add the string forms a REST query carries
(`"true"`, `"100"`) through `coerce_filter_scalar`. Every failure is an `InvalidFieldValue`
whose message names the field: "Invalid value for field 'employees': expected a number, got 'abc'".

Note [value ranges]: a value is checked against what its column can hold before anything is
written, so a row that exists can always be read back, aggregated and rendered:

- FLOAT (NUMBER, POSITION): a finite double within ±FLOAT_MAX (1e400 or NaN is refused, not
  stored as Infinity; 1e308 is refused too: two of them would sum beyond any double, and a
  sum must render as GraphQL's Float);
- NUMERIC: at most NUMERIC_MAX_INTEGER_DIGITS digits before the point and NUMERIC_MAX_SCALE
  after it (PostgreSQL's own bounds are 131072 and 16383: ours keep one value's text small);
- text and JSON: no NUL character (PostgreSQL stores none); JSON nested at most
  JSON_MAX_DEPTH deep (deeper documents exhaust the server's stack, here or in PostgreSQL).

A CURRENCY's `amountMicros` is further a whole number in BIGINT's range (composite_types.py).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn
from uuid import UUID

from app.errors import InvalidFieldValue, did_you_mean
from app.metadata.field_types.kinds import ScalarKind

# PostgreSQL's numeric input syntax (surrounding blanks are stripped first).
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SHOWN_CHARS = 60
_SHOWN_OPTIONS = 20
NUMERIC_MAX_INTEGER_DIGITS = 1000
NUMERIC_MAX_SCALE = 1000
JSON_MAX_DEPTH = 64
FLOAT_MAX = 1e300


def describe(value: Any) -> str:
    """A short, JSON-flavoured rendering of a bad value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= _SHOWN_CHARS else value[: _SHOWN_CHARS - 3] + "..."
        return f"'{shown}'"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def invalid_value(field_name: str, detail: str, *, hint: str | None = None) -> InvalidFieldValue:
    return InvalidFieldValue(
        f"Invalid value for field '{field_name}': {detail}",
        hint=hint,
        field=field_name,
        detail=detail,
    )


def _fail(field_name: str, expected: str, value: Any) -> NoReturn:
    raise invalid_value(field_name, f"expected {expected}, got {describe(value)}")


def _options_text(allowed: tuple[str, ...]) -> str:
    if not allowed:
        return "the field has no options"
    shown = ", ".join(allowed[:_SHOWN_OPTIONS])
    more = ", ..." if len(allowed) > _SHOWN_OPTIONS else ""
    return f"expected one of {shown}{more}"


def check_option(value: str, allowed: tuple[str, ...], field_name: str, *, filtering: bool) -> str:
    """An option value, or an error in Twenty's words (they differ between writes and filters)."""
    if value in allowed:
        return value
    if filtering:
        detail = f"enum value '{value}' not available in '{field_name}'"
    else:
        detail = f'invalid input value for enum: "{value}"'
    raise invalid_value(
        field_name, f"{detail} ({_options_text(allowed)})", hint=did_you_mean(value, allowed)
    )


def _text(value: Any, field_name: str) -> str:
    if not isinstance(value, str):
        _fail(field_name, "text", value)
    if "\x00" in value:
        raise invalid_value(field_name, "text cannot contain NUL characters")
    return value


def _coerce_text(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    text = _text(value, field_name)
    if allowed is not None:
        check_option(text, allowed, field_name, filtering=False)
    return text


def _coerce_uuid(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    _fail(field_name, "a UUID", value)


def _coerce_float(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    # bool is an int in Python; `true` is not a number in JSON.
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            if abs(number) > FLOAT_MAX:
                raise invalid_value(
                    field_name, f"expected a number between -{FLOAT_MAX:g} and {FLOAT_MAX:g}"
                )
            return number
    _fail(field_name, "a number", value)


def _coerce_numeric(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    """Numbers or numeric strings, as Twenty's BigFloat does; '' means null."""
    if isinstance(value, bool):
        _fail(field_name, "a number", value)
    number: Decimal | None = None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if math.isfinite(value):
            number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if value.is_finite():
            number = value
    elif isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if _NUMBER_TEXT.fullmatch(text):
            with contextlib.suppress(InvalidOperation):
                number = Decimal(text)
    if number is None:
        _fail(field_name, "a number", value)
    return _numeric_in_range(number, field_name)


def _numeric_in_range(number: Decimal, field_name: str) -> Decimal:
    """Note [value ranges]: counted from the exponent, never by writing the digits out."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    integer_digits = max(number.adjusted() + 1, 1) if number else 1
    if integer_digits > NUMERIC_MAX_INTEGER_DIGITS:
        raise invalid_value(
            field_name,
            f"a number may have at most {NUMERIC_MAX_INTEGER_DIGITS} digits before the "
            f"decimal point, got one of {integer_digits}",
        )
    if -exponent > NUMERIC_MAX_SCALE:
        raise invalid_value(
            field_name,
            f"a number may have at most {NUMERIC_MAX_SCALE} digits after the decimal point, "
            f"got {-exponent}",
        )
    return number


def _coerce_boolean(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    if isinstance(value, bool):
        return value
    _fail(field_name, "true or false", value)


def _coerce_date(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            pass
    _fail(field_name, "a date (YYYY-MM-DD)", value)


def _coerce_date_time(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # JavaScript's `new Date(number)`: milliseconds since the epoch.
        try:
            moment = datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            moment = None
    if moment is None:
        _fail(field_name, "an ISO 8601 date-time", value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_JSON_TYPES = (dict, list, str, int, float, bool, Decimal)


def _coerce_json(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    if not isinstance(value, _JSON_TYPES):
        _fail(field_name, "a JSON value", value)
    check_json(value, field_name)
    return value


def check_json(value: Any, field_name: str) -> None:
    """Note [value ranges] for JSON: depth, NUL characters and finite numbers, in one pass
    that never recurses (a hostile document is deep)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise invalid_value(
                    field_name, f"JSON may be nested at most {JSON_MAX_DEPTH} levels deep"
                )
            if isinstance(item, dict):
                for key, child in item.items():
                    if "\x00" in key:
                        raise invalid_value(field_name, "keys cannot contain NUL characters")
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise invalid_value(field_name, "text cannot contain NUL characters")
        elif isinstance(item, float | Decimal) and not math.isfinite(item):
            raise invalid_value(field_name, "JSON numbers must be finite")


def _coerce_text_array(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    if not isinstance(value, list | tuple):
        _fail(field_name, "a list of strings", value)
    return [_text(item, field_name) for item in value]


def _coerce_select(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    if not isinstance(value, str):
        _fail(field_name, "an option value", value)
    if allowed is not None:
        check_option(value, allowed, field_name, filtering=False)
    return value


def _coerce_multi_select(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    if not isinstance(value, list | tuple):
        _fail(field_name, "a list of option values", value)
    seen: set[str] = set()
    for item in value:
        _coerce_select(item, field_name, allowed)
        if item in seen:
            raise invalid_value(field_name, f"option '{item}' is listed twice")
        seen.add(item)
    return list(value)


def _coerce_ts_vector(value: Any, field_name: str, allowed: tuple[str, ...] | None) -> Any:
    return _text(value, field_name)


_Coercer = Callable[[Any, str, tuple[str, ...] | None], Any]

_COERCERS: dict[ScalarKind, _Coercer] = {
    ScalarKind.TEXT: _coerce_text,
    ScalarKind.UUID: _coerce_uuid,
    ScalarKind.FLOAT: _coerce_float,
    ScalarKind.NUMERIC: _coerce_numeric,
    ScalarKind.BOOLEAN: _coerce_boolean,
    ScalarKind.DATE: _coerce_date,
    ScalarKind.DATE_TIME: _coerce_date_time,
    ScalarKind.JSON: _coerce_json,
    ScalarKind.TEXT_ARRAY: _coerce_text_array,
    ScalarKind.SELECT: _coerce_select,
    ScalarKind.MULTI_SELECT: _coerce_multi_select,
    ScalarKind.TS_VECTOR: _coerce_ts_vector,
}


def coerce_scalar(
    kind: ScalarKind, value: Any, *, field_name: str, allowed: tuple[str, ...] | None = None
) -> Any:
    """A JSON value -> the Python value asyncpg writes into a column of `kind`; None stays None.

    `allowed` restricts TEXT, SELECT and MULTI_SELECT values to a set of options.
    """
    if value is None:
        return None
    return _COERCERS[kind](value, field_name, allowed)


# A filter on an array column compares elements: `tags[containsAny]:[a,b]`.
_ELEMENT_KIND = {ScalarKind.TEXT_ARRAY: ScalarKind.TEXT, ScalarKind.MULTI_SELECT: ScalarKind.SELECT}


def coerce_filter_scalar(
    kind: ScalarKind, value: Any, *, field_name: str, allowed: tuple[str, ...] | None = None
) -> Any:
    """A filter literal -> the Python value to compare a column of `kind` with.

    A list (for `in`, `containsAny`) is coerced element by element. Array columns take their
    elements' kind. JSON columns take the literal as is (`secondaryLinks[like]:"%x%"`).
    """
    if kind is ScalarKind.JSON:
        return value
    element_kind = _ELEMENT_KIND.get(kind, kind)
    if isinstance(value, list | tuple):
        return [_coerce_filter_one(element_kind, item, field_name, allowed) for item in value]
    return _coerce_filter_one(element_kind, value, field_name, allowed)


def _coerce_filter_one(
    kind: ScalarKind, value: Any, field_name: str, allowed: tuple[str, ...] | None
) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        if kind is ScalarKind.BOOLEAN:
            return _boolean_text(value, field_name)
        if kind is ScalarKind.FLOAT:
            return _float_text(value, field_name)
    if allowed is not None and kind in (ScalarKind.SELECT, ScalarKind.TEXT):
        if not isinstance(value, str):
            _fail(field_name, "an option value", value)
        return check_option(value, allowed, field_name, filtering=True)
    return coerce_scalar(kind, value, field_name=field_name)


def _boolean_text(value: str, field_name: str) -> bool:
    lowered = value.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    _fail(field_name, "true or false", value)


def _float_text(value: str, field_name: str) -> float:
    text = value.strip()
    if _NUMBER_TEXT.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    _fail(field_name, "a number", value)
