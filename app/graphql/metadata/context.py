"""What a `/metadata` resolver knows about its request: the caller's workspace, the metadata
service (objects and fields), the access service (API keys and roles), the webhook service and
the workspace's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from strawberry.types import Info

from app.auth.access_service import AccessService
from app.auth.workspace_settings import WorkspaceSettingsService
from app.metadata.service import MetadataService
from app.metadata.workspace_model import WorkspaceModel
from app.webhooks.service import WebhookService


@dataclass(slots=True)
class MetadataContext:
    service: MetadataService
    workspace_id: UUID
    access: AccessService
    webhooks: WebhookService
    workspace: WorkspaceSettingsService
    rate_limit_defaults: tuple[int, int]  # the server's per-minute and per-second budgets
    _model: WorkspaceModel | None = field(default=None, repr=False)

    async def model(self) -> WorkspaceModel:
        """The workspace's model, loaded once per request."""
        if self._model is None:
            self._model = await self.service.model(self.workspace_id)
        return self._model


MetadataInfo = Info[MetadataContext, None]
