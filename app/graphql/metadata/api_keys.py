"""API keys on `/metadata`, by Twenty's names.

    type ApiKey { id name expiresAt: DateTime!  revokedAt: DateTime  createdAt updatedAt
                  role: Role!  lastUsedAt: DateTime  tokenHint: String }
    type ApiKeyToken { token: String! }

    apiKeys: [ApiKey!]!                       apiKey(input: GetApiKeyInput!): ApiKey
    createApiKey(input: CreateApiKeyInput!): ApiKey!
    updateApiKey(input: UpdateApiKeyInput!): ApiKey
    revokeApiKey(input: RevokeApiKeyInput!): ApiKey
    generateApiKeyToken(apiKeyId: UUID!, expiresAt: String!): ApiKeyToken!
    assignRoleToApiKey(apiKeyId: UUID!, roleId: UUID!): Boolean!

As in Twenty, a client creates a key, then asks for its token: `generateApiKeyToken` issues a
new secret and shows it once; calling it again rotates the secret (the previous one stops
working at once; REST's regenerate can keep it alive for an overlap). The secret `createApiKey`
stores is never shown here, Twenty's ApiKey type having no place for it. `lastUsedAt` and
`tokenHint` are ours. `apiKey` answers null for an id that is not the workspace's.
"""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.auth.access_service import KeyView
from app.errors import NoRoleAssigned
from app.graphql.metadata.context import MetadataInfo
from app.graphql.metadata.inputs import UNSET, to_dict
from app.graphql.metadata.roles import RoleNode, key_expiry
from app.graphql.metadata.scalars import DateTime, moment


@strawberry.type(name="ApiKey")
class ApiKeyNode:
    id: UUID
    name: str
    expires_at: DateTime
    revoked_at: DateTime | None
    created_at: DateTime
    updated_at: DateTime
    last_used_at: DateTime | None
    token_hint: str | None
    view: strawberry.Private[KeyView]

    @classmethod
    def of(cls, view: KeyView) -> ApiKeyNode:
        key = view.key
        return cls(
            id=key.id,
            name=key.name,
            expires_at=key_expiry(key),
            revoked_at=DateTime(key.revoked_at) if key.revoked_at else None,
            created_at=moment(key.created_at),
            updated_at=moment(key.updated_at),
            last_used_at=DateTime(key.last_used_at) if key.last_used_at else None,
            token_hint=key.token_hint,
            view=view,
        )

    @strawberry.field
    def role(self) -> RoleNode:
        if self.view.role is None:
            raise NoRoleAssigned(f"API key {self.id} has no role assigned")
        return RoleNode.of(self.view.role)


@strawberry.type(name="ApiKeyToken")
class ApiKeyToken:
    token: str


@strawberry.input(name="GetApiKeyInput")
class GetApiKeyInput:
    id: UUID


@strawberry.input(name="CreateApiKeyInput")
class CreateApiKeyInput:
    name: str
    expires_at: str
    role_id: UUID
    revoked_at: str | None = UNSET


@strawberry.input(name="UpdateApiKeyInput")
class UpdateApiKeyInput:
    id: UUID
    name: str | None = UNSET
    expires_at: str | None = UNSET
    revoked_at: str | None = UNSET


@strawberry.input(name="RevokeApiKeyInput")
class RevokeApiKeyInput:
    id: UUID


@strawberry.type
class ApiKeyQuery:
    @strawberry.field
    async def api_keys(self, info: MetadataInfo) -> list[ApiKeyNode]:
        return [ApiKeyNode.of(view) for view in await info.context.access.list_keys()]

    @strawberry.field
    async def api_key(self, info: MetadataInfo, input: GetApiKeyInput) -> ApiKeyNode | None:
        view = await info.context.access.find_key(input.id)
        return ApiKeyNode.of(view) if view else None


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation
    async def create_api_key(self, info: MetadataInfo, input: CreateApiKeyInput) -> ApiKeyNode:
        view, _token = await info.context.access.create_key(to_dict(input))
        return ApiKeyNode.of(view)

    @strawberry.mutation
    async def update_api_key(
        self, info: MetadataInfo, input: UpdateApiKeyInput
    ) -> ApiKeyNode | None:
        changes = {k: v for k, v in to_dict(input).items() if k != "id"}
        return ApiKeyNode.of(await info.context.access.update_key(input.id, changes))

    @strawberry.mutation
    async def revoke_api_key(
        self, info: MetadataInfo, input: RevokeApiKeyInput
    ) -> ApiKeyNode | None:
        return ApiKeyNode.of(await info.context.access.revoke_key(input.id))

    @strawberry.mutation
    async def generate_api_key_token(
        self, info: MetadataInfo, api_key_id: UUID, expires_at: str
    ) -> ApiKeyToken:
        _view, token = await info.context.access.rotate_key(api_key_id, expires_at=expires_at)
        return ApiKeyToken(token=token)

    @strawberry.mutation
    async def assign_role_to_api_key(
        self, info: MetadataInfo, api_key_id: UUID, role_id: UUID
    ) -> bool:
        await info.context.access.assign_role(api_key_id, role_id)
        return True
