"""A read that meets a table newer than its catalog (a field renamed or dropped since the
request was admitted) refreshes the catalog and runs once more (Note [database failures])."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app import gate
from app.errors import ObjectNotFound
from app.query import dberrors
from app.rest.target import Target

T = TypeVar("T")


async def read_fresh(target: Target, read: Callable[[Target], Awaitable[T]]) -> T:
    try:
        return await read(target)
    except Exception as exc:
        if not dberrors.model_changed(exc):
            raise
    return await read(await _refreshed(target))


async def _refreshed(target: Target) -> Target:
    catalogs, old = target.state.catalogs, target.catalog
    catalog = await catalogs.refresh(old.workspace_id, min_version=old.version + 1)
    obj = catalog.by_id(target.obj.id)
    if obj is None or not obj.is_active:
        raise ObjectNotFound(f"object '{target.obj.name_plural}' not found")
    access = gate.access_for(catalog, target.principal)
    return dataclasses.replace(target, catalog=catalog, access=access, obj=obj)
