"""API-key and role inputs: a JSON body (REST) or a GraphQL input (as a dict) to typed values.

The shape is checked here, before any row is read, with class-validator's words as the
metadata inputs are ("name should not be empty", "property x should not exist"); every
problem is reported at once as `InvalidMetadataInput`. Whether the ids exist, belong to the
caller's workspace and may be combined is judged later, against the rows.

Keys are the API's (camelCase); role flags are mapped to their `core.role` columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from app.errors import InvalidMetadataInput
from app.metadata.role_specs import FieldPermissionSpec, ObjectPermissionSpec, RoleValues

MAX_OVERLAP_SECONDS = 7 * 24 * 3600  # how long a rotated-out token may keep working

_STRING, _BOOL, _UUID, _MOMENT, _INT = "a string", "a boolean value", "a UUID", "date", "int"

# Twenty's CreateRoleInput / UpdateRolePayload flags, by API name, and their columns.
ROLE_FLAGS = {
    "canUpdateAllSettings": "can_update_all_settings",
    "canAccessAllTools": "can_access_all_tools",
    "canReadAllObjectRecords": "can_read_all_object_records",
    "canUpdateAllObjectRecords": "can_update_all_object_records",
    "canSoftDeleteAllObjectRecords": "can_soft_delete_all_object_records",
    "canDestroyAllObjectRecords": "can_destroy_all_object_records",
    "canBeAssignedToUsers": "can_be_assigned_to_users",
    "canBeAssignedToAgents": "can_be_assigned_to_agents",
    "canBeAssignedToApiKeys": "can_be_assigned_to_api_keys",
}
_ROLE_TEXT = {"label": _STRING, "description": _STRING, "icon": _STRING}
_UPDATE_ROLE = {**_ROLE_TEXT, **dict.fromkeys(ROLE_FLAGS, _BOOL)}
_CREATE_ROLE = {"id": _UUID, **_UPDATE_ROLE}
_CREATE_KEY = {"name": _STRING, "expiresAt": _MOMENT, "revokedAt": _MOMENT, "roleId": _UUID}
_UPDATE_KEY = {"name": _STRING, "expiresAt": _MOMENT, "revokedAt": _MOMENT}
_OBJECT_PERMISSION = {
    "objectMetadataId": _UUID,
    "canReadObjectRecords": _BOOL,
    "canUpdateObjectRecords": _BOOL,
    "canSoftDeleteObjectRecords": _BOOL,
    "canDestroyObjectRecords": _BOOL,
}
_FIELD_PERMISSION = {
    "objectMetadataId": _UUID,
    "fieldMetadataId": _UUID,
    "canReadFieldValue": _BOOL,
    "canUpdateFieldValue": _BOOL,
}


@dataclass(frozen=True, slots=True)
class KeyCreate:
    name: str
    role_id: UUID | None  # refused later when missing: a key acts with exactly one role
    expires_at: datetime | None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class KeyUpdate:
    """Only what the client sent: `expires_at_sent` with `expires_at` None means "never
    expires"; `revoke` None means untouched, True revoke, False un-revoke (refused later)."""

    name: str | None = None
    expires_at: datetime | None = None
    expires_at_sent: bool = False
    revoke: bool | None = None


@dataclass(slots=True)
class _Checker:
    messages: list[str] = field(default_factory=list)
    shapeless: bool = False  # not an object at all: nothing more worth saying about it

    def body(self, raw: Any, allowed: Mapping[str, str], where: str = "") -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            self.messages.append(f"{where.rstrip('.') or 'The input'} must be a JSON object")
            self.shapeless = True
            return {}
        out: dict[str, Any] = {}
        for key, value in raw.items():
            kind = allowed.get(key)
            if kind is None:
                self.messages.append(f"property {where}{key} should not exist")
            elif value is None:
                out[key] = None
            else:
                parsed = self._value(f"{where}{key}", kind, value)
                if parsed is not None:
                    out[key] = parsed
        return out

    def _value(self, name: str, kind: str, value: Any) -> Any:
        if kind == _STRING and isinstance(value, str):
            return value
        if kind == _BOOL and isinstance(value, bool):
            return value
        if kind == _INT and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == _UUID and isinstance(value, str):
            try:
                return UUID(value)
            except ValueError:
                pass
        if kind == _MOMENT and isinstance(value, str):
            moment = parse_moment(value)
            if moment is not None:
                return moment
            self.messages.append(f"{name} must be a valid ISO 8601 date string")
            return None
        noun = {_MOMENT: "a valid ISO 8601 date string", _INT: "an integer number"}.get(kind, kind)
        self.messages.append(f"{name} must be {noun}")
        return None

    def required(self, values: Mapping[str, Any], *keys: str) -> None:
        if self.shapeless:
            return
        for key in keys:
            value = values.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.messages.append(f"{key} should not be empty")

    def done(self) -> None:
        if self.messages:
            raise InvalidMetadataInput(list(dict.fromkeys(self.messages)))


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 date or date-time (`Z` accepted); naive values are UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def key_create(raw: Any) -> KeyCreate:
    check = _Checker()
    values = check.body(raw, _CREATE_KEY)
    check.required(values, "name")
    check.done()
    return KeyCreate(
        name=values["name"].strip(),
        role_id=values.get("roleId"),
        expires_at=values.get("expiresAt"),
        revoked=values.get("revokedAt") is not None,
    )


