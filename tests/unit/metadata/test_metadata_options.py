"""Option parsing, enum default rules, and how option edits move data (app.metadata.options)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from app.metadata.enums import FieldType
from app.metadata.model import FieldMeta, FieldOption
from app.metadata.options import default_problems, option_edit, parse_options


def field(field_type: FieldType, *values: str, default: object = None) -> FieldMeta:
    options = tuple(
        FieldOption(id=str(uuid.uuid4()), label=v.title(), value=v, color="gray", position=i)
        for i, v in enumerate(values)
    )
    return FieldMeta(
        uuid.uuid4(), uuid.uuid4(), "f", "F", field_type, options=options, default_value=default
    )


def test_options_are_sanitised_and_completed() -> None:
    options, problems = parse_options(
        [
            {"label": "  New   Lead ", "value": " NEW "},
            {"label": "Won", "value": "WON", "position": 5},
        ],
        FieldType.SELECT,
    )
    assert problems == []
    assert [(o.label, o.value, o.position, o.color) for o in options] == [
        ("New Lead", "NEW", 0, "gray"),
        ("Won", "WON", 5, "gray"),
    ]
    assert all(uuid.UUID(o.id) for o in options)


def test_every_option_problem_is_reported() -> None:
    _, problems = parse_options(
        [
            {"id": "nope", "label": "A,B", "value": "a b"},
            {"label": None, "value": None},
            {"label": "C", "value": "A_B"},
        ],
        FieldType.SELECT,
    )
    assert [p.message for p in problems] == [
        "Option id is invalid",
        "Label must not contain a comma",
        'Value must be in UPPER_CASE and follow snake_case "a b"',
        "Option label is required",
        "Option value is required",
    ]


def test_rating_gets_twentys_five_values_when_given_none() -> None:
    options, problems = parse_options(None, FieldType.RATING)
    assert problems == [] and [o.value for o in options][-1] == "RATING_5"
    assert parse_options(None, FieldType.SELECT)[1][0].message == (
        "Options are required for enum fields"
    )


def test_enum_defaults_are_quoted_option_values() -> None:
    assert default_problems(field(FieldType.SELECT, "A", "B", default="'A'")) == []
    assert [p.message for p in default_problems(field(FieldType.SELECT, "A", default="A"))] == [
        "Default value should be as quoted string"
    ]
    multi = field(FieldType.MULTI_SELECT, "A", "B", default=["'A'", "'C'"])
    assert [p.message for p in default_problems(multi)] == [
        "Default value \"'C'\" must be one of the option values"
    ]


def test_an_edit_matches_options_by_id() -> None:
    old = field(FieldType.SELECT, "DOG", "CAT", "FISH")
    dog, cat, _ = old.options
    new = replace(
        old,
        options=(
            replace(dog, value="HOUND"),
            cat,
            FieldOption(id=str(uuid.uuid4()), label="Bird", value="BIRD", color="", position=2),
        ),
    )
    edit = option_edit(old, new)
    assert dict(edit.renamed) == {"DOG": "HOUND"}
    assert edit.removed == ("FISH",)
    assert option_edit(old, old).moves_data is False


def test_options_resent_without_ids_keep_their_values() -> None:
    old = field(FieldType.SELECT, "DOG", "CAT")
    resent = replace(old, options=tuple(replace(o, id=str(uuid.uuid4())) for o in old.options))
    assert option_edit(old, resent).moves_data is False
