"""GraphQL filter and orderBy values to the engine's neutral query (no database)."""

from __future__ import annotations

import pytest
from graphql import GraphQLInputObjectType

from app.errors import InvalidFilter
from app.graphql.core import arguments
from app.query import ast
from tests.unit.graphql.core_schema_support import standard_schema


def person_filter() -> GraphQLInputObjectType:
    filter_type = standard_schema().type_map["PersonFilterInput"]
    assert isinstance(filter_type, GraphQLInputObjectType)
    return filter_type


def test_fields_and_logic_become_terms() -> None:
    value = {
        "name": {"firstName": {"eq": "Ada"}},
        "or": [{"city": {"in": ["Paris", "Rome"]}}, {"not": {"jobTitle": {"is": "NULL"}}}],
    }
    assert arguments.to_filter(value, person_filter()) == ast.And(
        (
            ast.FilterTerm(("name", "firstName"), "eq", "Ada"),
            ast.Or(
                (
                    ast.FilterTerm(("city",), "in", ("Paris", "Rome")),
                    ast.Not(ast.FilterTerm(("jobTitle",), "is", "NULL")),
                )
            ),
        )
    )


def test_a_relation_filter_prefixes_its_paths() -> None:
    value = {"company": {"employees": {"gte": 100}, "or": [{"name": {"eq": "A"}}]}}
    assert arguments.to_filter(value, person_filter()) == ast.And(
        (
            ast.FilterTerm(("company", "employees"), "gte", 100),
            ast.Or((ast.FilterTerm(("company", "name"), "eq", "A"),)),
        )
    )


def test_one_term_is_not_wrapped() -> None:
    value = {"city": {"eq": "Paris"}}
    assert arguments.to_filter(value, person_filter()) == ast.FilterTerm(("city",), "eq", "Paris")


@pytest.mark.parametrize("value", [{}, {"and": []}, {"and": [{}], "or": []}, {"not": {}}])
def test_filters_that_compare_nothing_are_empty(value: dict[str, object]) -> None:
    assert arguments.is_empty(arguments.to_filter(value, person_filter()))


def test_regex_and_null_operands_are_refused() -> None:
    with pytest.raises(InvalidFilter, match='Operator "iregex" is not supported'):
        arguments.to_filter({"city": {"iregex": "x"}}, person_filter())
    with pytest.raises(InvalidFilter, match=r"use \{is: NULL\}"):
        arguments.to_filter({"city": {"eq": None}}, person_filter())


def test_order_by_nests_composites_and_keeps_list_order() -> None:
    value = [{"name": {"lastName": "AscNullsLast"}}, None, {"createdAt": "DescNullsFirst"}]
    assert arguments.to_order_by(value) == (
        ast.OrderTerm(("name", "lastName"), ast.Direction.AscNullsLast),
        ast.OrderTerm(("createdAt",), ast.Direction.DescNullsFirst),
    )


def test_upsert_path_splits_on_dots() -> None:
    assert arguments.upsert_path("emails.primaryEmail") == ("emails", "primaryEmail")
    assert arguments.upsert_path(None) is None
