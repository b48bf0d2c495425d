"""The closed vocabularies of the data model: field types, relation kinds, actor sources."""

from __future__ import annotations

from enum import StrEnum


class FieldType(StrEnum):
    """Every field metadata type Twenty knows (spec §4)."""

    UUID = "UUID"
    TEXT = "TEXT"
    PHONES = "PHONES"
    EMAILS = "EMAILS"
    DATE_TIME = "DATE_TIME"
    DATE = "DATE"
    BOOLEAN = "BOOLEAN"
    NUMBER = "NUMBER"
    NUMERIC = "NUMERIC"
    LINKS = "LINKS"
    CURRENCY = "CURRENCY"
    FULL_NAME = "FULL_NAME"
    RATING = "RATING"
    SELECT = "SELECT"
    MULTI_SELECT = "MULTI_SELECT"
    RELATION = "RELATION"
    POSITION = "POSITION"
    ADDRESS = "ADDRESS"
    RAW_JSON = "RAW_JSON"
    RICH_TEXT_V2 = "RICH_TEXT_V2"
    ACTOR = "ACTOR"
    ARRAY = "ARRAY"
    TS_VECTOR = "TS_VECTOR"


class RelationType(StrEnum):
    """Which side of a relation a RELATION field is."""

    MANY_TO_ONE = "MANY_TO_ONE"
    ONE_TO_MANY = "ONE_TO_MANY"


class OnDelete(StrEnum):
    """What the database does to a many-to-one link when its target row is destroyed."""

    SET_NULL = "SET_NULL"
    CASCADE = "CASCADE"
    RESTRICT = "RESTRICT"


class ActorSource(StrEnum):
    """Where a record came from (ACTOR.source)."""

    EMAIL = "EMAIL"
    CALENDAR = "CALENDAR"
    WORKFLOW = "WORKFLOW"
    AGENT = "AGENT"
    API = "API"
    IMPORT = "IMPORT"
    MANUAL = "MANUAL"
    SYSTEM = "SYSTEM"
    WEBHOOK = "WEBHOOK"
