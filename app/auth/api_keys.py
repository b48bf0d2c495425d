"""API keys: issue, list, revoke, and turn a bearer token into a principal.

A token is `crm_` followed by 43 URL-safe random characters (256 bits), so leaked tokens are
easy for secret scanners to spot. It is shown once. The database keeps only
HMAC-SHA256(APP_SECRET, token) in hex, looked up through a unique index and compared again in
constant time; a stolen database therefore yields no usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from app.errors import BadRequest, NotFound, Unauthenticated

TOKEN_PREFIX = "crm_"  # noqa: S105 (a public prefix, not a secret)
_TOKEN_BODY_LENGTH = 43  # secrets.token_urlsafe(32)
LAST_USED_WRITE_INTERVAL = 60.0  # seconds between last_used_at writes per key and process
LAST_USED_MEMORY = 10_000  # keys whose last write time a process remembers


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: UUID
    workspace_id: UUID
    name: str
    role_id: UUID | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime
    token_hint: str | None
    # After a rotation with an overlap, the replaced token works until then.
    previous_token_valid_until: datetime | None = None

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= datetime.now(UTC):
            return "expired"
        return "active"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: one key of one workspace, acting with one role."""

    workspace_id: UUID
    api_key_id: UUID
    role_id: UUID | None
    name: str = "API"
    rate_limit_per_minute: int | None = None  # the key's override, else the workspace's
    rate_limit_per_second: int | None = None
    # The workspace's metadata version as this request's key lookup read it: a catalog older
    # than this is reloaded before use (Note [catalog reload ordering]).
    metadata_version: int | None = None


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def token_hint(token: str) -> str:
    """What may be shown later to recognise a key: the prefix and the last four characters."""
    return f"{TOKEN_PREFIX}…{token[-4:]}"


def key_from_row(row: Any) -> ApiKey:
    return ApiKey(
        id=row["id"],
        workspace_id=row["workspace_id"],
        name=row["name"],
        role_id=row["role_id"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        token_hint=row["token_hint"],
        previous_token_valid_until=row["previous_token_valid_until"],
    )


async def create_api_key(
    conn: asyncpg.Connection,
    *,
    secret: str,
    workspace_id: UUID,
    name: str,
    role_id: UUID | None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key and return it with its token (the only time the token exists)."""
    name = name.strip()
    if not name:
        raise BadRequest("API key name must not be empty")
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise BadRequest("expiresAt must be in the future")
    token = new_token()
    row = await conn.fetchrow(
        "INSERT INTO core.api_key (id, workspace_id, name, token_hash, token_hint, role_id, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
        uuid.uuid4(),
        workspace_id,
        name,
        hash_token(secret, token),
        token_hint(token),
        role_id,
        expires_at,
    )
    return key_from_row(row), token


async def list_api_keys(conn: asyncpg.Connection, workspace_id: UUID | None = None) -> list[ApiKey]:
    rows = await conn.fetch(
        "SELECT * FROM core.api_key WHERE $1::uuid IS NULL OR workspace_id = $1 "
        "ORDER BY created_at",
        workspace_id,
    )
    return [key_from_row(r) for r in rows]


async def revoke_api_key(conn: asyncpg.Connection, key_id: UUID) -> ApiKey:
    row = await conn.fetchrow(
        "UPDATE core.api_key SET revoked_at = coalesce(revoked_at, now()), updated_at = now() "
        "WHERE id = $1 RETURNING *",
        key_id,
    )
    if row is None:
        raise NotFound(f"API key '{key_id}' not found")
    return key_from_row(row)


# The current token, or the previous one during its overlap window after a rotation.
_AUTHENTICATE = """
SELECT k.id, k.workspace_id, k.role_id, k.name, k.expires_at, k.revoked_at,
       CASE WHEN k.token_hash = $1 THEN k.token_hash ELSE k.previous_token_hash END
           AS matched_hash,
       coalesce(k.rate_limit_per_minute, w.rate_limit_per_minute) AS per_minute,
       coalesce(k.rate_limit_per_second, w.rate_limit_per_second) AS per_second,
       w.metadata_version
FROM core.api_key k JOIN core.workspace w ON w.id = k.workspace_id
WHERE k.token_hash = $1
   OR (k.previous_token_hash = $1 AND k.previous_token_valid_until > now())
"""


class Authenticator:
    """Verifies bearer tokens against the stored hashes; one per process."""

    def __init__(self, secret: str) -> None:
        self._secret = secret
        # Bounded: the keys seen most recently (an evicted key is written once more, no harm).
        self._last_used_written: OrderedDict[UUID, float] = OrderedDict()
        # Digests of tokens that authenticated lately: an address refused for sending bad keys
        # still gets its good ones looked up (app.gate), and nothing else.
        self._recent: OrderedDict[str, None] = OrderedDict()

    def recently_valid(self, authorization: str | None) -> bool:
        """Whether this header's token authenticated lately (it is looked up again anyway)."""
        try:
            digest = hash_token(self._secret, _bearer_token(authorization))
        except Unauthenticated:
            return False
        return digest in self._recent

    async def authenticate(self, conn: asyncpg.Connection, authorization: str | None) -> Principal:
        token = _bearer_token(authorization)
        digest = hash_token(self._secret, token)
        row = await conn.fetchrow(_AUTHENTICATE, digest)
        if row is None or not hmac.compare_digest(row["matched_hash"], digest):
            raise Unauthenticated("Invalid API key")
        if row["revoked_at"] is not None:
            raise Unauthenticated("This API Key is revoked")
        if row["expires_at"] is not None and row["expires_at"] <= datetime.now(UTC):
            raise Unauthenticated("Token has expired.")
        await self._touch(conn, row["id"])
        self._recent[digest] = None
        self._recent.move_to_end(digest)
        if len(self._recent) > LAST_USED_MEMORY:
            self._recent.popitem(last=False)
        return Principal(
            workspace_id=row["workspace_id"],
            api_key_id=row["id"],
            role_id=row["role_id"],
            name=row["name"],
            rate_limit_per_minute=row["per_minute"],
            rate_limit_per_second=row["per_second"],
            metadata_version=row["metadata_version"],
        )

    async def _touch(self, conn: asyncpg.Connection, key_id: UUID) -> None:
        """Record use, at most once a minute per key and process (no write per request)."""
        now = time.monotonic()
        if now - self._last_used_written.get(key_id, float("-inf")) < LAST_USED_WRITE_INTERVAL:
            return
        self._last_used_written[key_id] = now
        self._last_used_written.move_to_end(key_id)
        if len(self._last_used_written) > LAST_USED_MEMORY:
            self._last_used_written.popitem(last=False)
        await conn.execute("UPDATE core.api_key SET last_used_at = now() WHERE id = $1", key_id)


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated(
            "Missing authentication token: send 'Authorization: Bearer <API key>'"
        )
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("Malformed Authorization header: expected 'Bearer <API key>'")
    if not token.startswith(TOKEN_PREFIX) or len(token) != len(TOKEN_PREFIX) + _TOKEN_BODY_LENGTH:
        raise Unauthenticated("Invalid API key")
    return token
