"""Declarations of objects and fields before they exist: what a standard object asks for.

A spec names things; the workspace seeder turns specs into metadata rows (with ids) and tables.
Relations are declared once, on the many-to-one side; the seeder adds the one-to-many inverse
field on the target object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.metadata.enums import FieldType, OnDelete


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """A SELECT / MULTI_SELECT choice; ids and positions are assigned by the seeder."""

    value: str
    label: str
    color: str = "gray"


@dataclass(frozen=True, slots=True)
class RelationSpec:
    """The many-to-one side of a relation, and how its inverse is named on the target."""

    target: str  # nameSingular of the target object
    inverse_name: str  # one-to-many field added on the target, e.g. "people"
    inverse_label: str
    on_delete: OnDelete = OnDelete.SET_NULL
    inverse_icon: str | None = None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    type: FieldType
    description: str | None = None
    icon: str | None = None
    is_nullable: bool = True
    is_unique: bool = False
    is_system: bool = False
    is_ui_read_only: bool = False
    default_value: Any = None
    options: tuple[OptionSpec, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    relation: RelationSpec | None = None


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    fields: tuple[FieldSpec, ...]
    description: str | None = None
    icon: str | None = None
    is_system: bool = False
    is_searchable: bool = False
    label_identifier: str | None = "name"  # field name
    search_fields: tuple[str, ...] = ()  # fields feeding searchVector; () means no searchVector
    duplicate_criteria: tuple[tuple[str, ...], ...] = ()
    has_position: bool = True
    has_created_by: bool = True
