"""What a generated schema element stands for in the data model, kept on the element itself.

The builders store a `Role` in `extensions["crm"]` of every generated output field (and a
`Kind.OPERATORS` marker on operator input types). The selection walker and the argument
translator read it back, so neither parses names: `companyId` is a `JOIN` of the field
`company`, `countEmptyName` an `AGGREGATE` with key `countEmptyName`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.metadata.model import FieldMeta, ObjectMeta

EXTENSION = "crm"


class Kind(StrEnum):
    VALUE = "VALUE"  # a field stored in the record's own columns
    JOIN = "JOIN"  # the join column of a many-to-one field (`companyId`)
    TO_ONE = "TO_ONE"  # a many-to-one relation, as a record
    TO_MANY = "TO_MANY"  # a one-to-many relation, as a connection
    EDGES = "EDGES"
    NODE = "NODE"
    CURSOR = "CURSOR"
    PAGE_INFO = "PAGE_INFO"
    AGGREGATE = "AGGREGATE"
    DIMENSIONS = "DIMENSIONS"  # groupByDimensionValues
    FIND_MANY = "FIND_MANY"  # a root connection of an object's records (`people`)
    FIND_ONE = "FIND_ONE"  # a root record found by filter (`person`)
    OPERATORS = "OPERATORS"  # an input type whose fields are comparison operators


@dataclass(frozen=True, slots=True)
class Role:
    kind: Kind
    field: FieldMeta | None = None
    key: str | None = None  # the aggregate key
    obj: ObjectMeta | None = None  # the object of a root read

    def extensions(self) -> dict[str, Any]:
        return {EXTENSION: self}


def role_of(element: Any) -> Role | None:
    """The role stored on a GraphQL field or type, if any."""
    extensions = getattr(element, "extensions", None) or {}
    role = extensions.get(EXTENSION)
    return role if isinstance(role, Role) else None


OPERATORS = Role(Kind.OPERATORS)
