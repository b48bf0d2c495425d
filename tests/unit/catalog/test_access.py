"""Per-role access computed from permission rows (Note [permission rules]), without a database."""

from __future__ import annotations

import uuid

import pytest

from app.catalog.access import Access, Action
from app.catalog.snapshot import Catalog
from app.errors import PermissionDenied
from app.metadata.grants import FieldGrant, Grants, ObjectGrant, RoleGrant
from app.metadata.model import FieldMeta, ObjectMeta
from tests.unit.graphql.core_schema_support import WORKSPACE, catalog_of

OBJECTS = catalog_of().objects


def _obj(name: str) -> ObjectMeta:
    return next(o for o in OBJECTS if o.name_singular == name)


def _field(obj: str, name: str) -> FieldMeta:
    found = _obj(obj).field_named(name)
    assert found is not None
    return found


def role(*, read: bool = True, update: bool = True, settings: bool = False) -> RoleGrant:
    return RoleGrant(
        id=uuid.uuid4(),
        label="Custom",
        can_update_all_settings=settings,
        can_read_all_object_records=read,
        can_update_all_object_records=update,
        can_soft_delete_all_object_records=update,
        can_destroy_all_object_records=update,
    )


def access_of(
    grant: RoleGrant,
    objects: tuple[ObjectGrant, ...] = (),
    fields: tuple[FieldGrant, ...] = (),
) -> Access:
    catalog = Catalog.build(
        WORKSPACE, "workspace_test", 1, OBJECTS, Grants((grant,), objects, fields)
    )
    access = catalog.access(grant.id)
    assert access is not None
    return access


def object_grant(
    grant: RoleGrant, obj: str, read: bool | None = None, update: bool | None = None
) -> ObjectGrant:
    return ObjectGrant(grant.id, _obj(obj).id, read, update, None, None)


def field_grant(
    grant: RoleGrant, obj: str, name: str, read: bool | None = None, update: bool | None = None
) -> FieldGrant:
    return FieldGrant(grant.id, _field(obj, name).id, read, update)


def test_without_grants_the_role_flags_apply_to_every_object() -> None:
    reader = access_of(role(update=False))
    person = _obj("person")
    assert reader.can_read(person)
    assert not reader.can_update(person)
    assert not reader.can_destroy(person)
    assert reader.can_read_field(_field("person", "city"))
    assert not reader.can_update_field(_field("person", "city"))


def test_an_object_grant_overrides_the_flag_and_null_inherits() -> None:
    grant = role()
    access = access_of(
        grant, (object_grant(grant, "company", read=False), object_grant(grant, "person"))
    )
    assert not access.can_read(_obj("company"))
    assert access.can_update(_obj("person"))  # a row of NULLs inherits
    assert access.can_read(_obj("opportunity"))


def test_writes_need_read_whatever_the_write_flags_say() -> None:
    grant = role()
    access = access_of(grant, (object_grant(grant, "company", read=False, update=True),))
    company = _obj("company")
    for action in Action:
        assert not access.can(company, action)


def test_an_unreadable_field_is_hidden_and_read_only_and_others_stay_open() -> None:
    grant = role()
    access = access_of(
        grant,
        fields=(
            field_grant(grant, "person", "city", read=False),
            field_grant(grant, "person", "jobTitle", update=False),
        ),
    )
    person = _obj("person")
    city, job, name = (_field("person", n) for n in ("city", "jobTitle", "name"))
    assert not access.can_read_field(city) and not access.can_update_field(city)
    assert access.can_read_field(job) and not access.can_update_field(job)
    assert access.can_read_field(name) and access.can_update_field(name)
    shown = access.readable(person, (city, job, name))
    assert shown == (job, name)


def test_id_is_always_readable() -> None:
    grant = role()
    access = access_of(grant, fields=(field_grant(grant, "person", "id", read=False),))
    assert access.can_read_field(_field("person", "id"))


def test_system_objects_are_exempt_but_workspace_member_is_not() -> None:
    nobody = access_of(role(read=False, update=False))
    assert nobody.can_destroy(_obj("noteTarget"))
    assert not nobody.can_read(_obj("workspaceMember"))
    assert not nobody.can_read(_obj("person"))


def test_full_access_allows_everything_and_unknown_roles_get_none() -> None:
    full = Access.full()
    assert full.can_update_settings
    assert all(full.can(_obj("company"), action) for action in Action)
    assert catalog_of().access(uuid.uuid4()) is None
    assert catalog_of().access(None) is None


def test_refusals_use_twentys_wording_and_name_the_field() -> None:
    grant = role()
    access = access_of(
        grant,
        (object_grant(grant, "company", read=False),),
        (
            field_grant(grant, "person", "city", read=False),
            field_grant(grant, "person", "jobTitle", update=False),
        ),
    )
    with pytest.raises(PermissionDenied) as denied:
        access.require(_obj("company"), Action.READ)
    assert denied.value.message == "User does not have permission"
    with pytest.raises(PermissionDenied) as denied:
        access.require_read_field(_obj("person"), _field("person", "city"))
    assert denied.value.message == (
        'User does not have permission: no permission to read field "city" on "person"'
    )
    with pytest.raises(PermissionDenied) as denied:
        access.require_update_field(_obj("person"), _field("person", "jobTitle"))
    assert denied.value.context["field"] == "jobTitle"
    assert "write field" in denied.value.message
