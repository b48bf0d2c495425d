"""The depth and cost validation rules, run against the standard schema (no database)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, get_introspection_query, parse, validate

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


def test_one_introspection_fits_its_allowance_whatever_the_data_limit() -> None:
    query = "{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }"
    assert errors(query, depth=2, cost=1) == []
    assert errors(get_introspection_query(descriptions=True), cost=1) == []


def test_aliased_introspection_is_counted_and_refused() -> None:
    one = "types { fields { args { type { name kind ofType { name } } } } }"
    query = "{ " + " ".join(f"a{i}: __schema {{ {one} }}" for i in range(300)) + " }"
    [error] = errors(query)
    assert error.message.startswith("Query is too complex: introspection cost")
    assert error.extensions == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "appCode": "QUERY_TOO_COMPLEX",
    }


def test_fragments_spreading_each_other_are_measured_in_linear_time() -> None:
    """40 fragments each spreading the previous one twice stand for 2^40 selections: the walk
    memoises each fragment, so this answers at once (it used to freeze the server)."""
    chain = "\n".join(
        f"fragment F{i} on Person {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 41)
    )
    query = (
        "{ people(first: 200) { edges { node { ...F40 } } } }\n"
        "fragment F0 on Person { id name { firstName } }\n" + chain
    )
    [error] = errors(query)
    assert error.extensions is not None
    assert error.extensions["appCode"] == "QUERY_TOO_COMPLEX"
    level = "fragment D{} on Person {{ company {{ people {{ edges {{ node {{ ...D{} }} }} }} }} }}"
    deep = "{ people { edges { node { ...D10 } } } }\nfragment D0 on Person { id }\n" + "\n".join(
        level.format(i, i - 1) for i in range(1, 11)
    )
    [too_deep, *_] = errors(deep)
    assert too_deep.extensions is not None
    assert too_deep.extensions["appCode"] == "QUERY_TOO_DEEP"


def test_aliases_are_each_counted() -> None:
    one = "people(first: 200) { edges { node { id } } }"
    query = "{ " + " ".join(f"a{i}: {one}" for i in range(200)) + " }"
    [error] = errors(query)
    assert error.message.startswith("Query is too complex: cost 80400 ")


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
