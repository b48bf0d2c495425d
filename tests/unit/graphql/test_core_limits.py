"""The depth and cost validation rules, run against the standard schema (no database)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, parse, validate

from app.graphql.core.limits import cost_limit, depth_limit
from tests.unit.graphql.core_schema_support import standard_schema


def errors(query: str, **limits: Any) -> list[GraphQLError]:
    rules = [
        depth_limit(limits.get("depth", 12)),
        cost_limit(
            limits.get("cost", 50_000),
            default_page=60,
            max_page=200,
            variables=limits.get("variables"),
        ),
    ]
    return validate(standard_schema(), parse(query), rules)


def test_depth_counts_nested_fields_through_fragments() -> None:
    query = """{ people { ...P } }
               fragment P on PersonConnection { edges { node { company { name } } } }"""
    assert errors(query, depth=5) == []
    [error] = errors(query, depth=4)
    assert error.message == "Query is too deep: depth 5 exceeds the maximum of 4"
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED", "appCode": "QUERY_TOO_DEEP"}


def test_introspection_is_free() -> None:
    query = "{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }"
    assert errors(query, depth=2, cost=1) == []


def test_cost_multiplies_by_page_size() -> None:
    query = "{ people(first: 10) { totalCount edges { node { id city } } } }"
    # people 1 + totalCount 1 + edges (1 + 10 * (node 1 + id 1 + city 1))
    assert errors(query, cost=33) == []
    [error] = errors(query, cost=32)
    assert error.message.startswith("Query is too complex: cost 33 exceeds the maximum of 32")


def test_nested_pages_multiply_and_variables_count() -> None:
    query = """query($n: Int) { companies(first: 200) { edges { node {
                 people(first: $n) { edges { node { id } } } } } } }"""
    assert errors(query, cost=10_000, variables={"n": 5}) == []
    assert errors(query, cost=10_000, variables={"n": 100})
    unnamed = "{ companies { edges { node { people { edges { node { id } } } } } } }"
    # default pages of 60: 1 + 1 + 60 * (1 + 1 + 1 + 60 * 2)
    assert errors(unnamed, cost=7382) == []
    assert errors(unnamed, cost=7381)
