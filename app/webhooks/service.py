"""A workspace's webhooks and their delivery log, for every transport.

    webhooks = WebhookService(db, catalogs=store, principal=principal, allow_private=False)
    created = await webhooks.create(body)

Every call needs a key whose role may manage API keys and webhooks (settings_access), checked
first, before any input is judged. A change is one transaction that locks the workspace row
and bumps its metadata version (`settings_change`, Note [permission changes]): the
outbox learns who listens from a cache keyed by that version (Note [transactional outbox]),
so every process sees the change from its next request on. Inputs are checked (inputs) and the
target vetted (Note [webhook targets]) before the transaction opens.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg

from app.auth.access_service import CatalogRefresher, settings_change
from app.auth.api_keys import Principal
from app.auth.settings_access import require_settings_access
from app.db.database import Database
from app.errors import WebhookAlreadyExists, WebhookNotFound
from app.webhooks import deliveries, inputs, store, targets
from app.webhooks.store import Webhook

STATUSES = ("pending", "delivered", "failed")


class WebhookService:
    def __init__(
        self,
        db: Database,
        *,
        catalogs: CatalogRefresher,
        principal: Principal,
        allow_private: bool,
    ) -> None:
        self._db = db
        self._catalogs = catalogs
        self._principal = principal
        self._workspace_id = principal.workspace_id
        self._allow_private = allow_private

    @asynccontextmanager
    async def _settings(self) -> AsyncIterator[asyncpg.Connection]:
        async with self._db.transaction() as conn:
            await require_settings_access(conn, self._principal)
            yield conn

    def _change(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        return settings_change(self._db, self._catalogs, self._principal)

    async def _object_names(self) -> list[str]:
        """The objects operations may name (after the caller's access is checked)."""
        async with self._settings() as conn:
            rows = await conn.fetch(
                "SELECT name_singular FROM core.object_metadata "
                "WHERE workspace_id = $1 AND is_active",
                self._workspace_id,
            )
        return [row["name_singular"] for row in rows]

    # ---- webhooks ------------------------------------------------------------------------

    async def find_all(self) -> list[Webhook]:
        async with self._settings() as conn:
            return await store.list_webhooks(conn, self._workspace_id)

    async def find(self, webhook_id: UUID) -> Webhook | None:
        async with self._settings() as conn:
            return await store.find(conn, self._workspace_id, webhook_id)

    async def get(self, webhook_id: UUID) -> Webhook:
        found = await self.find(webhook_id)
        if found is None:
            raise _not_found(webhook_id)
        return found

    async def create(self, body: Any) -> Webhook:
        spec = inputs.webhook_create(body, await self._object_names())
        await targets.check(spec.target_url, allow_private=self._allow_private)
        async with self._change() as conn:
            if await store.id_taken(conn, spec.id):
                raise WebhookAlreadyExists(
                    f"A webhook with id {spec.id} already exists", field="id"
                )
            return await store.insert(
                conn,
                webhook_id=spec.id,
                workspace_id=self._workspace_id,
                target_url=spec.target_url,
                operations=spec.operations,
                description=spec.description,
                secret=spec.secret,
            )

    async def update(self, webhook_id: UUID, body: Any) -> Webhook:
        changes = inputs.webhook_update(body, await self._object_names())
        if "targetUrl" in changes:
            await targets.check(changes["targetUrl"], allow_private=self._allow_private)
        if not changes:
            return await self.get(webhook_id)
        async with self._change() as conn:
            updated = await store.update(conn, self._workspace_id, webhook_id, changes)
            if updated is None:
                raise _not_found(webhook_id)
            return updated

    async def delete(self, webhook_id: UUID) -> Webhook:
        async with self._change() as conn:
            deleted = await store.delete(conn, self._workspace_id, webhook_id)
            if deleted is None:
                raise _not_found(webhook_id)
            return deleted

    # ---- the delivery log ------------------------------------------------------------------

    async def deliveries(
        self, webhook_id: UUID, *, status: str | None, limit: int, after: UUID | None
    ) -> tuple[Webhook, list[Mapping[str, Any]], bool, int]:
        """The webhook, one page of its deliveries (newest first), whether more follow, and
        how many there are."""
        async with self._settings() as conn:
            webhook = await self._own(conn, webhook_id)
            rows, more = await deliveries.page(
                conn, webhook_id, status=status, limit=limit, after=after
            )
            total = await deliveries.count(conn, webhook_id, status)
        return webhook, rows, more, total

    async def delivery(self, webhook_id: UUID, delivery_id: UUID) -> Mapping[str, Any]:
        async with self._settings() as conn:
            await self._own(conn, webhook_id)
            row = await deliveries.one(conn, webhook_id, delivery_id)
        if row is None:
            raise WebhookNotFound(f"Webhook delivery {delivery_id} not found", id=str(delivery_id))
        return row

    async def replay(self, webhook_id: UUID, delivery_id: UUID) -> Mapping[str, Any]:
        """Send one delivery again now (with a fresh retry horizon)."""
        async with self._settings() as conn:
            await self._own(conn, webhook_id)
            if await deliveries.one(conn, webhook_id, delivery_id) is None:
                raise WebhookNotFound(
                    f"Webhook delivery {delivery_id} not found", id=str(delivery_id)
                )
            await deliveries.replay(conn, webhook_id, [delivery_id])
            row = await deliveries.one(conn, webhook_id, delivery_id)
        assert row is not None
        return row

    async def replay_failed(self, webhook_id: UUID) -> int:
        """Send every failed delivery of the webhook again; how many."""
        async with self._settings() as conn:
            await self._own(conn, webhook_id)
            return await deliveries.replay(
                conn, webhook_id, await deliveries.failed_ids(conn, webhook_id)
            )

    async def _own(self, conn: asyncpg.Connection, webhook_id: UUID) -> Webhook:
        webhook = await store.find(conn, self._workspace_id, webhook_id)
        if webhook is None:
            raise _not_found(webhook_id)
        return webhook


def _not_found(webhook_id: UUID) -> WebhookNotFound:
    return WebhookNotFound("Webhook not found.", id=str(webhook_id))
