"""The contract every field type meets: its columns, its sub-fields, and its four conversions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.metadata.enums import FieldType
from app.metadata.field_types.kinds import ScalarKind, json_sql
from app.metadata.model import FieldMeta


@dataclass(frozen=True, slots=True)
class Column:
    """One physical column a field owns."""

    name: str  # "name" (TEXT), "nameFirstName" (FULL_NAME.firstName), "companyId" (MANY_TO_ONE)
    kind: ScalarKind
    sub_field: str | None  # "firstName" for composites, None for scalars
    # SELECT / MULTI_SELECT / RATING / ACTOR.source option values; the DDL adds a CHECK from it.
    allowed_values: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class SubField:
    """One part of a composite type, as the API names it."""

    name: str
    kind: ScalarKind


def quote(name: str) -> str:
    """A column name as an SQL identifier (names come from validated metadata)."""
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=8192)
def column_name(field_name: str, sub_field: str) -> str:
    """Twenty's flattening rule: `name` + `firstName` -> `nameFirstName`."""
    return f"{field_name}{sub_field[0].upper()}{sub_field[1:]}"


class TypeHandler(ABC):
    """How one FieldType is stored and exchanged. One instance per type, shared by all fields.

    `to_db` and `create_defaults` return {column name: Python value ready for asyncpg};
    `from_db` reads a row keyed by column name and returns the JSON-ready API value
    (Note [API value shapes] in kinds.py). Bad input raises InvalidFieldValue naming the field.
    """

    type: FieldType
    sub_fields: tuple[SubField, ...] = ()
    is_composite: bool = False

    @abstractmethod
    def columns(self, field: FieldMeta) -> tuple[Column, ...]:
        """The physical columns, in sub-field order; () when the field owns none."""

    @abstractmethod
    def to_db(self, field: FieldMeta, value: Any) -> dict[str, Any]:
        """Validate and coerce an API value into the column values it sets."""

    @abstractmethod
    def from_db(self, field: FieldMeta, row: Mapping[str, Any]) -> Any:
        """The API value of `field` in `row`; missing columns read as NULL."""

    def value_sql(self, field: FieldMeta, alias: str, sub_field: str | None = None) -> str:
        """SQL for the API value of `field` (or of one composite sub-field) in the row of
        `alias`, for PostgreSQL's JSON builders: `from_db`'s shapes, built in the database
        (Note [JSON built in PostgreSQL] in kinds.py)."""
        columns = self.columns(field)
        if not columns:
            return "NULL"
        column = columns[0]
        return json_sql(column.kind, f"{alias}.{quote(column.name)}")

    @abstractmethod
    def create_defaults(self, field: FieldMeta) -> dict[str, Any]:
        """The column values a create uses when the client leaves the field out."""

    @abstractmethod
    def coerce_filter_value(self, field: FieldMeta, sub_field: str | None, value: Any) -> Any:
        """A filter literal -> the Python value compared with the column (lists element-wise)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.type}>"
