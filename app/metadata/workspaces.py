"""Creating a workspace: its row, its roles, the standard objects' metadata and tables.

One transaction: the workspace row, the metadata rows, the schema and every table either all
exist afterwards or none do.
"""

from __future__ import annotations

import re
import uuid

import asyncpg

from app.errors import BadRequest, Conflict
from app.metadata import ddl, roles, store
from app.metadata.seeder import build_objects
from app.metadata.standard_objects import STANDARD_OBJECTS

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$")


async def create_workspace(conn: asyncpg.Connection, name: str) -> store.Workspace:
    """Create workspace `name` with Twenty's standard objects. The caller owns the transaction."""
    name = name.strip()
    if not _NAME_RE.match(name):
        raise BadRequest(
            f"Invalid workspace name '{name}': use 1-63 letters, digits, spaces, '.', '_' or '-'"
        )
    if await store.find_workspace(conn, name) is not None:
        raise Conflict(f"A workspace named '{name}' already exists")
    workspace_id = uuid.uuid4()
    schema = ddl.schema_name_for(workspace_id)
    workspace = await store.insert_workspace(conn, workspace_id, name, schema)
    await roles.seed_roles(conn, workspace_id)
    objects = build_objects(workspace_id, STANDARD_OBJECTS)
    await store.insert_objects(conn, objects)
    for statement in ddl.create_model(schema, objects):
        await conn.execute(statement)
    return workspace
