"""API-key and role inputs are checked for shape before any row is read, with every problem
listed in class-validator's words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.auth import access_inputs
from app.errors import InvalidMetadataInput


def problems(call: object, *args: object) -> list[str]:
    with pytest.raises(InvalidMetadataInput) as caught:
        call(*args)  # type: ignore[operator]
    listed: list[str] = caught.value.context["messages"]
    return listed


def test_key_create_reads_name_role_and_expiry() -> None:
    role = uuid.uuid4()
    spec = access_inputs.key_create(
        {"name": " zapier ", "roleId": str(role), "expiresAt": "2030-01-01T00:00:00Z"}
    )
    assert spec.name == "zapier"
    assert spec.role_id == role
    assert spec.expires_at == datetime(2030, 1, 1, tzinfo=UTC)
    assert spec.revoked is False


def test_key_create_lists_every_problem() -> None:
    assert problems(
        access_inputs.key_create, {"name": " ", "roleId": "x", "expiresAt": 3, "token": "t"}
    ) == [
        "roleId must be a UUID",
        "expiresAt must be a valid ISO 8601 date string",
        "property token should not exist",
        "name should not be empty",
    ]
    assert problems(access_inputs.key_create, []) == ["The input must be a JSON object"]


def test_naive_moments_are_utc() -> None:
    assert access_inputs.parse_moment("2030-01-01") == datetime(2030, 1, 1, tzinfo=UTC)
    assert access_inputs.parse_moment("tomorrow") is None


def test_key_update_keeps_only_what_was_sent() -> None:
    assert access_inputs.key_update({}) == access_inputs.KeyUpdate()
    cleared = access_inputs.key_update({"expiresAt": None})
    assert cleared.expires_at_sent is True
    assert cleared.expires_at is None
    assert access_inputs.key_update({"revokedAt": "2020-01-01"}).revoke is True
    assert access_inputs.key_update({"revokedAt": None}).revoke is False


@pytest.mark.parametrize(("body", "seconds"), [(None, 0), ({}, 0), ({"overlapSeconds": 30}, 30)])
def test_overlap_defaults_to_zero(body: object, seconds: int) -> None:
    assert access_inputs.overlap_seconds(body) == seconds


@pytest.mark.parametrize("value", [-1, access_inputs.MAX_OVERLAP_SECONDS + 1, "5", True, 1.5])
def test_overlap_must_be_a_bounded_integer(value: object) -> None:
    (message,) = problems(access_inputs.overlap_seconds, {"overlapSeconds": value})
    assert message.startswith("overlapSeconds must be")


def test_role_inputs_map_flags_to_columns_and_collapse_the_label() -> None:
    role_id = uuid.uuid4()
    values = access_inputs.role_create(
        {"id": str(role_id), "label": "  Sales   team ", "canReadAllObjectRecords": True}
    )
    assert values.id == role_id
    assert values.columns == {"label": "Sales team", "can_read_all_object_records": True}
    assert access_inputs.role_update({"icon": None}).columns == {"icon": None}
    assert problems(access_inputs.role_update, {"canUpdateAllSettings": None}) == [
        "canUpdateAllSettings must be a boolean value"
    ]
    assert problems(access_inputs.role_create, {"label": "x", "isEditable": True}) == [
        "property isEditable should not exist"
    ]


def test_permission_inputs_need_their_ids() -> None:
    object_id, field_id = uuid.uuid4(), uuid.uuid4()
    (spec,) = access_inputs.object_permissions(
        [{"objectMetadataId": str(object_id), "canReadObjectRecords": False}]
    )
    assert (spec.object_id, spec.can_read, spec.can_update) == (object_id, False, None)
    (field,) = access_inputs.field_permissions(
        [{"objectMetadataId": str(object_id), "fieldMetadataId": str(field_id)}]
    )
    assert (field.field_id, field.can_read, field.can_update) == (field_id, None, None)
    assert problems(access_inputs.field_permissions, [{"objectMetadataId": str(object_id)}]) == [
        "fieldPermissions.0.fieldMetadataId should not be empty"
    ]
    assert problems(access_inputs.object_permissions, {}) == ["objectPermissions must be an array"]


def test_a_permission_that_is_not_an_object_is_named_by_its_position() -> None:
    assert problems(access_inputs.object_permissions, [3]) == [
        "objectPermissions.0 must be a JSON object"
    ]
