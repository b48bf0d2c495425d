"""The enums of the metadata schema, with Twenty's names and values.

enum FieldMetadataType { ACTOR ADDRESS ARRAY … TS_VECTOR UUID }
enum RelationType { ONE_TO_MANY MANY_TO_ONE }
enum ObjectOpenRecordIn { SIDE_PANEL RECORD_PAGE USER_CHOICE }
enum MetadataReadability { OPEN PRIVATE INHERITED APPLICATION SYSTEM }
enum MetadataWritability { OPEN APPLICATION SYSTEM }
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(name="FieldMetadataType")
class FieldMetadataType(Enum):
    ACTOR = "ACTOR"
    ADDRESS = "ADDRESS"
    ARRAY = "ARRAY"
    BOOLEAN = "BOOLEAN"
    CURRENCY = "CURRENCY"
    DATE = "DATE"
    DATE_TIME = "DATE_TIME"
    EMAILS = "EMAILS"
    FILES = "FILES"
    FULL_NAME = "FULL_NAME"
    LINKS = "LINKS"
    MORPH_RELATION = "MORPH_RELATION"
    MULTI_SELECT = "MULTI_SELECT"
    NUMBER = "NUMBER"
    NUMERIC = "NUMERIC"
    PHONES = "PHONES"
    POSITION = "POSITION"
    RATING = "RATING"
    RAW_JSON = "RAW_JSON"
    RELATION = "RELATION"
    RICH_TEXT = "RICH_TEXT"
    RICH_TEXT_V2 = "RICH_TEXT_V2"
    SELECT = "SELECT"
    TEXT = "TEXT"
    TS_VECTOR = "TS_VECTOR"
    UUID = "UUID"


@strawberry.enum(name="RelationType")
class RelationType(Enum):
    ONE_TO_MANY = "ONE_TO_MANY"
    MANY_TO_ONE = "MANY_TO_ONE"


@strawberry.enum(name="ObjectOpenRecordIn")
class ObjectOpenRecordIn(Enum):
    SIDE_PANEL = "SIDE_PANEL"
    RECORD_PAGE = "RECORD_PAGE"
    USER_CHOICE = "USER_CHOICE"


@strawberry.enum(name="MetadataReadability")
class MetadataReadability(Enum):
    OPEN = "OPEN"
    PRIVATE = "PRIVATE"
    INHERITED = "INHERITED"
    APPLICATION = "APPLICATION"
    SYSTEM = "SYSTEM"


@strawberry.enum(name="MetadataWritability")
class MetadataWritability(Enum):
    OPEN = "OPEN"
    APPLICATION = "APPLICATION"
    SYSTEM = "SYSTEM"
