"""One workspace's model as the metadata service reads it inside its transaction, with lookups.

The catalog (app.catalog) is the per-process cache the query engine reads; this is the fresh,
locked copy a metadata change is validated against and applied to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from uuid import UUID

from app.metadata.model import FieldMeta, ObjectMeta


@dataclass(frozen=True, slots=True)
class WorkspaceModel:
    workspace_id: UUID
    schema: str
    objects: tuple[ObjectMeta, ...]
    _objects: dict[UUID, ObjectMeta] = field(init=False, repr=False)
    _fields: dict[UUID, FieldMeta] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_objects", {o.id: o for o in self.objects})
        object.__setattr__(self, "_fields", {f.id: f for o in self.objects for f in o.fields})

    def object(self, object_id: UUID | None) -> ObjectMeta | None:
        return self._objects.get(object_id) if object_id is not None else None

    def field(self, field_id: UUID | None) -> FieldMeta | None:
        return self._fields.get(field_id) if field_id is not None else None

    def by_singular(self, name: str) -> ObjectMeta | None:
        return next((o for o in self.objects if o.name_singular == name), None)

    @property
    def fields(self) -> Iterator[FieldMeta]:
        for obj in self.objects:
            yield from obj.fields

    def relation_target(self, field: FieldMeta) -> tuple[ObjectMeta, FieldMeta] | None:
        """The other side of a RELATION field: its object and its inverse field."""
        target = self.object(field.relation_target_object_id)
        inverse = self.field(field.relation_target_field_id)
        if target is None or inverse is None:
            return None
        return target, inverse
