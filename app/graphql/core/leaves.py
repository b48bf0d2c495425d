"""Leaf types: the GraphQL scalar, enum and operator filter of one column, by column kind.

    TEXT -> String / StringFilter          UUID -> UUID / UUIDFilter
    FLOAT -> Float / FloatFilter           NUMERIC -> BigFloat / BigFloatFilter
    BOOLEAN -> Boolean / BooleanFilter     DATE -> Date / DateFilter
    DATE_TIME -> DateTime / DateTimeFilter JSON -> RawJSONScalar / RawJsonFilter
    TEXT_ARRAY -> [String] / ArrayFilter   TS_VECTOR -> TSVector / TSVectorFilter

SELECT and RATING fields get an enum `{Object}{Field}Enum` and MULTI_SELECT a list of it:

    enum PersonStageEnum { NEW SCREENING }
    input PersonStageEnumFilter { eq neq in: [PersonStageEnum] is: FilterIs }
    input PersonTagsEnumFilter { containsAny containsExactly: [PersonTagsEnum] is isEmptyArray }

An option value that is not a valid GraphQL name makes the field a plain String (list), so a
workspace can never break its own schema.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLFloat,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLString,
)

from app.graphql.core import shared
from app.graphql.core.memo import TypeMemo
from app.graphql.core.names import Names
from app.graphql.core.scalars import (
    BigFloatScalar,
    DateScalar,
    DateTimeScalar,
    RawJSONScalar,
    TSVectorScalar,
    UUIDScalar,
)
from app.metadata.enums import FieldType
from app.metadata.field_types import RATING_VALUES, CompositeHandler, ScalarKind, handler_for
from app.metadata.model import FieldMeta, ObjectMeta

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")

SCALARS: dict[ScalarKind, GraphQLScalarType] = {
    ScalarKind.TEXT: GraphQLString,
    ScalarKind.UUID: UUIDScalar,
    ScalarKind.FLOAT: GraphQLFloat,
    ScalarKind.NUMERIC: BigFloatScalar,
    ScalarKind.BOOLEAN: GraphQLBoolean,
    ScalarKind.DATE: DateScalar,
    ScalarKind.DATE_TIME: DateTimeScalar,
    ScalarKind.JSON: RawJSONScalar,
    ScalarKind.TEXT_ARRAY: GraphQLString,
    ScalarKind.SELECT: GraphQLString,
    ScalarKind.MULTI_SELECT: GraphQLString,
    ScalarKind.TS_VECTOR: TSVectorScalar,
}
FILTERS: dict[ScalarKind, GraphQLInputObjectType] = {
    ScalarKind.TEXT: shared.StringFilter,
    ScalarKind.UUID: shared.UUIDFilter,
    ScalarKind.FLOAT: shared.FloatFilter,
    ScalarKind.NUMERIC: shared.BigFloatFilter,
    ScalarKind.BOOLEAN: shared.BooleanFilter,
    ScalarKind.DATE: shared.DateFilter,
    ScalarKind.DATE_TIME: shared.DateTimeFilter,
    ScalarKind.JSON: shared.RawJsonFilter,
    ScalarKind.TEXT_ARRAY: shared.ArrayFilter,
    ScalarKind.SELECT: shared.StringFilter,
    ScalarKind.MULTI_SELECT: shared.ArrayFilter,
    ScalarKind.TS_VECTOR: shared.TSVectorFilter,
}
UNORDERABLE = frozenset(
    {ScalarKind.JSON, ScalarKind.TS_VECTOR, ScalarKind.MULTI_SELECT, ScalarKind.TEXT_ARRAY}
)
LIST_KINDS = frozenset({ScalarKind.TEXT_ARRAY, ScalarKind.MULTI_SELECT})

# A leaf type, or a list of one: valid as an output and as an input type alike.
Leaf = GraphQLScalarType | GraphQLEnumType | GraphQLList[Any]


def _valid_values(values: Sequence[str]) -> bool:
    return bool(values) and all(
        _NAME.match(v) and v not in ("true", "false", "null") for v in values
    )


def _kind(field: FieldMeta) -> ScalarKind:
    if field.type is FieldType.RELATION:
        return ScalarKind.UUID
    return handler_for(field.type).columns(field)[0].kind


class Leaves:
    """Scalars, enums and operator filters for single columns, memoised per schema."""

    def __init__(self, memo: TypeMemo) -> None:
        self._memo = memo

    # ---- enums ---------------------------------------------------------------------------

    def from_enum(self, obj: ObjectMeta, field: FieldMeta) -> GraphQLEnumType | None:
        """`{Object}{Field}Enum` of a SELECT, MULTI_SELECT or RATING field."""
        values = field.option_values or (RATING_VALUES if field.type is FieldType.RATING else ())
        if not _valid_values(values):
            return None
        name = Names(obj).enum(field)
        return self._memo.get(name, lambda: self._enum(name, values, field.description))

    def from_sub_field_enum(self, field_type: FieldType, sub_field: str) -> GraphQLEnumType | None:
        """`ActorSourceEnum`: a composite sub-field restricted to a fixed set of values."""
        handler = handler_for(field_type)
        assert isinstance(handler, CompositeHandler)
        part = next(p for p in handler.parts if p.name == sub_field)
        if part.allowed is None or not _valid_values(part.allowed):
            return None
        name = Names.composite_enum(field_type, sub_field)
        allowed = part.allowed
        return self._memo.get(name, lambda: self._enum(name, allowed, None))

    @staticmethod
    def _enum(name: str, values: Sequence[str], description: str | None) -> GraphQLEnumType:
        return GraphQLEnumType(
            name, {v: GraphQLEnumValue(v) for v in values}, description=description
        )

    def enum_filter(self, enum: GraphQLEnumType, *, many: bool) -> GraphQLInputObjectType:
        name = Names.enum_filter(enum.name)
        if many:
            fields: dict[str, GraphQLInputType] = {
                "containsAny": GraphQLList(enum),
                "containsExactly": GraphQLList(enum),
                "is": shared.FilterIs,
                "isEmptyArray": GraphQLBoolean,
            }
        else:
            fields = {
                "eq": enum,
                "neq": enum,
                "in": GraphQLList(GraphQLNonNull(enum)),
                "is": shared.FilterIs,
            }
        return self._memo.get(name, lambda: shared.operators(name, fields))

    # ---- one column ----------------------------------------------------------------------

    def enum_of(self, obj: ObjectMeta, field: FieldMeta) -> GraphQLEnumType | None:
        if field.type in (FieldType.SELECT, FieldType.MULTI_SELECT, FieldType.RATING):
            return self.from_enum(obj, field)
        return None

    def value_type(self, obj: ObjectMeta, field: FieldMeta) -> Leaf:
        """The output (and, being leaves, input) type of a one-column field."""
        kind = _kind(field)
        leaf: GraphQLScalarType | GraphQLEnumType = self.enum_of(obj, field) or SCALARS[kind]
        return GraphQLList(leaf) if kind in LIST_KINDS else leaf

    def filter_type(self, obj: ObjectMeta, field: FieldMeta) -> GraphQLInputObjectType:
        kind = _kind(field)
        enum = self.enum_of(obj, field)
        if enum is not None:
            return self.enum_filter(enum, many=kind is ScalarKind.MULTI_SELECT)
        return FILTERS[kind]

    def sub_field_type(self, field_type: FieldType, sub_field: str) -> Leaf:
        enum = self.from_sub_field_enum(field_type, sub_field)
        if enum is not None:
            return enum
        kind = next(s.kind for s in handler_for(field_type).sub_fields if s.name == sub_field)
        return SCALARS[kind]

    def sub_field_filter(self, field_type: FieldType, sub_field: str) -> GraphQLInputObjectType:
        enum = self.from_sub_field_enum(field_type, sub_field)
        if enum is not None:
            return self.enum_filter(enum, many=False)
        kind = next(s.kind for s in handler_for(field_type).sub_fields if s.name == sub_field)
        return FILTERS[kind]


def orderable(field: FieldMeta) -> bool:
    return _kind(field) not in UNORDERABLE
