"""JSON in and out, exact for every number the database can hold.

Note [exact numbers]: a NUMERIC column holds any number of digits, and JSON can write them
all; only a double in between loses them. So:

- out: a `Decimal` is written as the number PostgreSQL prints (`12345678901234567890.123`,
  never `1.2345678901234567e+19`), and an integer beyond 64 bits (which orjson refuses) is
  written in full: every value a row can hold renders, so a row that exists can always be read;
- in: a body holding a number of 16 significant digits or more (or an exponent of three
  digits) is parsed again with those numbers kept exact (integers as `int`, the others as
  `Decimal`); every other body takes orjson's fast path, whose doubles are exact up to 15
  digits.

`NaN` and `Infinity` are not JSON and are refused on the way in.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import orjson

_OPTIONS = orjson.OPT_UTC_Z
# 16 digits, possibly around a decimal point, or an exponent of 3 digits: more than a double
# keeps exactly (1e-400 would read as 0.0).
_LONG_NUMBER = re.compile(rb"\d(?:\.?\d){15}|[eE][+-]?\d{3}")


class JSONError(ValueError):
    """A body that is not JSON; the message says where."""


def _fragment(value: Decimal) -> orjson.Fragment:
    if not value.is_finite():
        raise TypeError("NaN and Infinity are not JSON")
    return orjson.Fragment(format(value, "f"))


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _fragment(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(content: Any) -> bytes:
    """`content` as JSON (UUIDs, date-times in UTC with `Z`, exact Decimals and big integers)."""
    try:
        return orjson.dumps(content, default=_default, option=_OPTIONS)
    except orjson.JSONEncodeError as exc:
        if "64-bit" not in str(exc):
            raise
        return orjson.dumps(_big_integers(content), default=_default, option=_OPTIONS)


def _big_integers(value: Any) -> Any:
    """A copy of `value` whose integers beyond 64 bits are fragments (the rare, slow path)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return orjson.Fragment(str(value)) if not -(2**63) <= value < 2**64 else value
    if isinstance(value, dict):
        return {key: _big_integers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_big_integers(item) for item in value]
    return value


def _no_constant(name: str) -> Any:
    raise JSONError(f"{name} is not JSON")


def loads(raw: bytes | str) -> Any:
    """Parse JSON, numbers exact (Note [exact numbers]); JSONError when it is not JSON."""
    data = raw.encode() if isinstance(raw, str) else raw
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "infinity when parsed as double" not in str(exc):  # 1e400: JSON, not a double
            raise JSONError(str(exc)) from None
    else:
        if _LONG_NUMBER.search(data) is None:
            return value
    try:
        return json.loads(data, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise JSONError(str(exc)) from None
