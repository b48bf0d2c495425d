"""The standard-object declarations are internally consistent and carry Twenty's key fields."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from app.metadata.enums import FieldType, OnDelete
from app.metadata.specs import FieldSpec, ObjectSpec
from app.metadata.standard_objects import STANDARD_OBJECTS, standard_object

CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")

EXPECTED_OBJECTS = {
    "person",
    "company",
    "opportunity",
    "note",
    "task",
    "noteTarget",
    "taskTarget",
    "workspaceMember",
    "attachment",
    "favorite",
    "timelineActivity",
}

# Fields the seeder adds; declaring them would create duplicates.
SEEDER_FIELDS = {
    "id",
    "createdAt",
    "updatedAt",
    "deletedAt",
    "position",
    "createdBy",
    "searchVector",
}

# Twenty's searchable types (getTsVectorColumnExpressionFromFields) and label-identifier types.
SEARCHABLE_TYPES = {
    FieldType.TEXT,
    FieldType.FULL_NAME,
    FieldType.EMAILS,
    FieldType.PHONES,
    FieldType.LINKS,
    FieldType.RICH_TEXT_V2,
}
LABEL_IDENTIFIER_TYPES = {FieldType.TEXT, FieldType.FULL_NAME, FieldType.UUID}

# Sub-fields of composite types, for validating dotted duplicate-criteria paths.
COMPOSITE_SUBFIELDS: dict[FieldType, set[str]] = {
    FieldType.FULL_NAME: {"firstName", "lastName"},
    FieldType.EMAILS: {"primaryEmail", "additionalEmails"},
    FieldType.LINKS: {"primaryLinkUrl", "primaryLinkLabel", "secondaryLinks"},
    FieldType.PHONES: {
        "primaryPhoneNumber",
        "primaryPhoneCountryCode",
        "primaryPhoneCallingCode",
        "additionalPhones",
    },
    FieldType.CURRENCY: {"amountMicros", "currencyCode"},
}

OBJECT_IDS = [spec.name_singular for spec in STANDARD_OBJECTS]


def _field(object_name: str, field_name: str) -> FieldSpec:
    spec = standard_object(object_name)
    for candidate in spec.fields:
        if candidate.name == field_name:
            return candidate
    raise AssertionError(f"{object_name}.{field_name} is not declared")


def _relations() -> list[tuple[ObjectSpec, FieldSpec]]:
    return [
        (spec, field)
        for spec in STANDARD_OBJECTS
        for field in spec.fields
        if field.type is FieldType.RELATION
    ]


def _inverses_on(target: str) -> list[str]:
    return [
        field.relation.inverse_name
        for _, field in _relations()
        if field.relation is not None and field.relation.target == target
    ]


# --- catalogue -----------------------------------------------------------------------------------


def test_every_expected_standard_object_is_declared_once() -> None:
    names = [spec.name_singular for spec in STANDARD_OBJECTS]
    assert Counter(names) == Counter(EXPECTED_OBJECTS)


def test_lookup_by_singular_name_returns_the_declared_spec() -> None:
    for spec in STANDARD_OBJECTS:
        assert standard_object(spec.name_singular) is spec


def test_lookup_of_an_unknown_object_raises_key_error() -> None:
    with pytest.raises(KeyError, match="pet"):
        standard_object("pet")


def test_plural_names_are_unique_across_objects() -> None:
    plurals = [spec.name_plural for spec in STANDARD_OBJECTS]
    assert len(plurals) == len(set(plurals))


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_object_names_are_camel_case_and_singular_differs_from_plural(name: str) -> None:
    spec = standard_object(name)
    assert CAMEL_CASE.match(spec.name_singular)
    assert CAMEL_CASE.match(spec.name_plural)
    assert spec.name_singular != spec.name_plural
    assert spec.label_singular != spec.label_plural


# --- fields --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_field_names_are_camel_case_and_unique_per_object(name: str) -> None:
    field_names = [field.name for field in standard_object(name).fields]
    assert all(CAMEL_CASE.match(field_name) for field_name in field_names), field_names
    assert len(field_names) == len(set(field_names))


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_seeder_owned_system_fields_are_not_declared(name: str) -> None:
    declared = {field.name for field in standard_object(name).fields}
    assert not declared & SEEDER_FIELDS


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_join_columns_are_not_declared_beside_their_relations(name: str) -> None:
    spec = standard_object(name)
    declared = {field.name for field in spec.fields}
    join_columns = {f"{field.name}Id" for field in spec.fields if field.type is FieldType.RELATION}
    assert not declared & join_columns


def test_no_field_uses_a_type_the_server_does_not_support() -> None:
    for spec in STANDARD_OBJECTS:
        for field in spec.fields:
            assert field.type not in {FieldType.TS_VECTOR, FieldType.POSITION}, (
                f"{spec.name_singular}.{field.name}"
            )


def test_non_nullable_fields_without_default_are_only_identifiers() -> None:
    # A required field with no default would make every API create fail unless supplied;
    # Twenty has exactly one such standard field: workspaceMember.userId.
    required = [
        f"{spec.name_singular}.{field.name}"
        for spec in STANDARD_OBJECTS
        for field in spec.fields
        if not field.is_nullable and field.default_value is None
    ]
    assert required == ["workspaceMember.userId"]


def test_text_fields_default_to_the_quoted_empty_string_unless_twenty_says_otherwise() -> None:
    exceptions = {
        "workspaceMember.colorScheme": "'System'",
        "workspaceMember.locale": "'en'",
        "workspaceMember.timeZone": "'system'",
    }
    for spec in STANDARD_OBJECTS:
        for field in spec.fields:
            if field.type is FieldType.TEXT:
                key = f"{spec.name_singular}.{field.name}"
                assert field.default_value == exceptions.get(key, "''"), key


def test_composite_defaults_quote_every_text_sub_field() -> None:
    assert _field("person", "name").default_value == {"firstName": "''", "lastName": "''"}
    assert _field("person", "emails").default_value == {
        "primaryEmail": "''",
        "additionalEmails": None,
    }
    assert _field("company", "annualRecurringRevenue").default_value == {
        "amountMicros": None,
        "currencyCode": "''",
    }
    address = _field("company", "address").default_value
    assert address["addressCity"] == "''"
    assert address["addressLat"] is None


def test_composite_defaults_are_not_shared_between_fields() -> None:
    assert _field("person", "linkedinLink").default_value is not (
        _field("person", "xLink").default_value
    )


# --- SELECT fields -------------------------------------------------------------------------------


def _select_fields() -> list[tuple[str, FieldSpec]]:
    return [
        (f"{spec.name_singular}.{field.name}", field)
        for spec in STANDARD_OBJECTS
        for field in spec.fields
        if field.type in {FieldType.SELECT, FieldType.MULTI_SELECT}
    ]


def test_select_fields_have_unique_non_empty_options() -> None:
    selects = _select_fields()
    assert selects
    for key, field in selects:
        values = [option.value for option in field.options]
        assert values, key
        assert len(values) == len(set(values)), key
        assert all(re.fullmatch(r"[A-Z0-9_]+", value) for value in values), key
        assert all(option.label and "," not in option.label for option in field.options), key


def test_select_defaults_are_quoted_option_values() -> None:
    for key, field in _select_fields():
        assert isinstance(field.default_value, str), key
        assert field.default_value.startswith("'") and field.default_value.endswith("'"), key
        assert field.default_value[1:-1] in {option.value for option in field.options}, key


def test_opportunity_stage_has_twentys_pipeline_and_starts_at_new() -> None:
    stage = _field("opportunity", "stage")
    assert stage.type is FieldType.SELECT
    assert [option.value for option in stage.options] == [
        "NEW",
        "SCREENING",
        "MEETING",
        "PROPOSAL",
        "CUSTOMER",
    ]
    assert stage.default_value == "'NEW'"


def test_task_status_is_todo_in_progress_done_defaulting_to_todo() -> None:
    status = _field("task", "status")
    assert [option.value for option in status.options] == ["TODO", "IN_PROGRESS", "DONE"]
    assert status.default_value == "'TODO'"


# --- relations -----------------------------------------------------------------------------------


def test_every_relation_field_carries_a_relation_spec_and_only_those_do() -> None:
    for spec in STANDARD_OBJECTS:
        for field in spec.fields:
            has_relation = field.relation is not None
            assert has_relation == (field.type is FieldType.RELATION), (
                f"{spec.name_singular}.{field.name}"
            )


def test_every_relation_target_is_a_standard_object() -> None:
    names = {spec.name_singular for spec in STANDARD_OBJECTS}
    for spec, field in _relations():
        assert field.relation is not None
        assert field.relation.target in names, f"{spec.name_singular}.{field.name}"


def test_relations_are_nullable_many_to_one_links() -> None:
    for spec, field in _relations():
        assert field.is_nullable, f"{spec.name_singular}.{field.name}"
        assert field.relation is not None
        assert field.relation.on_delete in {OnDelete.SET_NULL, OnDelete.CASCADE}


@pytest.mark.parametrize("target", OBJECT_IDS)
def test_inverse_names_are_unique_on_their_target(target: str) -> None:
    inverses = _inverses_on(target)
    duplicates = [name for name, count in Counter(inverses).items() if count > 1]
    assert not duplicates


@pytest.mark.parametrize("target", OBJECT_IDS)
def test_inverse_names_collide_with_no_declared_or_seeded_field_on_target(target: str) -> None:
    spec = standard_object(target)
    taken = {field.name for field in spec.fields} | SEEDER_FIELDS
    taken |= {f"{field.name}Id" for field in spec.fields if field.type is FieldType.RELATION}
    for inverse in _inverses_on(target):
        assert CAMEL_CASE.match(inverse)
        assert inverse not in taken, f"{target}.{inverse}"


@pytest.mark.parametrize(
    ("source", "field_name", "target", "inverse"),
    [
        ("person", "company", "company", "people"),
        ("company", "accountOwner", "workspaceMember", "accountOwnerForCompanies"),
        ("opportunity", "company", "company", "opportunities"),
        ("opportunity", "pointOfContact", "person", "pointOfContactForOpportunities"),
        ("task", "assignee", "workspaceMember", "assignedTasks"),
        ("noteTarget", "note", "note", "noteTargets"),
        ("noteTarget", "person", "person", "noteTargets"),
        ("noteTarget", "company", "company", "noteTargets"),
        ("noteTarget", "opportunity", "opportunity", "noteTargets"),
        ("taskTarget", "task", "task", "taskTargets"),
        ("taskTarget", "person", "person", "taskTargets"),
        ("taskTarget", "company", "company", "taskTargets"),
        ("taskTarget", "opportunity", "opportunity", "taskTargets"),
        ("attachment", "person", "person", "attachments"),
        ("attachment", "company", "company", "attachments"),
        ("attachment", "opportunity", "opportunity", "attachments"),
        ("attachment", "note", "note", "attachments"),
        ("attachment", "task", "task", "attachments"),
        ("favorite", "forWorkspaceMember", "workspaceMember", "favorites"),
        ("favorite", "person", "person", "favorites"),
        ("favorite", "company", "company", "favorites"),
        ("favorite", "opportunity", "opportunity", "favorites"),
        ("favorite", "note", "note", "favorites"),
        ("favorite", "task", "task", "favorites"),
        ("timelineActivity", "workspaceMember", "workspaceMember", "timelineActivities"),
        ("timelineActivity", "targetPerson", "person", "timelineActivities"),
        ("timelineActivity", "targetCompany", "company", "timelineActivities"),
        ("timelineActivity", "targetOpportunity", "opportunity", "timelineActivities"),
        ("timelineActivity", "targetNote", "note", "timelineActivities"),
        ("timelineActivity", "targetTask", "task", "timelineActivities"),
    ],
)
def test_twentys_relations_are_declared_with_twentys_inverse_names(
    source: str, field_name: str, target: str, inverse: str
) -> None:
    field = _field(source, field_name)
    assert field.type is FieldType.RELATION
    assert field.relation is not None
    assert field.relation.target == target
    assert field.relation.inverse_name == inverse
    assert field.relation.inverse_label


def _on_delete(object_name: str, field_name: str) -> OnDelete:
    relation = _field(object_name, field_name).relation
    assert relation is not None
    return relation.on_delete


def test_destroying_a_person_cascades_to_its_targets_but_only_unlinks_notes_and_people() -> None:
    assert _on_delete("noteTarget", "person") is OnDelete.CASCADE
    assert _on_delete("taskTarget", "person") is OnDelete.CASCADE
    assert _on_delete("noteTarget", "note") is OnDelete.SET_NULL
    assert _on_delete("person", "company") is OnDelete.SET_NULL
    assert _on_delete("favorite", "forWorkspaceMember") is OnDelete.CASCADE


# --- identifiers, search and duplicates ----------------------------------------------------------


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_label_identifier_names_an_existing_text_like_field(name: str) -> None:
    spec = standard_object(name)
    if spec.label_identifier is None:
        return
    field = _field(name, spec.label_identifier)
    assert field.type in LABEL_IDENTIFIER_TYPES


def test_label_identifiers_match_twenty() -> None:
    expected = {
        "person": "name",
        "company": "name",
        "opportunity": "name",
        "note": "title",
        "task": "title",
        "workspaceMember": "name",
        "attachment": "name",
        "timelineActivity": "name",
        "noteTarget": None,
        "taskTarget": None,
        "favorite": None,
    }
    assert {spec.name_singular: spec.label_identifier for spec in STANDARD_OBJECTS} == expected


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_search_fields_name_existing_fields_of_searchable_types(name: str) -> None:
    spec = standard_object(name)
    assert len(spec.search_fields) == len(set(spec.search_fields))
    for field_name in spec.search_fields:
        assert _field(name, field_name).type in SEARCHABLE_TYPES


def test_search_fields_match_twenty() -> None:
    assert standard_object("person").search_fields == ("name", "emails", "phones", "jobTitle")
    assert standard_object("company").search_fields == ("name", "domainName")
    assert standard_object("opportunity").search_fields == ("name",)
    assert standard_object("note").search_fields == ("title", "bodyV2")
    assert standard_object("task").search_fields == ("title", "bodyV2")
    assert standard_object("workspaceMember").search_fields == ("name", "userEmail")


def test_objects_without_search_fields_get_no_search_vector() -> None:
    unsearched = {spec.name_singular for spec in STANDARD_OBJECTS if not spec.search_fields}
    assert unsearched == {"noteTarget", "taskTarget", "attachment", "favorite", "timelineActivity"}


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_duplicate_criteria_paths_exist(name: str) -> None:
    spec = standard_object(name)
    for criterion in spec.duplicate_criteria:
        assert criterion
        for path in criterion:
            field_name, _, sub_field = path.partition(".")
            field = _field(name, field_name)
            if sub_field:
                assert sub_field in COMPOSITE_SUBFIELDS.get(field.type, set()), path
            else:
                assert field.type not in COMPOSITE_SUBFIELDS, path


def test_duplicate_criteria_match_twenty() -> None:
    assert standard_object("person").duplicate_criteria == (
        ("name.firstName", "name.lastName"),
        ("linkedinLink.primaryLinkUrl",),
        ("emails.primaryEmail",),
    )
    assert standard_object("company").duplicate_criteria == (
        ("name",),
        ("domainName.primaryLinkUrl",),
    )


# --- object flags --------------------------------------------------------------------------------


def test_system_objects_are_the_join_and_bookkeeping_objects() -> None:
    system = {spec.name_singular for spec in STANDARD_OBJECTS if spec.is_system}
    assert system == {
        "noteTarget",
        "taskTarget",
        "workspaceMember",
        "attachment",
        "favorite",
        "timelineActivity",
    }


def test_objects_without_position_or_created_by_in_twenty_say_so() -> None:
    no_position = {spec.name_singular for spec in STANDARD_OBJECTS if not spec.has_position}
    no_created_by = {spec.name_singular for spec in STANDARD_OBJECTS if not spec.has_created_by}
    assert no_position == {"noteTarget", "taskTarget", "attachment", "timelineActivity"}
    assert no_created_by == {
        "noteTarget",
        "taskTarget",
        "workspaceMember",
        "favorite",
        "timelineActivity",
    }


def test_searchable_objects_are_the_main_business_objects() -> None:
    searchable = {spec.name_singular for spec in STANDARD_OBJECTS if spec.is_searchable}
    assert searchable == {"person", "company", "opportunity", "note", "task", "workspaceMember"}


# --- key fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("object_name", "field_name", "field_type"),
    [
        ("person", "name", FieldType.FULL_NAME),
        ("person", "emails", FieldType.EMAILS),
        ("person", "linkedinLink", FieldType.LINKS),
        ("person", "xLink", FieldType.LINKS),
        ("person", "jobTitle", FieldType.TEXT),
        ("person", "phones", FieldType.PHONES),
        ("person", "city", FieldType.TEXT),
        ("person", "avatarUrl", FieldType.TEXT),
        ("person", "company", FieldType.RELATION),
        ("company", "name", FieldType.TEXT),
        ("company", "domainName", FieldType.LINKS),
        ("company", "employees", FieldType.NUMBER),
        ("company", "linkedinLink", FieldType.LINKS),
        ("company", "xLink", FieldType.LINKS),
        ("company", "annualRecurringRevenue", FieldType.CURRENCY),
        ("company", "address", FieldType.ADDRESS),
        ("company", "idealCustomerProfile", FieldType.BOOLEAN),
        ("company", "accountOwner", FieldType.RELATION),
        ("opportunity", "name", FieldType.TEXT),
        ("opportunity", "amount", FieldType.CURRENCY),
        ("opportunity", "closeDate", FieldType.DATE_TIME),
        ("opportunity", "stage", FieldType.SELECT),
        ("opportunity", "pointOfContact", FieldType.RELATION),
        ("opportunity", "company", FieldType.RELATION),
        ("note", "title", FieldType.TEXT),
        ("note", "bodyV2", FieldType.RICH_TEXT_V2),
        ("task", "title", FieldType.TEXT),
        ("task", "bodyV2", FieldType.RICH_TEXT_V2),
        ("task", "dueAt", FieldType.DATE_TIME),
        ("task", "status", FieldType.SELECT),
        ("task", "assignee", FieldType.RELATION),
        ("workspaceMember", "name", FieldType.FULL_NAME),
        ("workspaceMember", "userEmail", FieldType.TEXT),
        ("workspaceMember", "userId", FieldType.UUID),
        ("workspaceMember", "colorScheme", FieldType.TEXT),
        ("workspaceMember", "locale", FieldType.TEXT),
        ("workspaceMember", "dateFormat", FieldType.SELECT),
        ("attachment", "name", FieldType.TEXT),
        ("attachment", "fullPath", FieldType.TEXT),
        ("attachment", "fileCategory", FieldType.SELECT),
        ("timelineActivity", "happensAt", FieldType.DATE_TIME),
        ("timelineActivity", "name", FieldType.TEXT),
        ("timelineActivity", "properties", FieldType.RAW_JSON),
        ("favorite", "viewId", FieldType.UUID),
    ],
)
def test_twentys_key_fields_are_present_with_their_types(
    object_name: str, field_name: str, field_type: FieldType
) -> None:
    assert _field(object_name, field_name).type is field_type


def test_person_emails_and_company_domain_are_unique() -> None:
    assert _field("person", "emails").is_unique
    assert _field("company", "domainName").is_unique
    assert _field("workspaceMember", "userEmail").is_unique
    unique = {
        f"{spec.name_singular}.{field.name}"
        for spec in STANDARD_OBJECTS
        for field in spec.fields
        if field.is_unique
    }
    assert unique == {"person.emails", "company.domainName", "workspaceMember.userEmail"}


def test_deprecated_and_rich_text_v1_fields_are_left_out() -> None:
    for object_name, field_name in [
        ("person", "phone"),
        ("company", "addressOld"),
        ("opportunity", "probability"),
        ("note", "body"),
        ("task", "body"),
        ("attachment", "type"),
    ]:
        declared = {field.name for field in standard_object(object_name).fields}
        assert field_name not in declared
