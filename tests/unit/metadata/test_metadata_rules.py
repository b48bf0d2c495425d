"""Twenty's name, label and uniqueness rules, and the grouped report (app.metadata.validation)."""

from __future__ import annotations

import uuid

import pytest

from app.errors import MetadataValidationFailed
from app.metadata.enums import FieldType
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.validation import (
    INVALID_NAME,
    RESERVED_NAME,
    Problem,
    Report,
    clean_label,
    name_from_label,
    name_problems,
    object_label_problems,
    object_name_problems,
    object_uniqueness_problems,
)


def messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems]


def make_object(singular: str, plural: str) -> ObjectMeta:
    return ObjectMeta(uuid.uuid4(), uuid.uuid4(), singular, plural, singular, plural, ())


@pytest.mark.parametrize("name", ["pet", "fooBar", "a", "field1", "a" * 63, "aBC"])
def test_camel_case_names_up_to_63_characters_pass(name: str) -> None:
    assert name_problems(name) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("μ", [INVALID_NAME]),
        ("Not_Camel_Case", [INVALID_NAME]),
        ("1abc", [INVALID_NAME]),
        ("", ["Name is too short", INVALID_NAME]),
        ("a" * 64, ["Name is too long"]),
        ("user", [RESERVED_NAME]),
        ("billingSubscriptionItems", [RESERVED_NAME]),
        ("currencies", [RESERVED_NAME]),
    ],
)
def test_bad_names_fail_with_twentys_messages(name: str, expected: list[str]) -> None:
    assert messages(name_problems(name)) == expected


def test_singular_and_plural_must_differ_ignoring_case() -> None:
    assert messages(object_name_problems("fooBar", "foobar")) == [
        "The singular and plural names cannot be the same for an object"
    ]


def test_labels_need_one_to_63_characters_and_must_differ() -> None:
    assert messages(object_label_problems("", "Pets")) == ["Object label is too short"]
    assert messages(object_label_problems("A" * 64, "Pets")) == ["Object label is too long"]
    assert messages(object_label_problems("Pet", "pet")) == [
        "The singular and plural labels cannot be the same for an object"
    ]


def test_names_must_be_free_across_singulars_and_plurals() -> None:
    person = make_object("person", "people")
    assert object_uniqueness_problems("people", "peoples", [person]) != []
    assert object_uniqueness_problems("human", "person", [person]) != []
    assert object_uniqueness_problems("person", "people", [person], exclude=person.id) == []


@pytest.mark.parametrize(
    ("label", "name"),
    [("Pet", "pet"), ("Played By", "playedBy"), ("  Déjà vu ", "dejaVu"), ("2 Wheels", "n2Wheels")],
)
def test_names_computed_from_labels_as_twenty(label: str, name: str) -> None:
    assert name_from_label(label) == name


def test_labels_are_trimmed_and_collapsed() -> None:
    assert clean_label("   Option   1 ") == "Option 1"


def test_the_report_groups_failures_by_entity_kind() -> None:
    report = Report("creating object")
    obj = make_object("user", "users")
    field = FieldMeta(uuid.uuid4(), obj.id, "name", "Name", FieldType.TEXT)
    report.object("create_object", obj, object_name_problems("user", "users"))
    report.field("create_field", field, [Problem("NOT_AVAILABLE", "taken", "name")])
    report.field("create_field", field, [])  # no problem, no entry
    with pytest.raises(MetadataValidationFailed) as caught:
        report.raise_if_failed()
    error = caught.value
    assert error.message == "Multiple validation errors occurred while creating object"
    assert [f["type"] for f in error.errors["objectMetadata"]] == ["create_object"]
    assert error.errors["fieldMetadata"][0]["errors"] == [
        {"code": "NOT_AVAILABLE", "message": "taken", "value": "name"}
    ]
    assert error.problems == [RESERVED_NAME, RESERVED_NAME, "taken"]
    extensions = error.graphql_extensions()
    assert extensions["code"] == "METADATA_VALIDATION_FAILED"
    assert extensions["message"] == "Validation failed for 1 object(s) and 1 field(s)"
    assert extensions["summary"]["totalErrors"] == 3
    assert error.to_rest()["messages"] == error.problems


def test_an_empty_report_raises_nothing() -> None:
    Report("updating field").raise_if_failed()
