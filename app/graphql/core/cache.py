"""The core schema cache: one schema per (workspace, catalog version), built once, then shared.

Invalidation is by version only (STYLE habit 4): a request whose catalog is newer misses and
builds; the new schema replaces the workspace's entry; nothing is ever cleared by hand. Builds
are single-flight per key and run off the event loop; a schema is stored and handed out only
once it is complete and valid, so no request ever sees a half-built one. A request still
holding an older snapshot gets a schema for that snapshot, which is never stored over a newer
one. At most `max_workspaces` workspaces are kept, least recently used first out.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from uuid import UUID

from graphql import GraphQLSchema

from app.catalog.snapshot import Catalog
from app.graphql.core.builder import build_core_schema

Key = tuple[UUID, int]


class SchemaCache:
    def __init__(
        self,
        build: Callable[[Catalog], GraphQLSchema] = build_core_schema,
        *,
        max_workspaces: int = 512,
    ) -> None:
        self._build = build
        self._max = max_workspaces
        self._entries: OrderedDict[UUID, tuple[int, GraphQLSchema]] = OrderedDict()
        self._building: dict[Key, asyncio.Future[GraphQLSchema]] = {}
        self.builds = 0  # how many schemas were built (for tests and metrics)

    def cached(self, catalog: Catalog) -> GraphQLSchema | None:
        entry = self._entries.get(catalog.workspace_id)
        if entry is None or entry[0] != catalog.version:
            return None
        self._entries.move_to_end(catalog.workspace_id)
        return entry[1]

    async def get(self, catalog: Catalog) -> GraphQLSchema:
        schema = self.cached(catalog)
        if schema is not None:
            return schema
        pending = self._building.get(catalog.key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[GraphQLSchema] = asyncio.get_running_loop().create_future()
        self._building[catalog.key] = future
        try:
            schema = await asyncio.to_thread(self._build, catalog)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: waiters re-raise it, nobody else must
            raise
        finally:
            self._building.pop(catalog.key, None)
        self.builds += 1
        self._store(catalog, schema)
        future.set_result(schema)
        return schema

    def _store(self, catalog: Catalog, schema: GraphQLSchema) -> None:
        current = self._entries.get(catalog.workspace_id)
        if current is not None and current[0] > catalog.version:
            return
        self._entries[catalog.workspace_id] = (catalog.version, schema)
        self._entries.move_to_end(catalog.workspace_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
