"""A workspace's own settings, Twenty's `currentWorkspace`/`updateWorkspace`: its display name
and logo, and the default rate limit of its API keys.

Every key may read them; changing them needs a role that may update settings (settings_access).
The rate limit applies from the next request on, in every process: the key lookup reads it with
the key (app/auth/api_keys.py); a key's own override still wins. Setting it to null returns to
the server's default (RATE_LIMIT_PER_MINUTE / RATE_LIMIT_PER_SECOND).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from app.auth.api_keys import Principal
from app.auth.settings_access import require_settings_access
from app.db.database import Database
from app.errors import InvalidMetadataInput, MetadataNotFound

MAX_DISPLAY_NAME = 200
MAX_LOGO = 2048
MAX_RATE = 1_000_000_000
_KEYS = {
    "displayName": "display_name",
    "logo": "logo",
    "rateLimitPerMinute": "rate_limit_per_minute",
    "rateLimitPerSecond": "rate_limit_per_second",
}


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    id: UUID
    name: str
    display_name: str | None
    logo: str | None
    schema_name: str
    metadata_version: int
    created_at: datetime
    updated_at: datetime
    rate_limit_per_minute: int | None  # None: the server's default
    rate_limit_per_second: int | None


def _settings(row: Mapping[str, Any]) -> WorkspaceSettings:
    return WorkspaceSettings(**{f: row[f] for f in WorkspaceSettings.__dataclass_fields__})


def settings_update(body: Any) -> dict[str, Any]:
    """The columns an update sets, checked; every problem listed, as metadata inputs are."""
    if not isinstance(body, Mapping):
        raise InvalidMetadataInput(["The workspace input must be an object"])
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for key, value in body.items():
        if key not in _KEYS:
            problems.append(f"Unknown workspace setting '{key}'. Allowed: {', '.join(_KEYS)}")
        elif key == "displayName":
            text = " ".join(value.split()) if isinstance(value, str) else None
            if not text or len(text) > MAX_DISPLAY_NAME:
                problems.append(
                    f"displayName must be a non-empty string of at most {MAX_DISPLAY_NAME} "
                    "characters"
                )
            changes[_KEYS[key]] = text
        elif key == "logo":
            if value is not None and (not isinstance(value, str) or len(value) > MAX_LOGO):
                problems.append(f"logo must be a string of at most {MAX_LOGO} characters, or null")
            changes[_KEYS[key]] = (value.strip() or None) if isinstance(value, str) else None
        else:
            valid = isinstance(value, int) and not isinstance(value, bool)
            if value is not None and not (valid and 1 <= value <= MAX_RATE):
                problems.append(f"{key} must be an integer from 1 to {MAX_RATE}, or null")
            changes[_KEYS[key]] = value
    if problems:
        raise InvalidMetadataInput(problems)
    return changes


class WorkspaceSettingsService:
    def __init__(self, db: Database, *, principal: Principal) -> None:
        self._db = db
        self._principal = principal

    async def current(self) -> WorkspaceSettings:
        async with self._db.connection() as conn:
            return await self._read(conn)

    async def update(self, body: Any) -> WorkspaceSettings:
        changes = settings_update(body)
        async with self._db.transaction() as conn:
            await require_settings_access(conn, self._principal)
            if changes:
                sets = [f"{column} = ${i}" for i, column in enumerate(changes, start=2)]
                await conn.execute(
                    f"UPDATE core.workspace SET {', '.join(sets)}, updated_at = now() "
                    "WHERE id = $1",
                    self._principal.workspace_id,
                    *changes.values(),
                )
            return await self._read(conn)

    async def _read(self, conn: asyncpg.Connection) -> WorkspaceSettings:
        row = await conn.fetchrow(
            "SELECT id, name, display_name, logo, schema_name, metadata_version, created_at, "
            "updated_at, rate_limit_per_minute, rate_limit_per_second FROM core.workspace "
            "WHERE id = $1",
            self._principal.workspace_id,
        )
        if row is None:
            raise MetadataNotFound("Workspace not found", id=str(self._principal.workspace_id))
        return _settings(row)
