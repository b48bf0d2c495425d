"""The document cache: parse and static validation once per (schema, query text)."""

from __future__ import annotations

from app.graphql.core.builder import build_core_schema
from app.graphql.core.documents import DocumentCache
from app.graphql.core.limits import depth_limit
from tests.unit.graphql.core_schema_support import catalog_of, standard_schema


def test_a_repeated_query_is_parsed_and_validated_once() -> None:
    cache = DocumentCache()
    rules = (depth_limit(12),)
    first = cache.check(standard_schema(), "{ people { totalCount } }", rules)
    assert first.document is not None and first.errors == ()
    assert cache.check(standard_schema(), "{ people { totalCount } }", rules) is first
    other = build_core_schema(catalog_of(version=2))
    assert cache.check(other, "{ people { totalCount } }", rules) is not first


def test_parse_and_validation_outcomes_are_kept() -> None:
    cache = DocumentCache()
    broken = cache.check(standard_schema(), "{ people {", ())
    assert broken.document is None and broken.parse_error is not None
    invalid = cache.check(standard_schema(), "{ persons { totalCount } }", ())
    assert invalid.errors and "persons" in invalid.errors[0].message


def test_the_oldest_entries_are_dropped_beyond_the_bound() -> None:
    cache = DocumentCache(max_entries=2)
    kept = [
        cache.check(standard_schema(), f"{{ people(first: {n}) {{ totalCount }} }}", ())
        for n in range(3)
    ]
    again = cache.check(standard_schema(), "{ people(first: 0) { totalCount } }", ())
    assert again is not kept[0]
    assert cache.check(standard_schema(), "{ people(first: 2) { totalCount } }", ()) is kept[2]
