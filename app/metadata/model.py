"""Frozen descriptions of a workspace's objects and fields, as the metadata store holds them.

These are the values every other layer reads: the DDL builder, the field-type registry, the
catalog and the query planner. They never change once built; a metadata change builds new ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from app.metadata.enums import FieldType, OnDelete, RelationType


@dataclass(frozen=True, slots=True)
class FieldOption:
    """One choice of a SELECT, MULTI_SELECT or RATING field."""

    id: str
    label: str
    value: str
    color: str
    position: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "value": self.value,
            "color": self.color,
            "position": self.position,
        }


@dataclass(frozen=True, slots=True)
class FieldMeta:
    """One field of one object."""

    id: UUID
    object_id: UUID
    name: str
    label: str
    type: FieldType
    description: str | None = None
    icon: str | None = None
    is_custom: bool = False
    is_active: bool = True
    is_system: bool = False
    is_nullable: bool = True
    is_unique: bool = False
    is_ui_read_only: bool = False
    is_indexed: bool = False  # ours: sort indexes on the field (Note [sort indexes] in ddl.py)
    default_value: Any = None
    options: tuple[FieldOption, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    relation_type: RelationType | None = None
    relation_target_object_id: UUID | None = None
    relation_target_field_id: UUID | None = None
    on_delete: OnDelete | None = None
    is_label_synced_with_name: bool = False
    created_at: datetime | None = None  # set by the database; None before the row exists
    updated_at: datetime | None = None

    @property
    def join_column(self) -> str | None:
        """The FK column a MANY_TO_ONE relation owns (`companyId`); None for anything else."""
        if self.type is FieldType.RELATION and self.relation_type is RelationType.MANY_TO_ONE:
            return f"{self.name}Id"
        return None

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True, slots=True, weakref_slot=True)  # app.memo refers to it weakly
class ObjectMeta:
    """One object (a table) of a workspace, with its fields in declaration order."""

    id: UUID
    workspace_id: UUID
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    fields: tuple[FieldMeta, ...]
    description: str | None = None
    icon: str | None = None
    is_custom: bool = False
    is_active: bool = True
    is_system: bool = False
    is_searchable: bool = False
    label_identifier_field_id: UUID | None = None
    image_identifier_field_id: UUID | None = None
    duplicate_criteria: tuple[tuple[str, ...], ...] = ()
    is_label_synced_with_name: bool = False
    shortcut: str | None = None
    color: str | None = None
    created_at: datetime | None = None  # set by the database; None before the row exists
    updated_at: datetime | None = None

    @property
    def table_name(self) -> str:
        """Twenty's rule: custom tables are prefixed with `_` (`_pet`)."""
        return f"_{self.name_singular}" if self.is_custom else self.name_singular

    def field_named(self, name: str) -> FieldMeta | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None
