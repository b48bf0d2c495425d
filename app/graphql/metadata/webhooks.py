"""Webhooks on `/metadata`, by Twenty's names.

    type Webhook { id: UUID!  targetUrl: String!  operations: [String!]!  description: String
                   secret: String!  applicationId: UUID!  createdAt: DateTime!
                   updatedAt: DateTime!  deletedAt: DateTime }
    input CreateWebhookInput { id: UUID  targetUrl: String!  operations: [String!]!
                               description: String  secret: String }
    input UpdateWebhookInput { id: UUID!  update: UpdateWebhookInputUpdates! }
    input UpdateWebhookInputUpdates { targetUrl: String  operations: [String!]
                                      description: String  secret: String }

    webhooks: [Webhook!]!                 webhook(id: UUID!): Webhook
    createWebhook(input: CreateWebhookInput!): Webhook!
    updateWebhook(input: UpdateWebhookInput!): Webhook!
    deleteWebhook(id: UUID!): Webhook!

Every operation needs a key whose role may manage API keys and webhooks (FORBIDDEN otherwise).
The secret is shown on reads, as Twenty does: the receiver's developer needs it to verify.
`webhook` answers null for an id that is not a live webhook of the workspace.
"""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.graphql.metadata.context import MetadataInfo
from app.graphql.metadata.inputs import UNSET, to_dict
from app.graphql.metadata.scalars import DateTime, moment
from app.webhooks.store import Webhook


@strawberry.type(name="Webhook")
class WebhookNode:
    id: UUID
    target_url: str
    operations: list[str]
    description: str | None
    secret: str
    application_id: UUID
    created_at: DateTime
    updated_at: DateTime
    deleted_at: DateTime | None

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookNode:
        return cls(
            id=webhook.id,
            target_url=webhook.target_url,
            operations=list(webhook.operations),
            description=webhook.description,
            secret=webhook.secret,
            application_id=webhook.application_id,
            created_at=moment(webhook.created_at),
            updated_at=moment(webhook.updated_at),
            deleted_at=DateTime(webhook.deleted_at) if webhook.deleted_at else None,
        )


@strawberry.input(name="CreateWebhookInput")
class CreateWebhookInput:
    id: UUID | None = UNSET
    target_url: str
    operations: list[str]
    description: str | None = UNSET
    secret: str | None = UNSET


@strawberry.input(name="UpdateWebhookInputUpdates")
class UpdateWebhookInputUpdates:
    target_url: str | None = UNSET
    operations: list[str] | None = UNSET
    description: str | None = UNSET
    secret: str | None = UNSET


@strawberry.input(name="UpdateWebhookInput")
class UpdateWebhookInput:
    id: UUID
    update: UpdateWebhookInputUpdates


@strawberry.type
class WebhookQuery:
    @strawberry.field
    async def webhooks(self, info: MetadataInfo) -> list[WebhookNode]:
        return [WebhookNode.of(w) for w in await info.context.webhooks.find_all()]

    @strawberry.field
    async def webhook(self, info: MetadataInfo, id: UUID) -> WebhookNode | None:
        found = await info.context.webhooks.find(id)
        return WebhookNode.of(found) if found else None


@strawberry.type
class WebhookMutation:
    @strawberry.mutation
    async def create_webhook(self, info: MetadataInfo, input: CreateWebhookInput) -> WebhookNode:
        return WebhookNode.of(await info.context.webhooks.create(to_dict(input)))

    @strawberry.mutation
    async def update_webhook(self, info: MetadataInfo, input: UpdateWebhookInput) -> WebhookNode:
        changes = to_dict(input.update)
        return WebhookNode.of(await info.context.webhooks.update(input.id, changes))

    @strawberry.mutation
    async def delete_webhook(self, info: MetadataInfo, id: UUID) -> WebhookNode:
        return WebhookNode.of(await info.context.webhooks.delete(id))
