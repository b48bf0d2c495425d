"""The planner applies the role's access: what a record shows, and what a request may name."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.catalog.access import Access
from app.catalog.snapshot import Catalog
from app.errors import PermissionDenied
from app.metadata.grants import FieldGrant, Grants, ObjectGrant, RoleGrant
from app.metadata.model import ObjectMeta
from app.query import aggregate, ast, group_by, nested, plan, writes
from app.query.tree import RecordRead, ToOne
from tests.unit.graphql.core_schema_support import WORKSPACE, catalog_of

BASE = catalog_of()
ROLE = RoleGrant(uuid.uuid4(), "Restricted", False, True, True, True, True)


def _obj(name: str) -> ObjectMeta:
    found = BASE.by_singular(name)
    assert found is not None
    return found


def _field_id(obj: str, name: str) -> uuid.UUID:
    found = _obj(obj).field_named(name)
    assert found is not None
    return found.id


CATALOG = Catalog.build(
    WORKSPACE,
    "workspace_test",
    1,
    BASE.objects,
    Grants(
        roles=(ROLE,),
        objects=(ObjectGrant(ROLE.id, _obj("company").id, False, None, None, None),),
        fields=(
            FieldGrant(ROLE.id, _field_id("person", "city"), False, None),
            FieldGrant(ROLE.id, _field_id("person", "jobTitle"), None, False),
        ),
    ),
)
ACCESS = CATALOG.access(ROLE.id) or Access.full()
PERSON, COMPANY, OPPORTUNITY = _obj("person"), _obj("company"), _obj("opportunity")


def _denied(field: str) -> Any:
    return pytest.raises(PermissionDenied, match=f'no permission to read field "{field}"')


def test_a_record_shows_only_readable_fields_when_none_are_named() -> None:
    selection = plan.plan_selection(CATALOG, PERSON, access=ACCESS, depth=0)
    names = {f.name for f in selection.fields}
    assert "city" not in names
    assert {"jobTitle", "name", "company"} <= names
    assert '"city"' not in ", ".join(selection.columns)


def test_naming_an_unreadable_field_is_refused() -> None:
    with _denied("city"):
        plan.plan_selection(CATALOG, PERSON, access=ACCESS, depth=0, fields=[("city",)])


def test_depth_one_leaves_out_objects_the_role_cannot_read() -> None:
    selection = plan.plan_selection(CATALOG, OPPORTUNITY, access=ACCESS, depth=1)
    embedded = {relation.name for relation, _ in selection.embeds}
    assert "company" not in embedded
    assert "pointOfContact" in embedded
    (contact,) = (s for f, s in selection.embeds if f.name == "pointOfContact")
    assert "city" not in {f.name for f in contact.fields}
    assert "companyId" in selection.columns  # the join column is the opportunity's own value


def test_an_unreadable_object_is_refused_for_every_read() -> None:
    with pytest.raises(PermissionDenied, match=r"^User does not have permission$"):
        plan.plan_selection(CATALOG, COMPANY, access=ACCESS, depth=0)
    with pytest.raises(PermissionDenied):
        aggregate.pick(COMPANY, ["totalCount"], access=ACCESS)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("city",), "city"),
        (("company", "name"), "name"),  # through a relation to an object it cannot read
    ],
)
def test_filters_and_orderings_on_unreadable_fields_are_refused(
    path: tuple[str, ...], field: str
) -> None:
    term = ast.FilterTerm(path, "eq", "x")
    with pytest.raises(PermissionDenied) as denied:
        plan.plan_filter(CATALOG, PERSON, term, access=ACCESS)
    assert denied.value.context.get("field", field) == field
    with pytest.raises(PermissionDenied):
        plan.plan_order(
            CATALOG, PERSON, [ast.OrderTerm(path, ast.Direction.AscNullsFirst)], access=ACCESS
        )


def test_aggregates_and_group_by_on_unreadable_fields_are_refused() -> None:
    with _denied("city"):
        aggregate.pick(PERSON, ["totalCount", "countEmptyCity"], access=ACCESS)
    assert [a.key for a in aggregate.pick(PERSON, ["countEmptyJobTitle"], access=ACCESS)] == [
        "countEmptyJobTitle"
    ]
    with _denied("city"):
        group_by.plan_dimensions(CATALOG, PERSON, [{"city": True}], ACCESS)


def test_writing_a_read_only_or_hidden_field_is_refused_and_defaults_are_not_writes() -> None:
    actor = {"source": "API", "workspaceMemberId": None, "name": "k", "context": {}}
    for body in ({"jobTitle": "CEO"}, {"city": "Paris"}):
        with pytest.raises(PermissionDenied, match="write field"):
            writes.create_rows(PERSON, [body], actor=actor, access=ACCESS)
        with pytest.raises(PermissionDenied, match="write field"):
            writes.update_values(PERSON, body, access=ACCESS)
    (row,) = writes.create_rows(
        PERSON, [{"name": {"firstName": "Ada"}}], actor=actor, access=ACCESS
    )
    assert row.values["jobTitle"] == ""  # the default is filled in all the same


def test_a_read_tree_reaching_an_unreadable_object_is_refused_before_anything_runs() -> None:
    company_field = PERSON.field_named("company")
    assert company_field is not None
    tree = RecordRead(
        PERSON,
        (),
        to_one=(ToOne("company", company_field, RecordRead(COMPANY, ())),),
    )
    with pytest.raises(PermissionDenied):
        nested.authorize(CATALOG, tree, ACCESS)
    nested.authorize(CATALOG, RecordRead(PERSON, (company_field,)), ACCESS)  # companyId is fine
