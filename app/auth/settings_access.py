"""Who may manage a workspace's settings (its API keys, roles and permissions): a caller whose
role has `canUpdateAllSettings`.

Twenty guards these resolvers with its settings-permission guard and refuses everyone else
with PERMISSION_DENIED "User does not have permission" (REST 400, GraphQL FORBIDDEN). The
flag is read from `core.role` on the caller's own connection, so a check made inside a
transaction holds for the change that follows it.
"""

from __future__ import annotations

import asyncpg

from app.auth.api_keys import Principal
from app.errors import PermissionDenied

DENIED = "User does not have permission"


async def require_settings_access(conn: asyncpg.Connection, principal: Principal) -> None:
    """PermissionDenied unless the caller's role (of its own workspace) may update settings.
    A key with no role may not."""
    allowed = await conn.fetchval(
        "SELECT can_update_all_settings FROM core.role WHERE id = $1 AND workspace_id = $2",
        principal.role_id,
        principal.workspace_id,
    )
    if allowed is not True:
        raise PermissionDenied(DENIED)
