"""The catalog: a frozen, versioned snapshot of one workspace's data model.

A request reads the current snapshot once and uses it to the end. Everything derived from a
snapshot is cached under `Catalog.key` = (workspace id, version): a new version simply misses,
nothing is ever cleared by hand. The snapshot includes what each role may do
(`access(role_id)`, app.catalog.access): every write to roles or permissions bumps the version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from uuid import UUID

from app.catalog.access import Access, access_by_role
from app.metadata.grants import NO_GRANTS, Grants
from app.metadata.model import FieldMeta, ObjectMeta


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)  # app.memo: weakly
class Catalog:
    workspace_id: UUID
    schema: str
    version: int
    objects: tuple[ObjectMeta, ...]
    _by_plural: Mapping[str, ObjectMeta] = field(repr=False)
    _by_singular: Mapping[str, ObjectMeta] = field(repr=False)
    _by_id: Mapping[UUID, ObjectMeta] = field(repr=False)
    _fields_by_id: Mapping[UUID, FieldMeta] = field(repr=False)
    _access: Mapping[UUID, Access] = field(repr=False)

    @classmethod
    def build(
        cls,
        workspace_id: UUID,
        schema: str,
        version: int,
        objects: Iterable[ObjectMeta],
        grants: Grants = NO_GRANTS,
    ) -> Catalog:
        objs = tuple(objects)
        return cls(
            workspace_id=workspace_id,
            schema=schema,
            version=version,
            objects=objs,
            _by_plural=MappingProxyType({o.name_plural: o for o in objs}),
            _by_singular=MappingProxyType({o.name_singular: o for o in objs}),
            _by_id=MappingProxyType({o.id: o for o in objs}),
            _fields_by_id=MappingProxyType({f.id: f for o in objs for f in o.fields}),
            _access=access_by_role(objs, grants),
        )

    @property
    def key(self) -> tuple[UUID, int]:
        return (self.workspace_id, self.version)

    def by_plural(self, name: str) -> ObjectMeta | None:
        return self._by_plural.get(name)

    def by_singular(self, name: str) -> ObjectMeta | None:
        return self._by_singular.get(name)

    def by_id(self, object_id: UUID) -> ObjectMeta | None:
        return self._by_id.get(object_id)

    def field_by_id(self, field_id: UUID) -> FieldMeta | None:
        return self._fields_by_id.get(field_id)

    def access(self, role_id: UUID | None) -> Access | None:
        """What the role may do, or None when the workspace has no such role."""
        return self._access.get(role_id) if role_id is not None else None

    @property
    def active_objects(self) -> tuple[ObjectMeta, ...]:
        return tuple(o for o in self.objects if o.is_active)
