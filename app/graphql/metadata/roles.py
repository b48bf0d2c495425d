"""Roles and their permissions on `/metadata`, by Twenty's names.

    type Role { id universalIdentifier: UUID  label description icon isEditable
                canBeAssignedToUsers canBeAssignedToAgents canBeAssignedToApiKeys
                apiKeys: [ApiKeyForRole!]!  canUpdateAllSettings canAccessAllTools
                canReadAllObjectRecords canUpdateAllObjectRecords canSoftDeleteAllObjectRecords
                canDestroyAllObjectRecords  permissionFlags: [RolePermissionFlag!]
                objectPermissions: [ObjectPermission!]  fieldPermissions: [FieldPermission!] }
    type ApiKeyForRole { id name expiresAt: DateTime!  revokedAt: DateTime }
    type ObjectPermission { objectMetadataId canReadObjectRecords canUpdateObjectRecords
                            canSoftDeleteObjectRecords canDestroyObjectRecords
                            restrictedFields: JSON }
    type FieldPermission { id objectMetadataId fieldMetadataId roleId canReadFieldValue
                           canUpdateFieldValue }
    type RolePermissionFlag { id roleId flag: String! }

    getRoles: [Role!]!          getApiKeyRoles: [Role!]! (the roles a key may be given)
    createOneRole(createRoleInput: CreateRoleInput!): Role!
    updateOneRole(updateRoleInput: UpdateRoleInput!): Role!
    deleteOneRole(roleId: UUID!): String!                                 (the deleted id)
    upsertObjectPermissions(upsertObjectPermissionsInput: …!): [ObjectPermission!]!
    upsertFieldPermissions(upsertFieldPermissionsInput: …!): [FieldPermission!]!

The upserts answer with every object (field) permission the role has after the change.
`permissionFlags` is always empty: per-feature setting flags are not modelled (only
`canUpdateAllSettings`). Twenty's `workspaceMembers`, `agents` and row-level predicates are
outside this server and omitted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import strawberry

from app.auth.access_service import RoleDetail
from app.auth.api_keys import ApiKey
from app.graphql.metadata.context import MetadataInfo
from app.graphql.metadata.inputs import UNSET, to_dict
from app.graphql.metadata.scalars import JSON, DateTime
from app.metadata.role_permissions import FieldPermission, ObjectPermission

NEVER = timedelta(days=36525)  # Twenty's "no expiry": 100 years


def key_expiry(key: ApiKey) -> DateTime:
    """`expiresAt` is non-null in Twenty's schema; a key that never expires answers as Twenty
    issues such keys: 100 years after its creation."""
    return DateTime(key.expires_at or key.created_at + NEVER)


def _maybe(value: datetime | None) -> DateTime | None:
    return DateTime(value) if value is not None else None


@strawberry.type(name="ApiKeyForRole")
class ApiKeyForRole:
    id: UUID
    name: str
    expires_at: DateTime
    revoked_at: DateTime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyForRole:
        return cls(
            id=key.id, name=key.name, expires_at=key_expiry(key), revoked_at=_maybe(key.revoked_at)
        )


@strawberry.type(name="ObjectPermission")
class ObjectPermissionNode:
    object_metadata_id: UUID
    can_read_object_records: bool | None
    can_update_object_records: bool | None
    can_soft_delete_object_records: bool | None
    can_destroy_object_records: bool | None
    restricted_fields: JSON | None

    @classmethod
    def of(cls, permission: ObjectPermission, detail: RoleDetail) -> ObjectPermissionNode:
        """`restrictedFields`: {fieldMetadataId: {canRead, canUpdate}} for the object's fields
        this role has a field permission on, as Twenty answers it."""
        restricted = {
            str(f.field_id): {"canRead": f.can_read, "canUpdate": f.can_update}
            for f in detail.field_permissions
            if f.object_id == permission.object_id
        }
        return cls(
            object_metadata_id=permission.object_id,
            can_read_object_records=permission.can_read,
            can_update_object_records=permission.can_update,
            can_soft_delete_object_records=permission.can_soft_delete,
            can_destroy_object_records=permission.can_destroy,
            restricted_fields=restricted,
        )


@strawberry.type(name="FieldPermission")
class FieldPermissionNode:
    id: UUID
    object_metadata_id: UUID
    field_metadata_id: UUID
    role_id: UUID
    can_read_field_value: bool | None
    can_update_field_value: bool | None

    @classmethod
    def of(cls, permission: FieldPermission) -> FieldPermissionNode:
        return cls(
            id=permission.id,
            object_metadata_id=permission.object_id,
            field_metadata_id=permission.field_id,
            role_id=permission.role_id,
            can_read_field_value=permission.can_read,
            can_update_field_value=permission.can_update,
        )


@strawberry.type(name="RolePermissionFlag")
class RolePermissionFlag:
    id: UUID
    role_id: UUID
    flag: str


@strawberry.type(name="Role")
class RoleNode:
    id: UUID
    universal_identifier: UUID | None
    label: str
    description: str | None
    icon: str | None
    is_editable: bool
    can_be_assigned_to_users: bool
    can_be_assigned_to_agents: bool
    can_be_assigned_to_api_keys: bool
    api_keys: list[ApiKeyForRole]
    can_update_all_settings: bool
    can_access_all_tools: bool
    can_read_all_object_records: bool
    can_update_all_object_records: bool
    can_soft_delete_all_object_records: bool
    can_destroy_all_object_records: bool
    permission_flags: list[RolePermissionFlag] | None
    object_permissions: list[ObjectPermissionNode] | None
    field_permissions: list[FieldPermissionNode] | None

    @classmethod
    def of(cls, detail: RoleDetail) -> RoleNode:
        role = detail.role
        return cls(
            id=role.id,
            universal_identifier=role.id,
            label=role.label,
            description=role.description,
            icon=role.icon,
            is_editable=role.is_editable,
            can_be_assigned_to_users=role.can_be_assigned_to_users,
            can_be_assigned_to_agents=role.can_be_assigned_to_agents,
            can_be_assigned_to_api_keys=role.can_be_assigned_to_api_keys,
            api_keys=[ApiKeyForRole.of(k) for k in detail.api_keys],
            can_update_all_settings=role.can_update_all_settings,
            can_access_all_tools=role.can_access_all_tools,
            can_read_all_object_records=role.can_read_all_object_records,
            can_update_all_object_records=role.can_update_all_object_records,
            can_soft_delete_all_object_records=role.can_soft_delete_all_object_records,
            can_destroy_all_object_records=role.can_destroy_all_object_records,
            permission_flags=[],
            object_permissions=[
                ObjectPermissionNode.of(p, detail) for p in detail.object_permissions
            ],
            field_permissions=[FieldPermissionNode.of(p) for p in detail.field_permissions],
        )


# ---- inputs ---------------------------------------------------------------------------------


@strawberry.input(name="UpdateRolePayload")
class UpdateRolePayload:
    label: str | None = UNSET
    description: str | None = UNSET
    icon: str | None = UNSET
    can_update_all_settings: bool | None = UNSET
    can_access_all_tools: bool | None = UNSET
    can_read_all_object_records: bool | None = UNSET
    can_update_all_object_records: bool | None = UNSET
    can_soft_delete_all_object_records: bool | None = UNSET
    can_destroy_all_object_records: bool | None = UNSET
    can_be_assigned_to_users: bool | None = UNSET
    can_be_assigned_to_agents: bool | None = UNSET
    can_be_assigned_to_api_keys: bool | None = UNSET


@strawberry.input(name="CreateRoleInput")
class CreateRoleInput:
    label: str
    id: str | None = UNSET
    description: str | None = UNSET
    icon: str | None = UNSET
    can_update_all_settings: bool | None = UNSET
    can_access_all_tools: bool | None = UNSET
    can_read_all_object_records: bool | None = UNSET
    can_update_all_object_records: bool | None = UNSET
    can_soft_delete_all_object_records: bool | None = UNSET
    can_destroy_all_object_records: bool | None = UNSET
    can_be_assigned_to_users: bool | None = UNSET
    can_be_assigned_to_agents: bool | None = UNSET
    can_be_assigned_to_api_keys: bool | None = UNSET


@strawberry.input(name="UpdateRoleInput")
class UpdateRoleInput:
    update: UpdateRolePayload
    id: UUID


@strawberry.input(name="ObjectPermissionInput")
class ObjectPermissionInput:
    object_metadata_id: UUID
    can_read_object_records: bool | None = UNSET
    can_update_object_records: bool | None = UNSET
    can_soft_delete_object_records: bool | None = UNSET
    can_destroy_object_records: bool | None = UNSET


@strawberry.input(name="UpsertObjectPermissionsInput")
class UpsertObjectPermissionsInput:
    role_id: UUID
    object_permissions: list[ObjectPermissionInput]


@strawberry.input(name="FieldPermissionInput")
class FieldPermissionInput:
    object_metadata_id: UUID
    field_metadata_id: UUID
    can_read_field_value: bool | None = UNSET
    can_update_field_value: bool | None = UNSET


@strawberry.input(name="UpsertFieldPermissionsInput")
class UpsertFieldPermissionsInput:
    role_id: UUID
    field_permissions: list[FieldPermissionInput]


# ---- operations -----------------------------------------------------------------------------


@strawberry.type
class RoleQuery:
    @strawberry.field
    async def get_roles(self, info: MetadataInfo) -> list[RoleNode]:
        return [RoleNode.of(d) for d in await info.context.access.list_roles()]

    @strawberry.field
    async def get_api_key_roles(self, info: MetadataInfo) -> list[RoleNode]:
        details = await info.context.access.list_roles(assignable_to_api_keys=True)
        return [RoleNode.of(d) for d in details]


@strawberry.type
class RoleMutation:
    @strawberry.mutation
    async def create_one_role(
        self, info: MetadataInfo, create_role_input: CreateRoleInput
    ) -> RoleNode:
        return RoleNode.of(await info.context.access.create_role(to_dict(create_role_input)))

    @strawberry.mutation
    async def update_one_role(
        self, info: MetadataInfo, update_role_input: UpdateRoleInput
    ) -> RoleNode:
        detail = await info.context.access.update_role(
            update_role_input.id, to_dict(update_role_input.update)
        )
        return RoleNode.of(detail)

    @strawberry.mutation
    async def delete_one_role(self, info: MetadataInfo, role_id: UUID) -> str:
        return str((await info.context.access.delete_role(role_id)).id)

    @strawberry.mutation
    async def upsert_object_permissions(
        self, info: MetadataInfo, upsert_object_permissions_input: UpsertObjectPermissionsInput
    ) -> list[ObjectPermissionNode]:
        given = upsert_object_permissions_input
        detail = await info.context.access.upsert_object_permissions(
            given.role_id, to_dict(given.object_permissions)
        )
        return [ObjectPermissionNode.of(p, detail) for p in detail.object_permissions]

    @strawberry.mutation
    async def upsert_field_permissions(
        self, info: MetadataInfo, upsert_field_permissions_input: UpsertFieldPermissionsInput
    ) -> list[FieldPermissionNode]:
        given = upsert_field_permissions_input
        detail = await info.context.access.upsert_field_permissions(
            given.role_id, to_dict(given.field_permissions)
        )
        return [FieldPermissionNode.of(p) for p in detail.field_permissions]
