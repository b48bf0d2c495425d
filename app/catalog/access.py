"""What one role may do with one workspace's records, answered from a catalog snapshot.

`Catalog.access(role_id)` returns an `Access` built once per snapshot from the permission rows
(app.metadata.grants), so a request pays dictionary lookups, never a query. The planner and
the engine (app.query) consult it; every transport therefore obeys the same rules.

Note [permission rules] (Twenty's, spec §6.2, as its ORM applies them):

- Object flags: an object grant's flag, or, when it is NULL or there is no grant, the role's
  `can_*_all_object_records`. Update, soft delete and destroy also need read (Twenty refuses
  to store a write grant without read; a row written directly is read the same way).
- Which flag an operation needs: reads `read`; create, update and upsert `update`; soft delete
  `soft_delete`; destroy `destroy`; restore and merge both `update` and `soft_delete` (Twenty
  checks a restore as a soft delete only; a restore also writes the record, so we refuse what
  either reading would refuse; a merge updates the survivor and soft-deletes the others).
- Field flags: `can_read_field_value = false` hides the field; `can_update_field_value = false`
  makes it read-only; NULL or no grant allows. A field the role cannot read cannot be written
  either. `id` is always readable: a record without its id is no record.
- System objects other than workspaceMember (noteTarget, attachment, favorite, …) are not
  subject to object or field permissions, as in Twenty, where grants on them are refused.
- `can_update_all_settings` gates metadata changes (app.auth.settings_access).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from uuid import UUID

from app.errors import PermissionDenied
from app.metadata.grants import FieldGrant, Grants, ObjectGrant, RoleGrant
from app.metadata.model import FieldMeta, ObjectMeta

DENIED_MESSAGE = "User does not have permission"
_EXEMPT_SYSTEM_OBJECTS = frozenset({"workspaceMember"})  # system, yet permission-checked


class Action(StrEnum):
    READ = "read"
    UPDATE = "update"
    SOFT_DELETE = "soft delete"
    DESTROY = "destroy"


@dataclass(frozen=True, slots=True)
class ObjectAccess:
    """One role on one object: the four flags, and the fields it may not read or write."""

    read: bool
    update: bool
    soft_delete: bool
    destroy: bool
    hidden: frozenset[UUID] = frozenset()  # fields it may not read
    read_only: frozenset[UUID] = frozenset()  # fields it may not write (hidden ones included)

    def allows(self, action: Action) -> bool:
        if action is Action.READ:
            return self.read
        if action is Action.UPDATE:
            return self.update
        if action is Action.SOFT_DELETE:
            return self.soft_delete
        return self.destroy


EVERYTHING = ObjectAccess(read=True, update=True, soft_delete=True, destroy=True)
NOTHING = ObjectAccess(read=False, update=False, soft_delete=False, destroy=False)


@dataclass(frozen=True, slots=True, weakref_slot=True)  # app.memo refers to it weakly
class Access:
    """One role's permissions on every object of one snapshot (Note [permission rules])."""

    role_id: UUID | None
    label: str
    can_update_settings: bool
    _objects: Mapping[UUID, ObjectAccess] = field(repr=False)
    _default: ObjectAccess = field(default=NOTHING, repr=False)  # an object not in the map

    @classmethod
    def full(cls) -> Access:
        """Everything allowed: the server's own work (CLI, seeding, benchmarks), never a key."""
        return cls(None, "full access", True, MappingProxyType({}), EVERYTHING)

    @classmethod
    def of_role(
        cls,
        role: RoleGrant,
        objects: Iterable[ObjectMeta],
        object_grants: Iterable[ObjectGrant],
        field_grants: Iterable[FieldGrant],
    ) -> Access:
        by_object = {g.object_id: g for g in object_grants}
        by_field = {g.field_id: g for g in field_grants}
        resolved: dict[UUID, ObjectAccess] = {}
        for obj in objects:
            if obj.is_system and obj.name_singular not in _EXEMPT_SYSTEM_OBJECTS:
                resolved[obj.id] = EVERYTHING
                continue
            resolved[obj.id] = _object_access(role, obj, by_object.get(obj.id), by_field)
        return cls(
            role_id=role.id,
            label=role.label,
            can_update_settings=role.can_update_all_settings,
            _objects=MappingProxyType(resolved),
        )

    def on(self, obj: ObjectMeta) -> ObjectAccess:
        return self._objects.get(obj.id, self._default)

    # ---- questions -------------------------------------------------------------------------

    def can(self, obj: ObjectMeta, action: Action) -> bool:
        return self.on(obj).allows(action)

    def can_read(self, obj: ObjectMeta) -> bool:
        return self.on(obj).read

    def can_update(self, obj: ObjectMeta) -> bool:
        return self.on(obj).update

    def can_soft_delete(self, obj: ObjectMeta) -> bool:
        return self.on(obj).soft_delete

    def can_destroy(self, obj: ObjectMeta) -> bool:
        return self.on(obj).destroy

    def can_read_field(self, field: FieldMeta) -> bool:
        on = self._objects.get(field.object_id, self._default)
        return on.read and field.id not in on.hidden

    def can_update_field(self, field: FieldMeta) -> bool:
        on = self._objects.get(field.object_id, self._default)
        return on.update and field.id not in on.read_only

    def readable(self, obj: ObjectMeta, fields: tuple[FieldMeta, ...]) -> tuple[FieldMeta, ...]:
        """`fields` without the ones the role may not read (all of them, usually: no copy)."""
        hidden = self.on(obj).hidden
        if not hidden:
            return fields
        return tuple(f for f in fields if f.id not in hidden)

    # ---- refusals --------------------------------------------------------------------------

    def require(self, obj: ObjectMeta, action: Action) -> None:
        """PermissionDenied unless the role may `action` records of `obj`."""
        if not self.on(obj).allows(action):
            raise PermissionDenied(
                DENIED_MESSAGE,
                hint=f"the role '{self.label}' may not {action.value} {obj.name_plural}",
                object=obj.name_singular,
                action=action.value,
            )

    def require_read_field(self, obj: ObjectMeta, field: FieldMeta) -> None:
        self.require(obj, Action.READ)
        if field.id in self.on(obj).hidden:
            raise _field_denied("read", obj, field)

    def require_update_field(self, obj: ObjectMeta, field: FieldMeta) -> None:
        self.require(obj, Action.UPDATE)
        if field.id in self.on(obj).read_only:
            raise _field_denied("write", obj, field)


