"""The types every workspace schema shares: page info, sort directions and operator inputs.

    enum OrderByDirection { AscNullsFirst AscNullsLast DescNullsFirst DescNullsLast }
    enum FilterIs { NULL NOT_NULL }
    type PageInfo { startCursor: Cursor endCursor: Cursor
                    hasNextPage: Boolean! hasPreviousPage: Boolean! }
    input StringFilter { eq gt gte in: [String!] lt lte neq startsWith endsWith like ilike
                         regex iregex is: FilterIs }
    input UUIDFilter { eq gt gte in: [UUID!] lt lte neq is }          (Float, BigFloat, Date,
    input FloatFilter { … }                                            DateTime alike)
    input BooleanFilter { eq neq is }
    input RawJsonFilter { is like ilike }
    input ArrayFilter { containsIlike contains not_contains: [String] is isEmptyArray }
    input TSVectorFilter { search: String }
    enum DateGranularityEnum { DAY DAY_OF_THE_WEEK MONTH … YEAR }
    input GroupByDateGranularityInput { granularity: DateGranularityEnum }
    input OrderByDateGranularityInput { orderBy: OrderByDirection granularity: DateGranularityEnum }

Operator inputs carry the `OPERATORS` role: their fields are comparison operators.
"""

from __future__ import annotations

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
)

from app.graphql.core.roles import OPERATORS
from app.graphql.core.scalars import (
    BigFloatScalar,
    CursorScalar,
    DateScalar,
    DateTimeScalar,
    UUIDScalar,
)
from app.query.ast import Direction

OrderByDirection = GraphQLEnumType(
    "OrderByDirection",
    {
        d.value: GraphQLEnumValue(
            d.value,
            description=(
                f"{'Descending' if d.descending else 'Ascending'} order, "
                f"nulls {'first' if d.nulls_first else 'last'}"
            ),
        )
        for d in Direction
    },
    description="This enum is used to specify the order of results",
)

FilterIs = GraphQLEnumType(
    "FilterIs",
    {"NULL": GraphQLEnumValue("NULL"), "NOT_NULL": GraphQLEnumValue("NOT_NULL")},
)

PageInfo = GraphQLObjectType(
    "PageInfo",
    {
        "startCursor": GraphQLField(CursorScalar),
        "endCursor": GraphQLField(CursorScalar),
        "hasNextPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
        "hasPreviousPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
    },
)


def operators(name: str, fields: dict[str, GraphQLInputType]) -> GraphQLInputObjectType:
    """An input type of comparison operators."""
    return GraphQLInputObjectType(
        name,
        {op: GraphQLInputField(t) for op, t in fields.items()},
        extensions=OPERATORS.extensions(),
    )


def comparisons(name: str, scalar: GraphQLScalarType) -> GraphQLInputObjectType:
    """eq, gt, gte, in, lt, lte, neq, is: the filter of ordered values."""
    return operators(
        name,
        {
            "eq": scalar,
            "gt": scalar,
            "gte": scalar,
            "in": GraphQLList(GraphQLNonNull(scalar)),
            "lt": scalar,
            "lte": scalar,
            "neq": scalar,
            "is": FilterIs,
        },
    )


StringFilter = operators(
    "StringFilter",
    {
        "eq": GraphQLString,
        "gt": GraphQLString,
        "gte": GraphQLString,
        "in": GraphQLList(GraphQLNonNull(GraphQLString)),
        "lt": GraphQLString,
        "lte": GraphQLString,
        "neq": GraphQLString,
        "startsWith": GraphQLString,
        "endsWith": GraphQLString,
        "like": GraphQLString,
        "ilike": GraphQLString,
        "regex": GraphQLString,
        "iregex": GraphQLString,
        "is": FilterIs,
    },
)
UUIDFilter = comparisons("UUIDFilter", UUIDScalar)
FloatFilter = comparisons("FloatFilter", GraphQLFloat)
BigFloatFilter = comparisons("BigFloatFilter", BigFloatScalar)
DateFilter = comparisons("DateFilter", DateScalar)
DateTimeFilter = comparisons("DateTimeFilter", DateTimeScalar)
BooleanFilter = operators(
    "BooleanFilter", {"eq": GraphQLBoolean, "neq": GraphQLBoolean, "is": FilterIs}
)
RawJsonFilter = operators(
    "RawJsonFilter", {"is": FilterIs, "like": GraphQLString, "ilike": GraphQLString}
)
ArrayFilter = operators(
    "ArrayFilter",
    {
        "containsIlike": GraphQLList(GraphQLString),
        "contains": GraphQLList(GraphQLString),
        "not_contains": GraphQLList(GraphQLString),
        "is": FilterIs,
        "isEmptyArray": GraphQLBoolean,
    },
)
TSVectorFilter = operators("TSVectorFilter", {"search": GraphQLString})

DateGranularityEnum = GraphQLEnumType(
    "DateGranularityEnum",
    {
        name: GraphQLEnumValue(name)
        for name in (
            "DAY",
            "DAY_OF_THE_WEEK",
            "MONTH",
            "MONTH_OF_THE_YEAR",
            "NONE",
            "QUARTER",
            "QUARTER_OF_THE_YEAR",
            "WEEK",
            "YEAR",
        )
    },
    description=(
        "Date granularity (e.g. day, month, quarter, year, day of the week, quarter of the "
        "year, month of the year)"
    ),
)
GroupByDateGranularityInput = GraphQLInputObjectType(
    "GroupByDateGranularityInput",
    {"granularity": GraphQLInputField(DateGranularityEnum)},
)
OrderByDateGranularityInput = GraphQLInputObjectType(
    "OrderByDateGranularityInput",
    {
        "orderBy": GraphQLInputField(OrderByDirection),
        "granularity": GraphQLInputField(DateGranularityEnum),
    },
)
