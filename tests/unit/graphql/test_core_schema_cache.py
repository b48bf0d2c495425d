"""The schema cache: one build per (workspace, version), single-flight, never a stale overwrite."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, GraphQLString

from app.catalog.snapshot import Catalog
from app.graphql.core.cache import SchemaCache
from tests.unit.graphql.core_schema_support import catalog_of


class SlowBuild:
    """Builds a trivial schema per catalog, waiting for a go signal (off the event loop)."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.calls: list[int] = []

    def __call__(self, catalog: Catalog) -> GraphQLSchema:
        self.go.wait(5)
        self.calls.append(catalog.version)
        field = GraphQLField(GraphQLString, description=f"v{catalog.version}")
        return GraphQLSchema(GraphQLObjectType("Query", {"version": field}))


async def test_concurrent_requests_share_one_build() -> None:
    build = SlowBuild()
    cache = SchemaCache(build)
    catalog = catalog_of()
    waiting = [asyncio.create_task(cache.get(catalog)) for _ in range(5)]
    await asyncio.sleep(0.05)
    build.go.set()
    schemas = await asyncio.gather(*waiting)
    assert build.calls == [1]
    assert all(s is schemas[0] for s in schemas)
    assert cache.cached(catalog) is schemas[0]


async def test_a_new_version_replaces_and_an_old_one_never_overwrites() -> None:
    build = SlowBuild()
    build.go.set()
    cache = SchemaCache(build)
    old, new = catalog_of(version=1), catalog_of(version=2)
    first = await cache.get(old)
    second = await cache.get(new)
    assert second is not first
    assert cache.cached(old) is None
    stale = await cache.get(old)  # a request still holding the old snapshot
    assert stale is not second
    assert cache.cached(new) is second
    assert build.calls == [1, 2, 1]


async def test_a_failed_build_is_not_cached() -> None:
    calls = 0

    def broken(catalog: Catalog) -> GraphQLSchema:
        nonlocal calls
        calls += 1
        raise ValueError("broken model")

    cache = SchemaCache(broken)
    catalog = catalog_of()
    for _ in range(2):
        with contextlib.suppress(ValueError):
            await cache.get(catalog)
    assert calls == 2
    assert cache.cached(catalog) is None
