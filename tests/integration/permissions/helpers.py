"""Roles with object and field grants written straight to the database, and keys that hold them.

Every write bumps the workspace's metadata version, as the role API's writes do, so the next
request reads a catalog snapshot with the new permissions.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.auth import api_keys
from app.db.database import Database
from app.metadata import roles, store
from tests.support import TEST_SECRET, WorkspaceFixture

Flags = dict[str, bool | None]


async def _object_id(conn: Any, workspace: WorkspaceFixture, singular: str) -> uuid.UUID:
    object_id: uuid.UUID = await conn.fetchval(
        "SELECT id FROM core.object_metadata WHERE workspace_id = $1 AND name_singular = $2",
        workspace.id,
        singular,
    )
    assert object_id is not None, singular
    return object_id


async def _field_id(conn: Any, object_id: uuid.UUID, name: str) -> uuid.UUID:
    field_id: uuid.UUID = await conn.fetchval(
        "SELECT id FROM core.field_metadata WHERE object_metadata_id = $1 AND name = $2",
        object_id,
        name,
    )
    assert field_id is not None, name
    return field_id


async def make_role(
    db: Database,
    workspace: WorkspaceFixture,
    label: str,
    *,
    settings: bool = False,
    records: bool = True,
    objects: dict[str, Flags] | None = None,
    fields: dict[str, Flags] | None = None,
) -> uuid.UUID:
    """A role whose broad flags are all `records` (settings apart), with object grants by
    object (`{"company": {"read": False}}`) and field grants by `object.field`
    (`{"person.city": {"read": False}}`)."""
    role_id = uuid.uuid4()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO core.role (id, workspace_id, label, is_editable, "
            "can_update_all_settings, can_read_all_object_records, "
            "can_update_all_object_records, can_soft_delete_all_object_records, "
            "can_destroy_all_object_records) VALUES ($1, $2, $3, true, $4, $5, $5, $5, $5)",
            role_id,
            workspace.id,
            label,
            settings,
            records,
        )
        for singular, flags in (objects or {}).items():
            await conn.execute(
                "INSERT INTO core.object_permission (id, workspace_id, role_id, "
                "object_metadata_id, can_read_object_records, can_update_object_records, "
                "can_soft_delete_object_records, can_destroy_object_records) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                uuid.uuid4(),
                workspace.id,
                role_id,
                await _object_id(conn, workspace, singular),
                flags.get("read"),
                flags.get("update"),
                flags.get("soft_delete"),
                flags.get("destroy"),
            )
        for path, flags in (fields or {}).items():
            singular, name = path.split(".")
            object_id = await _object_id(conn, workspace, singular)
            await conn.execute(
                "INSERT INTO core.field_permission (id, workspace_id, role_id, "
                "object_metadata_id, field_metadata_id, can_read_field_value, "
                "can_update_field_value) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                uuid.uuid4(),
                workspace.id,
                role_id,
                object_id,
                await _field_id(conn, object_id, name),
                flags.get("read"),
                flags.get("update"),
            )
        await store.bump_version(conn, workspace.id)
    return role_id


async def key_for(
    db: Database, workspace: WorkspaceFixture, role_id: uuid.UUID | None
) -> WorkspaceFixture:
    """A new key of `workspace` holding `role_id` (None: no role at all)."""
    async with db.transaction() as conn:
        key, token = await api_keys.create_api_key(
            conn,
            secret=TEST_SECRET,
            workspace_id=workspace.id,
            name="permissions test",
            role_id=role_id,
        )
    return WorkspaceFixture(workspace.id, workspace.name, workspace.schema, token, key.id)


async def member_key(db: Database, workspace: WorkspaceFixture) -> WorkspaceFixture:
    async with db.connection() as conn:
        member = await roles.role_by_label(conn, workspace.id, roles.MEMBER)
    assert member is not None
    return await key_for(db, workspace, member.id)


async def set_field_grant(
    db: Database, role_id: uuid.UUID, path: str, workspace: WorkspaceFixture, **flags: bool | None
) -> None:
    """Upsert one field grant and bump the version (as the role API does)."""
    singular, name = path.split(".")
    async with db.transaction() as conn:
        object_id = await _object_id(conn, workspace, singular)
        await conn.execute(
            "INSERT INTO core.field_permission (id, workspace_id, role_id, object_metadata_id, "
            "field_metadata_id, can_read_field_value, can_update_field_value) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (role_id, field_metadata_id) "
            "DO UPDATE SET can_read_field_value = EXCLUDED.can_read_field_value, "
            "can_update_field_value = EXCLUDED.can_update_field_value",
            uuid.uuid4(),
            workspace.id,
            role_id,
            object_id,
            await _field_id(conn, object_id, name),
            flags.get("read"),
            flags.get("update"),
        )
        await store.bump_version(conn, workspace.id)
