"""A standard-model catalog and its core schema, built without a database."""

from __future__ import annotations

import uuid
from functools import lru_cache

from graphql import GraphQLSchema

from app.catalog.snapshot import Catalog
from app.graphql.core.builder import build_core_schema
from app.metadata.seeder import build_objects
from app.metadata.specs import ObjectSpec
from app.metadata.standard_objects import STANDARD_OBJECTS

WORKSPACE = uuid.UUID("00000000-0000-4000-8000-000000000001")


def catalog_of(specs: tuple[ObjectSpec, ...] = (), *, version: int = 1) -> Catalog:
    objects = build_objects(WORKSPACE, STANDARD_OBJECTS)
    if specs:
        objects += build_objects(WORKSPACE, specs, is_custom=True)
    return Catalog.build(WORKSPACE, "workspace_test", version, objects)


@lru_cache(maxsize=1)
def standard_schema() -> GraphQLSchema:
    return build_core_schema(catalog_of())
