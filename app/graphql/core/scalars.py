"""The custom scalars of the core schema, named as Twenty names them.

    scalar UUID            a UUID as a string
    scalar DateTime        an ISO 8601 date-time string ("2024-01-01T00:00:00.000Z")
    scalar Date            "YYYY-MM-DD"
    scalar BigFloat        a NUMERIC value: a number out, a number or numeric string in
    scalar RawJSONScalar   any JSON value, passed through
    scalar TSVector        a search vector, as PostgreSQL prints it
    scalar Cursor          an opaque page cursor

Inputs are checked for form only; the engine coerces them by field type and reports a bad
value with the field's name.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from graphql import (
    FloatValueNode,
    GraphQLError,
    GraphQLScalarType,
    IntValueNode,
    StringValueNode,
    ValueNode,
)

_NUMERIC_TEXT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")


def _passthrough(value: Any) -> Any:
    return value


def _string(name: str) -> Any:
    def coerce(value: Any) -> str:
        if not isinstance(value, str):
            raise GraphQLError(f"{name} must be a string")
        return value

    return coerce


def _uuid(value: Any) -> str:
    if not isinstance(value, str):
        raise GraphQLError("UUID must be a string")
    try:
        return str(UUID(value))
    except ValueError:
        raise GraphQLError(f"Invalid UUID: '{value}'") from None


def _date_time(value: Any) -> str:
    if not isinstance(value, str):
        raise GraphQLError("DateTime must be an ISO 8601 string")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise GraphQLError(f"Invalid DateTime: '{value}'") from None
    return value


def _date(value: Any) -> str:
    if not isinstance(value, str):
        raise GraphQLError("Date must be a 'YYYY-MM-DD' string")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise GraphQLError(f"Invalid Date: '{value}'") from None
    return value


def _big_float_in(value: Any) -> Any:
    if isinstance(value, bool):
        raise GraphQLError("BigFloat must be a number")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        return value
    raise GraphQLError(f"Invalid BigFloat: {value!r}")


def _big_float_literal(node: ValueNode) -> Any:
    """A literal's digits as written: `12345678901234567890.123` stays exact (never a double)."""
    if isinstance(node, IntValueNode | FloatValueNode):
        return Decimal(node.value)
    if isinstance(node, StringValueNode):
        return _big_float_in(node.value)
    raise GraphQLError("BigFloat must be a number or a numeric string")


def _big_float_out(value: Any) -> Any:
    """Decimals go out as they are: the encoder writes them exactly (Note [exact numbers])."""
    return value


UUIDScalar = GraphQLScalarType(
    "UUID",
    description="A UUID",
    coerce_output_value=str,
    coerce_input_value=_uuid,
)
DateTimeScalar = GraphQLScalarType(
    "DateTime",
    description="A date-time string in ISO 8601 format",
    coerce_output_value=_passthrough,
    coerce_input_value=_date_time,
)
DateScalar = GraphQLScalarType(
    "Date",
    description="A date string, YYYY-MM-DD",
    coerce_output_value=_passthrough,
    coerce_input_value=_date,
)
BigFloatScalar = GraphQLScalarType(
    "BigFloat",
    description="A custom scalar type for representing big floating point numbers",
    coerce_output_value=_big_float_out,
    coerce_input_value=_big_float_in,
    coerce_input_literal=_big_float_literal,
)
RawJSONScalar = GraphQLScalarType(
    "RawJSONScalar",
    description="Any JSON value",
    coerce_output_value=_passthrough,
    coerce_input_value=_passthrough,
)
TSVectorScalar = GraphQLScalarType(
    "TSVector",
    description="A custom scalar type for PostgreSQL tsvector fields",
    coerce_output_value=_passthrough,
    coerce_input_value=_string("TSVector"),
)
CursorScalar = GraphQLScalarType(
    "Cursor",
    description="A custom scalar that represents a cursor for pagination",
    coerce_output_value=_passthrough,
    coerce_input_value=_string("Cursor"),
)