def _field_denied(verb: str, obj: ObjectMeta, field: FieldMeta) -> PermissionDenied:
    """Twenty's wording: `User does not have permission: no permission to read field "city" on
    "person"`."""
    return PermissionDenied(
        f'{DENIED_MESSAGE}: no permission to {verb} field "{field.name}" on "{obj.name_singular}"',
        field=field.name,
        object=obj.name_singular,
    )


def _object_access(
    role: RoleGrant,
    obj: ObjectMeta,
    grant: ObjectGrant | None,
    field_grants: Mapping[UUID, FieldGrant],
) -> ObjectAccess:
    def flag(own: bool | None, inherited: bool) -> bool:
        return inherited if own is None else own

    read = flag(grant.can_read if grant else None, role.can_read_all_object_records)
    hidden: set[UUID] = set()
    read_only: set[UUID] = set()
    for f in obj.fields:
        field_grant = field_grants.get(f.id)
        if field_grant is None or f.name == "id":
            continue
        if field_grant.can_read is False:
            hidden.add(f.id)
            read_only.add(f.id)
        if field_grant.can_update is False:
            read_only.add(f.id)
    return ObjectAccess(
        read=read,
        update=read
        and flag(grant.can_update if grant else None, role.can_update_all_object_records),
        soft_delete=read
        and flag(grant.can_soft_delete if grant else None, role.can_soft_delete_all_object_records),
        destroy=read
        and flag(grant.can_destroy if grant else None, role.can_destroy_all_object_records),
        hidden=frozenset(hidden),
        read_only=frozenset(read_only),
    )


def access_by_role(objects: Iterable[ObjectMeta], grants: Grants) -> Mapping[UUID, Access]:
    """Every role's Access over `objects`, computed once (Catalog.build)."""
    objs = tuple(objects)
    object_grants: dict[UUID, list[ObjectGrant]] = {}
    for g in grants.objects:
        object_grants.setdefault(g.role_id, []).append(g)
    field_grants: dict[UUID, list[FieldGrant]] = {}
    for fg in grants.fields:
        field_grants.setdefault(fg.role_id, []).append(fg)
    return MappingProxyType(
        {
            role.id: Access.of_role(
                role, objs, object_grants.get(role.id, ()), field_grants.get(role.id, ())
            )
            for role in grants.roles
        }
    )
