"""API keys and roles as the metadata REST API writes them. Never a secret or a hash: a key's
token appears only in the answers of create and regenerate, added by the router.

    apiKey  {id name workspaceId roleId role{id label} status tokenHint expiresAt revokedAt
             lastUsedAt previousTokenValidUntil createdAt updatedAt}
    role    {id label description icon isEditable canUpdateAllSettings canAccessAllTools
             canReadAllObjectRecords canUpdateAllObjectRecords canSoftDeleteAllObjectRecords
             canDestroyAllObjectRecords canBeAssignedToUsers canBeAssignedToAgents
             canBeAssignedToApiKeys apiKeys[{id name expiresAt revokedAt}]
             objectPermissions[…] fieldPermissions[…] permissionFlags[] createdAt updatedAt}
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.auth.access_service import KeyView, RoleDetail
from app.auth.api_keys import ApiKey
from app.metadata.field_types import ScalarKind, dump_scalar
from app.metadata.role_permissions import FieldPermission, ObjectPermission


def _moment(value: datetime | None) -> Any:
    return dump_scalar(ScalarKind.DATE_TIME, value)


def key_json(view: KeyView) -> dict[str, Any]:
    key = view.key
    role = view.role.role if view.role else None
    return {
        "id": str(key.id),
        "name": key.name,
        "workspaceId": str(key.workspace_id),
        "roleId": str(key.role_id) if key.role_id else None,
        "role": {"id": str(role.id), "label": role.label} if role else None,
        "status": key.status,
        "tokenHint": key.token_hint,
        "expiresAt": _moment(key.expires_at),
        "revokedAt": _moment(key.revoked_at),
        "lastUsedAt": _moment(key.last_used_at),
        "previousTokenValidUntil": _moment(key.previous_token_valid_until),
        "createdAt": _moment(key.created_at),
        "updatedAt": _moment(key.updated_at),
    }


def _key_for_role(key: ApiKey) -> dict[str, Any]:
    return {
        "id": str(key.id),
        "name": key.name,
        "expiresAt": _moment(key.expires_at),
        "revokedAt": _moment(key.revoked_at),
    }


def object_permission_json(permission: ObjectPermission) -> dict[str, Any]:
    return {
        "id": str(permission.id),
        "roleId": str(permission.role_id),
        "objectMetadataId": str(permission.object_id),
        "canReadObjectRecords": permission.can_read,
        "canUpdateObjectRecords": permission.can_update,
        "canSoftDeleteObjectRecords": permission.can_soft_delete,
        "canDestroyObjectRecords": permission.can_destroy,
    }


def field_permission_json(permission: FieldPermission) -> dict[str, Any]:
    return {
        "id": str(permission.id),
        "roleId": str(permission.role_id),
        "objectMetadataId": str(permission.object_id),
        "fieldMetadataId": str(permission.field_id),
        "canReadFieldValue": permission.can_read,
        "canUpdateFieldValue": permission.can_update,
    }


def role_json(detail: RoleDetail) -> dict[str, Any]:
    role = detail.role
    return {
        "id": str(role.id),
        "label": role.label,
        "description": role.description,
        "icon": role.icon,
        "isEditable": role.is_editable,
        "canUpdateAllSettings": role.can_update_all_settings,
        "canAccessAllTools": role.can_access_all_tools,
        "canReadAllObjectRecords": role.can_read_all_object_records,
        "canUpdateAllObjectRecords": role.can_update_all_object_records,
        "canSoftDeleteAllObjectRecords": role.can_soft_delete_all_object_records,
        "canDestroyAllObjectRecords": role.can_destroy_all_object_records,
        "canBeAssignedToUsers": role.can_be_assigned_to_users,
        "canBeAssignedToAgents": role.can_be_assigned_to_agents,
        "canBeAssignedToApiKeys": role.can_be_assigned_to_api_keys,
        "apiKeys": [_key_for_role(k) for k in detail.api_keys],
        "objectPermissions": [object_permission_json(p) for p in detail.object_permissions],
        "fieldPermissions": [field_permission_json(p) for p in detail.field_permissions],
        "permissionFlags": [],
        "createdAt": _moment(role.created_at),
        "updatedAt": _moment(role.updated_at),
    }
