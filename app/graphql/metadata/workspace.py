"""The workspace's settings on `/metadata`: Twenty's `currentWorkspace` and `updateWorkspace`.

    type Workspace { id: UUID!  displayName: String  logo: String  deletedAt: DateTime
                     createdAt: DateTime!  updatedAt: DateTime!
                     activationStatus: WorkspaceActivationStatus!  metadataVersion: Float!
                     databaseSchema: String  subdomain: String!
                     rateLimitPerMinute: Int!  rateLimitPerSecond: Int! }
    input UpdateWorkspaceInput { displayName: String  logo: String
                                 rateLimitPerMinute: Int  rateLimitPerSecond: Int }

    currentWorkspace: Workspace!
    updateWorkspace(data: UpdateWorkspaceInput!): Workspace!

Twenty's Workspace has many more fields (authentication providers, billing, AI models, …) for
features a headless API server has not: they are left out, so selecting one is a validation
error naming it rather than a made-up value. `subdomain` is the workspace's name (read-only
here: `crm` commands and DEFAULT_WORKSPACE use it). `rateLimitPerMinute`/`rateLimitPerSecond`
are ours: the budget every API key of the workspace gets unless the key has its own; null in
`updateWorkspace` returns to the server's default. Every key reads; changing needs a role that
may update settings (FORBIDDEN otherwise).
"""

from __future__ import annotations

from enum import Enum
from uuid import UUID

import strawberry

from app.auth.workspace_settings import WorkspaceSettings
from app.graphql.metadata.context import MetadataInfo
from app.graphql.metadata.inputs import UNSET, to_dict
from app.graphql.metadata.scalars import DateTime, moment


@strawberry.enum(name="WorkspaceActivationStatus")
class WorkspaceActivationStatus(Enum):
    ONGOING_CREATION = "ONGOING_CREATION"
    PENDING_CREATION = "PENDING_CREATION"
    CREATED = "CREATED"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    SUSPENDED = "SUSPENDED"


@strawberry.type(name="Workspace")
class WorkspaceNode:
    id: UUID
    display_name: str | None
    logo: str | None
    deleted_at: DateTime | None
    created_at: DateTime
    updated_at: DateTime
    activation_status: WorkspaceActivationStatus
    metadata_version: float
    database_schema: str | None
    subdomain: str
    rate_limit_per_minute: int
    rate_limit_per_second: int

    @classmethod
    def of(cls, settings: WorkspaceSettings, info: MetadataInfo) -> WorkspaceNode:
        defaults = info.context.rate_limit_defaults
        return cls(
            id=settings.id,
            display_name=settings.display_name,
            logo=settings.logo,
            deleted_at=None,
            created_at=moment(settings.created_at),
            updated_at=moment(settings.updated_at),
            activation_status=WorkspaceActivationStatus.ACTIVE,
            metadata_version=float(settings.metadata_version),
            database_schema=settings.schema_name,
            subdomain=settings.name,
            rate_limit_per_minute=settings.rate_limit_per_minute or defaults[0],
            rate_limit_per_second=settings.rate_limit_per_second or defaults[1],
        )


@strawberry.input(name="UpdateWorkspaceInput")
class UpdateWorkspaceInput:
    display_name: str | None = UNSET
    logo: str | None = UNSET
    rate_limit_per_minute: int | None = UNSET
    rate_limit_per_second: int | None = UNSET


@strawberry.type
class WorkspaceQuery:
    @strawberry.field
    async def current_workspace(self, info: MetadataInfo) -> WorkspaceNode:
        return WorkspaceNode.of(await info.context.workspace.current(), info)


@strawberry.type
class WorkspaceMutation:
    @strawberry.mutation
    async def update_workspace(
        self, info: MetadataInfo, data: UpdateWorkspaceInput
    ) -> WorkspaceNode:
        return WorkspaceNode.of(await info.context.workspace.update(to_dict(data)), info)
