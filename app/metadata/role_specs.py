"""Typed values for role and permission changes: what the metadata layer writes to core.role,
core.object_permission and core.field_permission (built from API inputs by
app/auth/access_inputs.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID


@dataclass(frozen=True, slots=True)
class RoleValues:
    """A role's columns as sent (create: with the defaults of the table for the rest)."""

    columns: Mapping[str, Any]
    id: UUID | None = None


@dataclass(frozen=True, slots=True)
class ObjectPermissionSpec:
    """None means "inherit the role's can*AllObjectRecords"."""

    object_id: UUID
    can_read: bool | None
    can_update: bool | None
    can_soft_delete: bool | None
    can_destroy: bool | None


@dataclass(frozen=True, slots=True)
class FieldPermissionSpec:
    object_id: UUID
    field_id: UUID
    can_read: bool | None
    can_update: bool | None