def key_update(raw: Any) -> KeyUpdate:
    check = _Checker()
    values = check.body(raw, _UPDATE_KEY)
    if "name" in values:
        check.required(values, "name")
    check.done()
    return KeyUpdate(
        name=values["name"].strip() if "name" in values else None,
        expires_at=values.get("expiresAt"),
        expires_at_sent="expiresAt" in values,
        revoke=None if "revokedAt" not in values else values["revokedAt"] is not None,
    )


def overlap_seconds(raw: Any) -> int:
    """`{"overlapSeconds": N}` (or no body): how long the replaced token keeps working."""
    check = _Checker()
    values = check.body({} if raw is None else raw, {"overlapSeconds": _INT})
    seconds = values.get("overlapSeconds") or 0
    if not 0 <= seconds <= MAX_OVERLAP_SECONDS:
        check.messages.append(f"overlapSeconds must be between 0 and {MAX_OVERLAP_SECONDS}")
    check.done()
    return int(seconds)


def role_create(raw: Any) -> RoleValues:
    check = _Checker()
    values = check.body(raw, _CREATE_ROLE)
    check.required(values, "label")
    check.done()
    return RoleValues(_role_columns(values), id=values.get("id"))


def role_update(raw: Any) -> RoleValues:
    check = _Checker()
    values = check.body(raw, _UPDATE_ROLE)
    if "label" in values:
        check.required(values, "label")
    for flag in ROLE_FLAGS:
        if flag in values and values[flag] is None:
            check.messages.append(f"{flag} must be a boolean value")
    check.done()
    return RoleValues(_role_columns(values))


def _role_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for key, value in values.items():
        if key in ROLE_FLAGS:
            if value is not None:  # a flag sent as null keeps its value (or the default)
                columns[ROLE_FLAGS[key]] = value
        elif key in _ROLE_TEXT:
            columns[key] = " ".join(value.split()) if key == "label" else value
    return columns


def object_permissions(raw: Any) -> list[ObjectPermissionSpec]:
    check = _Checker()
    specs = []
    for i, item in enumerate(_items(check, raw, "objectPermissions")):
        values = check.body(item, _OBJECT_PERMISSION, f"objectPermissions.{i}.")
        if not isinstance(item, Mapping):
            continue
        if values.get("objectMetadataId") is None:
            check.messages.append(f"objectPermissions.{i}.objectMetadataId should not be empty")
            continue
        specs.append(
            ObjectPermissionSpec(
                object_id=values["objectMetadataId"],
                can_read=values.get("canReadObjectRecords"),
                can_update=values.get("canUpdateObjectRecords"),
                can_soft_delete=values.get("canSoftDeleteObjectRecords"),
                can_destroy=values.get("canDestroyObjectRecords"),
            )
        )
    check.done()
    return specs


def field_permissions(raw: Any) -> list[FieldPermissionSpec]:
    check = _Checker()
    specs = []
    for i, item in enumerate(_items(check, raw, "fieldPermissions")):
        values = check.body(item, _FIELD_PERMISSION, f"fieldPermissions.{i}.")
        missing = [k for k in ("objectMetadataId", "fieldMetadataId") if values.get(k) is None]
        if not isinstance(item, Mapping):
            continue
        if missing:
            check.messages.extend(f"fieldPermissions.{i}.{k} should not be empty" for k in missing)
            continue
        specs.append(
            FieldPermissionSpec(
                object_id=values["objectMetadataId"],
                field_id=values["fieldMetadataId"],
                can_read=values.get("canReadFieldValue"),
                can_update=values.get("canUpdateFieldValue"),
            )
        )
    check.done()
    return specs


def _items(check: _Checker, raw: Any, name: str) -> list[Any]:
    if not isinstance(raw, list):
        check.messages.append(f"{name} must be an array")
        return []
    return raw
