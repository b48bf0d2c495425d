"""The scalars of the metadata schema, named as Twenty names them.

    scalar UUID               (Strawberry's; upper case accepted)
    scalar DateTime           "2024-01-01T00:00:00.000Z", as JavaScript's toISOString()
    scalar JSON               any JSON value
    scalar ConnectionCursor   an opaque page cursor (base64 of {"id": …})

`SCALARS` is the schema's `scalar_map`: the NewTypes below are what resolvers hand over.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NewType, TypeAlias

import strawberry
import strawberry.scalars
from strawberry.types.scalar import ScalarDefinition

from app.metadata.field_types import ScalarKind, dump_scalar

__all__ = ["JSON", "SCALARS", "ConnectionCursor", "DateTime", "moment"]

DateTime = NewType("DateTime", datetime)
ConnectionCursor = NewType("ConnectionCursor", str)

if TYPE_CHECKING:
    JSON: TypeAlias = Any
else:
    JSON = strawberry.scalars.JSON


def moment(value: datetime | None) -> DateTime:
    """A stored timestamp (always set once a row exists) as the DateTime scalar."""
    assert value is not None, "metadata rows have timestamps"
    return DateTime(value)


def _serialize_moment(value: Any) -> Any:
    return dump_scalar(ScalarKind.DATE_TIME, value)


def _parse_moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be a string")
    return datetime.fromisoformat(value)


SCALARS: dict[object, ScalarDefinition] = {
    DateTime: strawberry.scalar(
        name="DateTime",
        description="A date-time string at UTC, such as 2007-12-03T10:15:30.000Z",
        serialize=_serialize_moment,
        parse_value=_parse_moment,
    ),
    ConnectionCursor: strawberry.scalar(
        name="ConnectionCursor",
        description="Cursor for paging through collections",
        serialize=str,
        parse_value=str,
    ),
}
