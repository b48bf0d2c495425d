"""The field-type registry: columns, input coercion, output shapes, defaults and filter values."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from app.errors import InvalidFieldValue
from app.metadata.enums import ActorSource, FieldType, RelationType
from app.metadata.field_types import (
    HANDLERS,
    RATING_VALUES,
    Column,
    ScalarKind,
    SubField,
    coerce_filter_scalar,
    coerce_scalar,
    column_name,
    dump_scalar,
    handler_for,
)
from app.metadata.model import FieldMeta, FieldOption

STAGES = ("NEW", "SCREENING", "MEETING")
SOME_UUID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def make_field(name: str, field_type: FieldType, **kwargs: Any) -> FieldMeta:
    return FieldMeta(
        id=uuid4(), object_id=uuid4(), name=name, label=name, type=field_type, **kwargs
    )


def options(*values: str) -> tuple[FieldOption, ...]:
    return tuple(
        FieldOption(id=str(uuid4()), label=value.title(), value=value, color="gray", position=i)
        for i, value in enumerate(values)
    )


# One representative field per type, named as the type's usual standard field.
FIELDS: dict[FieldType, FieldMeta] = {
    FieldType.UUID: make_field("externalId", FieldType.UUID),
    FieldType.TEXT: make_field("jobTitle", FieldType.TEXT),
    FieldType.PHONES: make_field("phones", FieldType.PHONES),
    FieldType.EMAILS: make_field("emails", FieldType.EMAILS),
    FieldType.DATE_TIME: make_field("closeDate", FieldType.DATE_TIME),
    FieldType.DATE: make_field("birthday", FieldType.DATE),
    FieldType.BOOLEAN: make_field("idealCustomerProfile", FieldType.BOOLEAN),
    FieldType.NUMBER: make_field("employees", FieldType.NUMBER),
    FieldType.NUMERIC: make_field("score", FieldType.NUMERIC),
    FieldType.LINKS: make_field("domainName", FieldType.LINKS),
    FieldType.CURRENCY: make_field("amount", FieldType.CURRENCY),
    FieldType.FULL_NAME: make_field("name", FieldType.FULL_NAME),
    FieldType.RATING: make_field("rating", FieldType.RATING),
    FieldType.SELECT: make_field("stage", FieldType.SELECT, options=options(*STAGES)),
    FieldType.MULTI_SELECT: make_field(
        "tags", FieldType.MULTI_SELECT, options=options("RED", "GREEN", "BLUE")
    ),
    FieldType.RELATION: make_field(
        "company", FieldType.RELATION, relation_type=RelationType.MANY_TO_ONE
    ),
    FieldType.POSITION: make_field("position", FieldType.POSITION),
    FieldType.ADDRESS: make_field("address", FieldType.ADDRESS),
    FieldType.RAW_JSON: make_field("payload", FieldType.RAW_JSON),
    FieldType.RICH_TEXT_V2: make_field("bodyV2", FieldType.RICH_TEXT_V2),
    FieldType.ACTOR: make_field("createdBy", FieldType.ACTOR),
    FieldType.ARRAY: make_field("aliases", FieldType.ARRAY),
    FieldType.TS_VECTOR: make_field("searchVector", FieldType.TS_VECTOR),
}
PEOPLE = make_field("people", FieldType.RELATION, relation_type=RelationType.ONE_TO_MANY)


def write(field_type: FieldType, value: Any) -> dict[str, Any]:
    return handler_for(field_type).to_db(FIELDS[field_type], value)


def round_trip(field_type: FieldType, value: Any) -> Any:
    handler = handler_for(field_type)
    field = FIELDS[field_type]
    return handler.from_db(field, handler.to_db(field, value))


def filter_value(field_type: FieldType, value: Any, sub_field: str | None = None) -> Any:
    return handler_for(field_type).coerce_filter_value(FIELDS[field_type], sub_field, value)


# -- the registry ---------------------------------------------------------------------------


def test_every_field_type_has_a_handler_of_that_type() -> None:
    assert set(HANDLERS) == set(FieldType)
    for field_type, handler in HANDLERS.items():
        assert handler.type is field_type
        assert handler_for(field_type) is handler


@pytest.mark.parametrize(
    ("kind", "sql_type"),
    [
        (ScalarKind.TEXT, "text"),
        (ScalarKind.UUID, "uuid"),
        (ScalarKind.FLOAT, "double precision"),
        (ScalarKind.NUMERIC, "numeric"),
        (ScalarKind.BOOLEAN, "boolean"),
        (ScalarKind.DATE, "date"),
        (ScalarKind.DATE_TIME, "timestamptz"),
        (ScalarKind.JSON, "jsonb"),
        (ScalarKind.TEXT_ARRAY, "text[]"),
        (ScalarKind.SELECT, "text"),
        (ScalarKind.MULTI_SELECT, "text[]"),
        (ScalarKind.TS_VECTOR, "tsvector"),
    ],
)
def test_scalar_kind_names_its_postgres_type(kind: ScalarKind, sql_type: str) -> None:
    assert kind.sql_type == sql_type


COMPOSITE_SUB_FIELDS: dict[FieldType, list[tuple[str, ScalarKind]]] = {
    FieldType.CURRENCY: [("amountMicros", ScalarKind.NUMERIC), ("currencyCode", ScalarKind.TEXT)],
    FieldType.EMAILS: [("primaryEmail", ScalarKind.TEXT), ("additionalEmails", ScalarKind.JSON)],
    FieldType.LINKS: [
        ("primaryLinkUrl", ScalarKind.TEXT),
        ("primaryLinkLabel", ScalarKind.TEXT),
        ("secondaryLinks", ScalarKind.JSON),
    ],
    FieldType.PHONES: [
        ("primaryPhoneNumber", ScalarKind.TEXT),
        ("primaryPhoneCountryCode", ScalarKind.TEXT),
        ("primaryPhoneCallingCode", ScalarKind.TEXT),
        ("additionalPhones", ScalarKind.JSON),
    ],
    FieldType.FULL_NAME: [("firstName", ScalarKind.TEXT), ("lastName", ScalarKind.TEXT)],
    FieldType.ADDRESS: [
        ("addressStreet1", ScalarKind.TEXT),
        ("addressStreet2", ScalarKind.TEXT),
        ("addressCity", ScalarKind.TEXT),
        ("addressState", ScalarKind.TEXT),
        ("addressCountry", ScalarKind.TEXT),
        ("addressPostcode", ScalarKind.TEXT),
        ("addressLat", ScalarKind.NUMERIC),
        ("addressLng", ScalarKind.NUMERIC),
    ],
    FieldType.ACTOR: [
        ("source", ScalarKind.TEXT),
        ("workspaceMemberId", ScalarKind.UUID),
        ("name", ScalarKind.TEXT),
        ("context", ScalarKind.JSON),
    ],
    FieldType.RICH_TEXT_V2: [("blocknote", ScalarKind.TEXT), ("markdown", ScalarKind.TEXT)],
}


@pytest.mark.parametrize("field_type", list(FieldType))
def test_composite_flag_and_sub_fields_follow_the_spec(field_type: FieldType) -> None:
    handler = handler_for(field_type)
    expected = COMPOSITE_SUB_FIELDS.get(field_type)
    assert handler.is_composite is (expected is not None)
    assert handler.sub_fields == tuple(SubField(name, kind) for name, kind in expected or [])


# -- column layout --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "kind"),
    [
        (FieldType.UUID, ScalarKind.UUID),
        (FieldType.TEXT, ScalarKind.TEXT),
        (FieldType.NUMBER, ScalarKind.FLOAT),
        (FieldType.NUMERIC, ScalarKind.NUMERIC),
        (FieldType.POSITION, ScalarKind.FLOAT),
        (FieldType.BOOLEAN, ScalarKind.BOOLEAN),
        (FieldType.DATE, ScalarKind.DATE),
        (FieldType.DATE_TIME, ScalarKind.DATE_TIME),
        (FieldType.RAW_JSON, ScalarKind.JSON),
        (FieldType.ARRAY, ScalarKind.TEXT_ARRAY),
        (FieldType.TS_VECTOR, ScalarKind.TS_VECTOR),
    ],
)
def test_scalar_field_owns_one_column_named_after_it(
    field_type: FieldType, kind: ScalarKind
) -> None:
    field = FIELDS[field_type]
    assert handler_for(field_type).columns(field) == (Column(field.name, kind, None),)


@pytest.mark.parametrize("field_type", list(COMPOSITE_SUB_FIELDS))
def test_composite_columns_are_named_field_plus_pascal_sub_field(field_type: FieldType) -> None:
    field = FIELDS[field_type]
    columns = handler_for(field_type).columns(field)
    assert [(c.name, c.kind, c.sub_field) for c in columns] == [
        (f"{field.name}{sub[0].upper()}{sub[1:]}", kind, sub)
        for sub, kind in COMPOSITE_SUB_FIELDS[field_type]
    ]


@pytest.mark.parametrize(
    ("field_name", "sub_field", "column"),
    [
        ("name", "firstName", "nameFirstName"),
        ("amount", "amountMicros", "amountAmountMicros"),
        ("createdBy", "source", "createdBySource"),
        ("domainName", "primaryLinkUrl", "domainNamePrimaryLinkUrl"),
    ],
)
def test_column_name_rule(field_name: str, sub_field: str, column: str) -> None:
    assert column_name(field_name, sub_field) == column


def test_actor_source_column_carries_the_actor_sources_as_allowed_values() -> None:
    columns = handler_for(FieldType.ACTOR).columns(FIELDS[FieldType.ACTOR])
    allowed = {c.name: c.allowed_values for c in columns}
    assert allowed["createdBySource"] == tuple(source.value for source in ActorSource)
    assert allowed["createdByName"] is None


def test_select_and_multi_select_columns_carry_the_field_options() -> None:
    (select,) = handler_for(FieldType.SELECT).columns(FIELDS[FieldType.SELECT])
    (multi,) = handler_for(FieldType.MULTI_SELECT).columns(FIELDS[FieldType.MULTI_SELECT])
    assert select == Column("stage", ScalarKind.SELECT, None, STAGES)
    assert multi == Column("tags", ScalarKind.MULTI_SELECT, None, ("RED", "GREEN", "BLUE"))


def test_rating_column_defaults_to_five_ratings_unless_the_field_has_options() -> None:
    handler = handler_for(FieldType.RATING)
    (plain,) = handler.columns(FIELDS[FieldType.RATING])
    (custom,) = handler.columns(make_field("stars", FieldType.RATING, options=options("RATING_1")))
    assert plain == Column("rating", ScalarKind.SELECT, None, RATING_VALUES)
    assert RATING_VALUES == ("RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5")
    assert custom.allowed_values == ("RATING_1",)


def test_many_to_one_relation_owns_a_uuid_join_column_and_one_to_many_owns_none() -> None:
    handler = handler_for(FieldType.RELATION)
    assert handler.columns(FIELDS[FieldType.RELATION]) == (
        Column("companyId", ScalarKind.UUID, None),
    )
    assert handler.columns(PEOPLE) == ()


# -- scalar round trips ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "value", "api_value"),
    [
        (FieldType.TEXT, "Engineer", "Engineer"),
        (FieldType.TEXT, "", ""),
        (FieldType.TEXT, "naïve ☃", "naïve ☃"),
        (FieldType.UUID, SOME_UUID, SOME_UUID),
        (FieldType.UUID, SOME_UUID.upper(), SOME_UUID),
        (FieldType.NUMBER, 42, 42),
        (FieldType.NUMBER, 1.5, 1.5),
        (FieldType.NUMBER, -3.0, -3),
        (FieldType.NUMERIC, "12.50", Decimal("12.50")),  # exact (Note [exact numbers])
        (FieldType.NUMERIC, 7, Decimal(7)),
        (FieldType.NUMERIC, "1e3", Decimal(1000)),
        (FieldType.NUMERIC, 0.1, Decimal("0.1")),
        (FieldType.NUMERIC, "", None),
        (FieldType.POSITION, 1, 1),
        (FieldType.POSITION, 0.5, 0.5),
        (FieldType.BOOLEAN, True, True),
        (FieldType.BOOLEAN, False, False),
        (FieldType.DATE, "2024-02-29", "2024-02-29"),
        (FieldType.DATE, "2024-02-29T23:00:00Z", "2024-02-29"),
        (FieldType.DATE_TIME, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z"),
        (FieldType.DATE_TIME, "2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z"),
        (FieldType.DATE_TIME, "2024-01-01T12:30:00", "2024-01-01T12:30:00.000Z"),
        (FieldType.DATE_TIME, "2024-01-01T02:00:00+02:00", "2024-01-01T00:00:00.000Z"),
        (FieldType.DATE_TIME, "2024-01-01T00:00:00.123456Z", "2024-01-01T00:00:00.123Z"),
        (FieldType.DATE_TIME, "2024-01-01", "2024-01-01T00:00:00.000Z"),
        (FieldType.DATE_TIME, 0, "1970-01-01T00:00:00.000Z"),
        (FieldType.SELECT, "SCREENING", "SCREENING"),
        (FieldType.MULTI_SELECT, ["RED", "BLUE"], ["RED", "BLUE"]),
        (FieldType.MULTI_SELECT, [], []),
        (FieldType.RATING, "RATING_3", "RATING_3"),
        (FieldType.RAW_JSON, {"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}),
        (FieldType.RAW_JSON, [1, "two"], [1, "two"]),
        (FieldType.RAW_JSON, "text", "text"),
        (FieldType.RAW_JSON, False, False),
        (FieldType.ARRAY, ["a", "b", "a"], ["a", "b", "a"]),
        (FieldType.ARRAY, [], []),
        (FieldType.RELATION, SOME_UUID, SOME_UUID),
    ],
)
def test_scalar_value_round_trips_to_its_canonical_api_value(
    field_type: FieldType, value: Any, api_value: Any
) -> None:
    result = round_trip(field_type, value)
    assert result == api_value
    assert type(result) is type(api_value)


@pytest.mark.parametrize(
    ("field_type", "value", "python_value"),
    [
        (FieldType.UUID, SOME_UUID, UUID(SOME_UUID)),
        (FieldType.NUMBER, 42, 42.0),
        (FieldType.NUMERIC, "12.50", Decimal("12.50")),
        (FieldType.NUMERIC, 0.1, Decimal("0.1")),
        (FieldType.DATE, "2024-02-29", date(2024, 2, 29)),
        (FieldType.DATE_TIME, "2024-01-01T12:30:00", datetime(2024, 1, 1, 12, 30, tzinfo=UTC)),
        (FieldType.RELATION, SOME_UUID, UUID(SOME_UUID)),
    ],
)
def test_to_db_hands_asyncpg_native_python_values(
    field_type: FieldType, value: Any, python_value: Any
) -> None:
    (stored,) = write(field_type, value).values()
    assert stored == python_value
    assert type(stored) is type(python_value)


def test_date_time_to_db_is_always_timezone_aware() -> None:
    (stored,) = write(FieldType.DATE_TIME, "2024-06-01T08:00:00").values()
    assert stored.tzinfo is not None


def test_json_values_reach_asyncpg_as_python_objects_not_json_text() -> None:
    assert write(FieldType.RAW_JSON, {"a": 1}) == {"payload": {"a": 1}}
    assert write(FieldType.EMAILS, {"additionalEmails": ["a@b.co"]}) == {
        "emailsAdditionalEmails": ["a@b.co"]
    }


@pytest.mark.parametrize(
    "field_type",
    [t for t in FieldType if t not in COMPOSITE_SUB_FIELDS and t is not FieldType.TS_VECTOR],
)
def test_null_clears_a_nullable_scalar_field(field_type: FieldType) -> None:
    field = FIELDS[field_type]
    handler = handler_for(field_type)
    assert handler.to_db(field, None) == {handler.columns(field)[0].name: None}


@pytest.mark.parametrize("field_type", [FieldType.TEXT, FieldType.NUMBER, FieldType.RELATION])
def test_null_is_rejected_for_a_non_nullable_field(field_type: FieldType) -> None:
    field = make_field(
        "required", field_type, is_nullable=False, relation_type=RelationType.MANY_TO_ONE
    )
    with pytest.raises(InvalidFieldValue, match=r"'required(Id)?': cannot be null"):
        handler_for(field_type).to_db(field, None)


@pytest.mark.parametrize(
    ("field_type", "value", "fragment"),
    [
        (FieldType.TEXT, 123, "expected text, got 123"),
        (FieldType.TEXT, True, "expected text, got true"),
        (FieldType.TEXT, ["a"], "expected text, got a list"),
        (FieldType.TEXT, {"a": 1}, "expected text, got an object"),
        (FieldType.TEXT, "a\x00b", "NUL"),
        (FieldType.UUID, "not-a-uuid", "expected a UUID, got 'not-a-uuid'"),
        (FieldType.UUID, "", "expected a UUID"),
        (FieldType.UUID, 123, "expected a UUID"),
        (FieldType.NUMBER, "abc", "expected a number, got 'abc'"),
        (FieldType.NUMBER, "12", "expected a number, got '12'"),
        (FieldType.NUMBER, True, "expected a number, got true"),
        (FieldType.NUMBER, math.nan, "expected a number, got nan"),
        (FieldType.NUMBER, math.inf, "expected a number, got inf"),
        (FieldType.NUMBER, 10**400, "expected a number"),
        (FieldType.NUMBER, [1], "expected a number, got a list"),
        (FieldType.POSITION, "first", "expected a number, got 'first'"),
        (FieldType.NUMERIC, "abc", "expected a number, got 'abc'"),
        (FieldType.NUMERIC, False, "expected a number, got false"),
        (FieldType.NUMERIC, "1_000", "expected a number"),
        (FieldType.NUMERIC, "NaN", "expected a number"),
        (FieldType.NUMERIC, "Infinity", "expected a number"),
        (FieldType.NUMERIC, -math.inf, "expected a number"),
        (FieldType.NUMERIC, {"a": 1}, "expected a number, got an object"),
        (FieldType.BOOLEAN, "true", "expected true or false, got 'true'"),
        (FieldType.BOOLEAN, 1, "expected true or false, got 1"),
        (FieldType.DATE, "2024-13-01", "expected a date (YYYY-MM-DD)"),
        (FieldType.DATE, "yesterday", "expected a date"),
        (FieldType.DATE, "", "expected a date"),
        (FieldType.DATE, 20240101, "expected a date"),
        (FieldType.DATE_TIME, "not a date", "expected an ISO 8601 date-time"),
        (FieldType.DATE_TIME, "", "expected an ISO 8601 date-time"),
        (FieldType.DATE_TIME, True, "expected an ISO 8601 date-time, got true"),
        (FieldType.DATE_TIME, 1e20, "expected an ISO 8601 date-time"),
        (FieldType.SELECT, "UNKNOWN", 'invalid input value for enum: "UNKNOWN"'),
        (FieldType.SELECT, "new", "expected one of NEW, SCREENING, MEETING"),
        (FieldType.SELECT, 1, "expected an option value, got 1"),
        (FieldType.MULTI_SELECT, "RED", "expected a list of option values, got 'RED'"),
        (FieldType.MULTI_SELECT, ["RED", "RED"], "option 'RED' is listed twice"),
        (FieldType.MULTI_SELECT, ["PINK"], 'invalid input value for enum: "PINK"'),
        (FieldType.MULTI_SELECT, [1], "expected an option value, got 1"),
        (FieldType.RATING, "RATING_6", 'invalid input value for enum: "RATING_6"'),
        (FieldType.RATING, 5, "expected an option value, got 5"),
        (FieldType.RAW_JSON, {1, 2}, "expected a JSON value, got set"),
        (FieldType.ARRAY, "a", "expected a list of strings, got 'a'"),
        (FieldType.ARRAY, [1], "expected text, got 1"),
        (FieldType.ARRAY, [None], "expected text, got null"),
        (FieldType.RELATION, "nope", "expected a UUID, got 'nope'"),
    ],
)
def test_bad_scalar_value_is_rejected_with_a_message_naming_the_field(
    field_type: FieldType, value: Any, fragment: str
) -> None:
    field = FIELDS[field_type]
    name = field.join_column or field.name
    with pytest.raises(InvalidFieldValue) as caught:
        write(field_type, value)
    assert caught.value.message.startswith(f"Invalid value for field '{name}': ")
    assert fragment in caught.value.message
    assert caught.value.code == "INVALID_FIELD_VALUE"
    assert caught.value.status == 400


def test_select_typo_gets_a_did_you_mean_hint() -> None:
    with pytest.raises(InvalidFieldValue) as caught:
        write(FieldType.SELECT, "SCREENNG")
    assert caught.value.hint == "Did you mean 'SCREENING'?"


def test_select_field_without_options_accepts_no_value() -> None:
    field = make_field("status", FieldType.SELECT)
    with pytest.raises(InvalidFieldValue, match="the field has no options"):
        handler_for(FieldType.SELECT).to_db(field, "TODO")


def test_search_vector_is_read_only() -> None:
    with pytest.raises(InvalidFieldValue) as caught:
        write(FieldType.TS_VECTOR, "'ada':1")
    assert caught.value.message == "field 'searchVector' is read-only"


def test_search_vector_reads_as_its_text() -> None:
    handler = handler_for(FieldType.TS_VECTOR)
    field = FIELDS[FieldType.TS_VECTOR]
    assert handler.from_db(field, {"searchVector": "'ada':1"}) == "'ada':1"
    assert handler.from_db(field, {"searchVector": None}) is None


def test_one_to_many_relation_cannot_be_written_or_filtered() -> None:
    handler = handler_for(FieldType.RELATION)
    with pytest.raises(InvalidFieldValue, match="'people': a one-to-many relation"):
        handler.to_db(PEOPLE, [SOME_UUID])
    with pytest.raises(InvalidFieldValue, match="'people'"):
        handler.coerce_filter_value(PEOPLE, None, SOME_UUID)
    assert handler.from_db(PEOPLE, {}) is None


def test_many_to_one_relation_writes_its_join_column() -> None:
    assert write(FieldType.RELATION, SOME_UUID) == {"companyId": UUID(SOME_UUID)}
    assert write(FieldType.RELATION, None) == {"companyId": None}


@pytest.mark.parametrize("field_type", list(FieldType))
def test_null_and_missing_columns_read_as_null(field_type: FieldType) -> None:
    handler = handler_for(field_type)
    field = FIELDS[field_type]
    nulls = {column.name: None for column in handler.columns(field)}
    expected = {sub.name: None for sub in handler.sub_fields} if handler.is_composite else None
    assert handler.from_db(field, nulls) == expected
    assert handler.from_db(field, {}) == expected


# -- composites -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "value", "api_value"),
    [
        (
            FieldType.FULL_NAME,
            {"firstName": "Ada", "lastName": "Lovelace"},
            {"firstName": "Ada", "lastName": "Lovelace"},
        ),
        (
            FieldType.CURRENCY,
            {"amountMicros": 1_500_000, "currencyCode": "EUR"},
            {"amountMicros": 1_500_000, "currencyCode": "EUR"},
        ),
        (
            FieldType.EMAILS,
            {"primaryEmail": "Ada@Example.COM", "additionalEmails": ["x@Y.io"]},
            {"primaryEmail": "Ada@example.com", "additionalEmails": ["x@y.io"]},
        ),
        (
            FieldType.LINKS,
            {
                "primaryLinkUrl": "HTTPS://Twenty.COM/",
                "primaryLinkLabel": "Twenty",
                "secondaryLinks": [{"url": "https://a.io/Docs/", "label": "docs"}],
            },
            {
                "primaryLinkUrl": "https://twenty.com",
                "primaryLinkLabel": "Twenty",
                "secondaryLinks": [{"url": "https://a.io/Docs", "label": "docs"}],
            },
        ),
        (
            FieldType.PHONES,
            {
                "primaryPhoneNumber": "612345678",
                "primaryPhoneCountryCode": "FR",
                "primaryPhoneCallingCode": "+33",
                "additionalPhones": [{"number": "1", "countryCode": "US", "callingCode": "+1"}],
            },
            {
                "primaryPhoneNumber": "612345678",
                "primaryPhoneCountryCode": "FR",
                "primaryPhoneCallingCode": "+33",
                "additionalPhones": [{"number": "1", "countryCode": "US", "callingCode": "+1"}],
            },
        ),
        (
            FieldType.ADDRESS,
            {
                "addressStreet1": "1 Main St",
                "addressStreet2": "",
                "addressCity": "Paris",
                "addressState": "IDF",
                "addressCountry": "France",
                "addressPostcode": "75001",
                "addressLat": 48.8566,
                "addressLng": "2.3522",
            },
            {
                "addressStreet1": "1 Main St",
                "addressStreet2": "",
                "addressCity": "Paris",
                "addressState": "IDF",
                "addressCountry": "France",
                "addressPostcode": "75001",
                "addressLat": Decimal("48.8566"),
                "addressLng": Decimal("2.3522"),
            },
        ),
        (
            FieldType.ACTOR,
            {"source": "API", "workspaceMemberId": SOME_UUID, "name": "Key", "context": {}},
            {"source": "API", "workspaceMemberId": SOME_UUID, "name": "Key", "context": {}},
        ),
        (
            FieldType.RICH_TEXT_V2,
            {"blocknote": '[{"type":"paragraph"}]', "markdown": "# Hi"},
            {"blocknote": '[{"type":"paragraph"}]', "markdown": "# Hi"},
        ),
    ],
)
def test_composite_value_round_trips_to_its_canonical_api_value(
    field_type: FieldType, value: dict[str, Any], api_value: dict[str, Any]
) -> None:
    assert round_trip(field_type, value) == api_value


def test_composite_partial_write_sets_only_the_given_sub_fields() -> None:
    assert write(FieldType.FULL_NAME, {"lastName": "Hopper"}) == {"nameLastName": "Hopper"}
    assert write(FieldType.CURRENCY, {}) == {}


def test_composite_null_sub_field_stores_null() -> None:
    assert write(FieldType.FULL_NAME, {"firstName": None}) == {"nameFirstName": None}


def test_composite_from_db_returns_every_sub_field_even_from_a_partial_row() -> None:
    handler = handler_for(FieldType.FULL_NAME)
    field = FIELDS[FieldType.FULL_NAME]
    assert handler.from_db(field, {"nameFirstName": "Ada"}) == {
        "firstName": "Ada",
        "lastName": None,
    }


@pytest.mark.parametrize(
    ("field_type", "columns"),
    [
        (FieldType.FULL_NAME, {"nameFirstName": "", "nameLastName": ""}),
        (FieldType.CURRENCY, {"amountAmountMicros": None, "amountCurrencyCode": ""}),
        (FieldType.EMAILS, {"emailsPrimaryEmail": "", "emailsAdditionalEmails": []}),
        (
            FieldType.ACTOR,
            {
                "createdBySource": None,
                "createdByWorkspaceMemberId": None,
                "createdByName": "",
                "createdByContext": None,
            },
        ),
    ],
)
def test_composite_null_resets_every_sub_column_to_empty(
    field_type: FieldType, columns: dict[str, Any]
) -> None:
    assert write(field_type, None) == columns


@pytest.mark.parametrize(
    ("field_type", "value", "name", "fragment"),
    [
        (FieldType.FULL_NAME, "Ada", "name", "expected an object with sub-fields firstName"),
        (FieldType.FULL_NAME, {"middleName": "B"}, "name", "unknown sub-field 'middleName'"),
        (FieldType.FULL_NAME, {"firstName": 1}, "name.firstName", "expected text, got 1"),
        (FieldType.CURRENCY, {"amountMicros": "abc"}, "amount.amountMicros", "expected a number"),
        (FieldType.CURRENCY, {"amountMicros": True}, "amount.amountMicros", "expected a number"),
        (FieldType.CURRENCY, {"amountMicros": 1.5}, "amount.amountMicros", "whole number"),
        (FieldType.CURRENCY, {"amountMicros": "2.5"}, "amount.amountMicros", "whole number"),
        (FieldType.CURRENCY, {"currencyCode": 840}, "amount.currencyCode", "expected text"),
        (FieldType.EMAILS, {"primaryEmail": "nobody"}, "emails.primaryEmail", "email address"),
        (FieldType.EMAILS, {"primaryEmail": "@x.io"}, "emails.primaryEmail", "email address"),
        (FieldType.EMAILS, {"primaryEmail": "a@"}, "emails.primaryEmail", "email address"),
        (FieldType.EMAILS, {"primaryEmail": "a@b@c"}, "emails.primaryEmail", "email address"),
        (FieldType.EMAILS, {"additionalEmails": "a@b.c"}, "emails.additionalEmails", "a list"),
        (FieldType.EMAILS, {"additionalEmails": [7]}, "emails.additionalEmails", "got 7"),
        (FieldType.EMAILS, {"additionalEmails": ["bad"]}, "emails.additionalEmails", "'bad'"),
        (FieldType.LINKS, {"secondaryLinks": {}}, "domainName.secondaryLinks", "a list of link"),
        (
            FieldType.LINKS,
            {"secondaryLinks": [{"href": "x"}]},
            "domainName.secondaryLinks",
            "unknown key 'href'",
        ),
        (
            FieldType.LINKS,
            {"secondaryLinks": [{"url": 3}]},
            "domainName.secondaryLinks",
            "'url' must be text",
        ),
        (FieldType.PHONES, {"additionalPhones": ["1"]}, "phones.additionalPhones", "got '1'"),
        (FieldType.ADDRESS, {"addressLat": "north"}, "address.addressLat", "expected a number"),
        (FieldType.ACTOR, {"source": "FAX"}, "createdBy.source", "invalid input value for enum"),
        (FieldType.ACTOR, {"workspaceMemberId": "x"}, "createdBy.workspaceMemberId", "UUID"),
        (FieldType.ACTOR, {"context": []}, "createdBy.context", "expected an object"),
        (FieldType.RICH_TEXT_V2, {"markdown": {}}, "bodyV2.markdown", "expected text"),
    ],
)
def test_bad_composite_value_is_rejected_with_a_message_naming_the_field(
    field_type: FieldType, value: Any, name: str, fragment: str
) -> None:
    with pytest.raises(InvalidFieldValue) as caught:
        write(field_type, value)
    assert caught.value.message.startswith(f"Invalid value for field '{name}': ")
    assert fragment in caught.value.message


def test_currency_rejects_non_numeric_amount() -> None:
    with pytest.raises(InvalidFieldValue, match=r"'amount\.amountMicros': expected a number"):
        write(FieldType.CURRENCY, {"amountMicros": "lots"})


@pytest.mark.parametrize("amount", [1_000_000, "1000000", 1_000_000.0, "1e6"])
def test_currency_accepts_integral_amounts_in_any_json_form(amount: Any) -> None:
    assert round_trip(FieldType.CURRENCY, {"amountMicros": amount})["amountMicros"] == 1_000_000


def test_unknown_sub_field_gets_a_did_you_mean_hint() -> None:
    with pytest.raises(InvalidFieldValue) as caught:
        write(FieldType.FULL_NAME, {"firstname": "Ada"})
    assert caught.value.hint == "Did you mean 'firstName'?"


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("Ada.Lovelace@Example.COM", "Ada.Lovelace@example.com"),
        ("", ""),
    ],
)
def test_primary_email_domain_is_lower_cased_and_local_part_kept(address: str, stored: str) -> None:
    assert write(FieldType.EMAILS, {"primaryEmail": address}) == {"emailsPrimaryEmail": stored}


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://twenty.com/", "https://twenty.com"),
        ("https://twenty.com", "https://twenty.com"),
        ("HTTPS://WWW.Twenty.com/Path/", "https://www.twenty.com/Path"),
        ("https://example.com/path?Query=Value", "https://example.com/path?Query=Value"),
        ("twenty.com/", "twenty.com"),
        ("", ""),
    ],
)
def test_primary_link_url_loses_trailing_slash_and_origin_case(url: str, stored: str) -> None:
    assert write(FieldType.LINKS, {"primaryLinkUrl": url}) == {"domainNamePrimaryLinkUrl": stored}


def test_actor_accepts_every_actor_source() -> None:
    for source in ActorSource:
        assert write(FieldType.ACTOR, {"source": source.value}) == {"createdBySource": source.value}


def test_composite_numeric_sub_fields_read_as_exact_decimals() -> None:
    handler = handler_for(FieldType.CURRENCY)
    row = {"amountAmountMicros": Decimal("2000000"), "amountCurrencyCode": "USD"}
    api = handler.from_db(FIELDS[FieldType.CURRENCY], row)
    assert api == {"amountMicros": 2_000_000, "currencyCode": "USD"}
    assert type(api["amountMicros"]) is Decimal


# -- defaults -------------------------------------------------------------------------------


def defaults(field_type: FieldType, default_value: Any = None) -> dict[str, Any]:
    field = replace(FIELDS[field_type], default_value=default_value)
    return handler_for(field_type).create_defaults(field)


@pytest.mark.parametrize(
    ("field_type", "default_value", "columns"),
    [
        (FieldType.TEXT, None, {"jobTitle": ""}),
        (FieldType.TEXT, "''", {"jobTitle": ""}),
        (FieldType.TEXT, "'Engineer'", {"jobTitle": "Engineer"}),
        (FieldType.NUMBER, None, {"employees": None}),
        (FieldType.NUMBER, 0, {"employees": 0.0}),
        (FieldType.NUMERIC, "'12.5'", {"score": Decimal("12.5")}),
        (FieldType.BOOLEAN, False, {"idealCustomerProfile": False}),
        (FieldType.BOOLEAN, None, {"idealCustomerProfile": None}),
        (FieldType.POSITION, None, {"position": None}),
        (FieldType.SELECT, "'NEW'", {"stage": "NEW"}),
        (FieldType.SELECT, None, {"stage": None}),
        (FieldType.MULTI_SELECT, ["'RED'", "'BLUE'"], {"tags": ["RED", "BLUE"]}),
        (FieldType.MULTI_SELECT, None, {"tags": None}),
        (FieldType.RATING, "'RATING_1'", {"rating": "RATING_1"}),
        (FieldType.DATE, "'2024-01-01'", {"birthday": date(2024, 1, 1)}),
        (FieldType.RAW_JSON, None, {"payload": None}),
        (FieldType.RAW_JSON, {"a": 1}, {"payload": {"a": 1}}),
        (FieldType.ARRAY, None, {"aliases": []}),
        (FieldType.ARRAY, ["'x'"], {"aliases": ["x"]}),
        (FieldType.RELATION, None, {"companyId": None}),
        (FieldType.TS_VECTOR, None, {}),
        (FieldType.FULL_NAME, None, {"nameFirstName": "", "nameLastName": ""}),
        (
            FieldType.FULL_NAME,
            {"firstName": "''", "lastName": "'Doe'"},
            {"nameFirstName": "", "nameLastName": "Doe"},
        ),
        (
            FieldType.CURRENCY,
            {"amountMicros": None, "currencyCode": "'USD'"},
            {"amountAmountMicros": None, "amountCurrencyCode": "USD"},
        ),
        (
            FieldType.EMAILS,
            {"primaryEmail": "''", "additionalEmails": None},
            {"emailsPrimaryEmail": "", "emailsAdditionalEmails": None},
        ),
        (
            FieldType.LINKS,
            None,
            {
                "domainNamePrimaryLinkUrl": "",
                "domainNamePrimaryLinkLabel": "",
                "domainNameSecondaryLinks": [],
            },
        ),
        (
            FieldType.PHONES,
            {"primaryPhoneCountryCode": "'FR'"},
            {
                "phonesPrimaryPhoneNumber": "",
                "phonesPrimaryPhoneCountryCode": "FR",
                "phonesPrimaryPhoneCallingCode": "",
                "phonesAdditionalPhones": [],
            },
        ),
        (
            FieldType.ADDRESS,
            None,
            {
                "addressAddressStreet1": "",
                "addressAddressStreet2": "",
                "addressAddressCity": "",
                "addressAddressState": "",
                "addressAddressCountry": "",
                "addressAddressPostcode": "",
                "addressAddressLat": None,
                "addressAddressLng": None,
            },
        ),
        (
            FieldType.ACTOR,
            {"source": "'MANUAL'", "name": "'System'"},
            {
                "createdBySource": "MANUAL",
                "createdByWorkspaceMemberId": None,
                "createdByName": "System",
                "createdByContext": None,
            },
        ),
        (FieldType.RICH_TEXT_V2, None, {"bodyV2Blocknote": "", "bodyV2Markdown": ""}),
    ],
)
def test_create_defaults_parse_twentys_quoted_defaults(
    field_type: FieldType, default_value: Any, columns: dict[str, Any]
) -> None:
    assert defaults(field_type, default_value) == columns


def test_one_to_many_relation_has_no_defaults() -> None:
    assert handler_for(FieldType.RELATION).create_defaults(PEOPLE) == {}


def test_date_time_default_now_is_the_current_utc_time() -> None:
    before = datetime.now(UTC)
    (value,) = defaults(FieldType.DATE_TIME, "now").values()
    assert before <= value <= datetime.now(UTC)
    assert value.utcoffset() == timedelta(0)


def test_date_default_now_is_today_in_utc() -> None:
    assert defaults(FieldType.DATE, "now") == {"birthday": datetime.now(UTC).date()}


def test_uuid_default_uuid_is_a_fresh_uuid_per_create() -> None:
    first = defaults(FieldType.UUID, "uuid")["externalId"]
    second = defaults(FieldType.UUID, "uuid")["externalId"]
    assert isinstance(first, UUID)
    assert first != second


def test_natural_list_defaults_are_fresh_objects() -> None:
    first = defaults(FieldType.ARRAY)["aliases"]
    first.append("mutated")
    assert defaults(FieldType.ARRAY)["aliases"] == []


@pytest.mark.parametrize(
    ("field_type", "default_value", "fragment"),
    [
        (FieldType.SELECT, "'NOPE'", 'invalid input value for enum: "NOPE"'),
        (FieldType.NUMBER, "'many'", "expected a number"),
        (FieldType.DATE_TIME, "'tomorrow'", "expected an ISO 8601 date-time"),
        (FieldType.FULL_NAME, "'Ada'", "expected an object"),
        (FieldType.FULL_NAME, {"middleName": "''"}, "unknown sub-field 'middleName'"),
        (FieldType.CURRENCY, {"amountMicros": "'abc'"}, "expected a number"),
    ],
)
def test_invalid_stored_default_is_reported_as_a_default_error(
    field_type: FieldType, default_value: Any, fragment: str
) -> None:
    name = FIELDS[field_type].name
    with pytest.raises(InvalidFieldValue) as caught:
        defaults(field_type, default_value)
    assert caught.value.message.startswith(f"Invalid default value for field '{name}': ")
    assert fragment in caught.value.message


# -- filter values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "sub_field", "literal", "value"),
    [
        (FieldType.TEXT, None, "Engineer", "Engineer"),
        (FieldType.TEXT, None, "%eng%", "%eng%"),
        (FieldType.NUMBER, None, "100", 100.0),
        (FieldType.NUMBER, None, " 2.5 ", 2.5),
        (FieldType.NUMBER, None, 3, 3.0),
        (FieldType.NUMBER, None, ["1", "2"], [1.0, 2.0]),
        (FieldType.POSITION, None, "1", 1.0),
        (FieldType.NUMERIC, None, "1000000", Decimal("1000000")),
        (FieldType.BOOLEAN, None, "true", True),
        (FieldType.BOOLEAN, None, "false", False),
        (FieldType.BOOLEAN, None, "TRUE", True),
        (FieldType.BOOLEAN, None, False, False),
        (FieldType.DATE, None, "2024-01-01", date(2024, 1, 1)),
        (
            FieldType.DATE_TIME,
            None,
            "2024-01-01T00:00:00Z",
            datetime(2024, 1, 1, tzinfo=UTC),
        ),
        (
            FieldType.DATE_TIME,
            None,
            "2024-01-01",
            datetime(2024, 1, 1, tzinfo=UTC),
        ),
        (FieldType.UUID, None, SOME_UUID, UUID(SOME_UUID)),
        (FieldType.UUID, None, [SOME_UUID], [UUID(SOME_UUID)]),
        (FieldType.SELECT, None, "NEW", "NEW"),
        (FieldType.SELECT, None, ["NEW", "MEETING"], ["NEW", "MEETING"]),
        (FieldType.MULTI_SELECT, None, "RED", "RED"),
        (FieldType.MULTI_SELECT, None, ["RED", "GREEN"], ["RED", "GREEN"]),
        (FieldType.RATING, None, "RATING_5", "RATING_5"),
        (FieldType.ARRAY, None, "alias", "alias"),
        (FieldType.ARRAY, None, ["a", "b"], ["a", "b"]),
        (FieldType.RAW_JSON, None, {"a": 1}, {"a": 1}),
        (FieldType.RELATION, None, SOME_UUID, UUID(SOME_UUID)),
        (FieldType.TS_VECTOR, None, "ada", "ada"),
        (FieldType.TEXT, None, None, None),
        (FieldType.FULL_NAME, "firstName", "John", "John"),
        (FieldType.CURRENCY, "amountMicros", "1000000", Decimal("1000000")),
        (FieldType.CURRENCY, "currencyCode", "USD", "USD"),
        (FieldType.EMAILS, "primaryEmail", "a@b.c", "a@b.c"),
        (FieldType.LINKS, "primaryLinkUrl", "twenty.com", "twenty.com"),
        (FieldType.LINKS, "secondaryLinks", "%x%", "%x%"),
        (FieldType.ADDRESS, "addressLat", "48.85", Decimal("48.85")),
        (FieldType.ACTOR, "source", "API", "API"),
        (FieldType.ACTOR, "workspaceMemberId", SOME_UUID, UUID(SOME_UUID)),
    ],
)
def test_filter_literal_is_coerced_to_the_column_kind(
    field_type: FieldType, sub_field: str | None, literal: Any, value: Any
) -> None:
    result = filter_value(field_type, literal, sub_field)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("field_type", "sub_field", "literal", "name", "fragment"),
    [
        (FieldType.NUMBER, None, "abc", "employees", "expected a number, got 'abc'"),
        (FieldType.NUMBER, None, "nan", "employees", "expected a number"),
        (FieldType.NUMBER, None, "inf", "employees", "expected a number"),
        (FieldType.NUMBER, None, "1e400", "employees", "expected a number"),
        (FieldType.NUMBER, None, ["1", "x"], "employees", "got 'x'"),
        (FieldType.NUMERIC, None, "12abc", "score", "expected a number"),
        (FieldType.BOOLEAN, None, "yes", "idealCustomerProfile", "expected true or false"),
        (FieldType.DATE, None, "2024-02-30", "birthday", "expected a date"),
        (FieldType.DATE_TIME, None, "noon", "closeDate", "expected an ISO 8601 date-time"),
        (FieldType.UUID, None, "123", "externalId", "expected a UUID, got '123'"),
        (FieldType.SELECT, None, "LOST", "stage", "enum value 'LOST' not available in 'stage'"),
        (FieldType.SELECT, None, 3, "stage", "expected an option value"),
        (FieldType.MULTI_SELECT, None, ["RED", "PINK"], "tags", "enum value 'PINK'"),
        (FieldType.RATING, None, "RATING_9", "rating", "enum value 'RATING_9'"),
        (FieldType.TEXT, None, 5, "jobTitle", "expected text, got 5"),
        (FieldType.RELATION, None, "x", "companyId", "expected a UUID"),
        (FieldType.TEXT, "first", "x", "jobTitle", "has no sub-field 'first'"),
        (FieldType.FULL_NAME, None, "Ada", "name", "filter on one of its sub-fields"),
        (FieldType.FULL_NAME, "middleName", "B", "name", "unknown sub-field 'middleName'"),
        (FieldType.CURRENCY, "amountMicros", "lots", "amount.amountMicros", "expected a number"),
        (FieldType.ACTOR, "source", "FAX", "createdBy.source", "enum value 'FAX' not available"),
    ],
)
def test_garbage_filter_literal_is_rejected_naming_the_field(
    field_type: FieldType, sub_field: str | None, literal: Any, name: str, fragment: str
) -> None:
    with pytest.raises(InvalidFieldValue) as caught:
        filter_value(field_type, literal, sub_field)
    assert caught.value.message.startswith(f"Invalid value for field '{name}': ")
    assert fragment in caught.value.message


# -- the shared scalar functions ------------------------------------------------------------

PARIS = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("kind", "value", "api_value"),
    [
        (ScalarKind.NUMERIC, Decimal("1500000"), Decimal("1500000")),
        (ScalarKind.NUMERIC, Decimal("1500000.000"), Decimal("1500000.000")),
        (ScalarKind.NUMERIC, Decimal("1.25"), Decimal("1.25")),
        (ScalarKind.NUMERIC, Decimal("NaN"), None),
        (ScalarKind.FLOAT, 100.0, 100),
        (ScalarKind.FLOAT, 0.25, 0.25),
        (ScalarKind.FLOAT, 1e21, 1e21),
        (ScalarKind.DATE, date(2024, 3, 1), "2024-03-01"),
        (ScalarKind.DATE_TIME, datetime(2024, 3, 1, 9, tzinfo=UTC), "2024-03-01T09:00:00.000Z"),
        (ScalarKind.DATE_TIME, datetime(2024, 3, 1, 9, tzinfo=PARIS), "2024-03-01T07:00:00.000Z"),
        (ScalarKind.DATE_TIME, datetime(2024, 3, 1, 9, 0, 0, 5000), "2024-03-01T09:00:00.005Z"),
        (ScalarKind.UUID, UUID(SOME_UUID), SOME_UUID),
        (ScalarKind.TEXT_ARRAY, ("a", "b"), ["a", "b"]),
        (ScalarKind.MULTI_SELECT, ["A"], ["A"]),
        (ScalarKind.JSON, {"k": [1]}, {"k": [1]}),
        (ScalarKind.TEXT, "x", "x"),
        (ScalarKind.BOOLEAN, True, True),
    ],
)
def test_dump_scalar_gives_json_ready_values(kind: ScalarKind, value: Any, api_value: Any) -> None:
    result = dump_scalar(kind, value)
    assert result == api_value
    assert type(result) is type(api_value)


@pytest.mark.parametrize("kind", list(ScalarKind))
def test_null_passes_through_every_scalar_function(kind: ScalarKind) -> None:
    assert dump_scalar(kind, None) is None
    assert coerce_scalar(kind, None, field_name="f") is None
    assert coerce_filter_scalar(kind, None, field_name="f") is None


def test_coerce_scalar_restricts_text_to_allowed_values() -> None:
    assert coerce_scalar(ScalarKind.TEXT, "API", field_name="s", allowed=("API",)) == "API"
    with pytest.raises(InvalidFieldValue, match="'s': invalid input value for enum"):
        coerce_scalar(ScalarKind.TEXT, "FAX", field_name="s", allowed=("API",))


def test_long_bad_values_are_shortened_in_messages() -> None:
    with pytest.raises(InvalidFieldValue) as caught:
        write(FieldType.NUMBER, "9" * 200 + "x")
    assert len(caught.value.message) < 150
    assert caught.value.message.endswith("...'")
