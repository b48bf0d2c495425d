"""Twenty's DTO checks on metadata inputs (app.metadata.inputs)."""

from __future__ import annotations

from uuid import UUID

import pytest

from app.errors import InvalidMetadataInput
from app.metadata.enums import RelationType
from app.metadata.inputs import field_create, field_update, object_create, object_update

OBJECT = {
    "nameSingular": " pet ",
    "namePlural": "pets",
    "labelSingular": "Pet",
    "labelPlural": "Pets",
}


def test_object_inputs_are_trimmed() -> None:
    created = object_create(OBJECT)
    assert (created.name_singular, created.is_label_synced_with_name) == ("pet", False)


def test_every_dto_problem_is_listed() -> None:
    with pytest.raises(InvalidMetadataInput) as caught:
        object_create({"nameSingular": "", "icon": 1, "extra": True})
    assert caught.value.to_rest()["messages"] == [
        "icon must be a string",
        "property extra should not exist",
        "nameSingular should not be empty",
        "namePlural should not be empty",
        "labelSingular should not be empty",
        "labelPlural should not be empty",
    ]
    with pytest.raises(InvalidMetadataInput):
        object_create(["not", "an", "object"])


def test_updates_keep_only_what_was_sent() -> None:
    assert object_update({"labelSingular": " Dog "}).changes == {"labelSingular": "Dog"}
    with pytest.raises(InvalidMetadataInput):
        object_update({"nameSingular": ""})
    assert field_update({"label": "L", "defaultValue": None}).changes == {
        "label": "L",
        "defaultValue": None,
    }


def test_field_inputs_check_the_type_and_the_relation_payload() -> None:
    target = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    created = field_create(
        {
            "objectMetadataId": target,
            "name": " owner ",
            "label": "Owner",
            "type": "RELATION",
            "relationCreationPayload": {
                "type": "MANY_TO_ONE",
                "targetObjectMetadataId": target,
                "targetFieldLabel": "  Pets  ",
            },
        }
    )
    assert created.name == "owner" and created.object_id == UUID(target)
    assert created.relation is not None
    assert (created.relation.type, created.relation.target_field_label) == (
        RelationType.MANY_TO_ONE,
        "Pets",
    )
    malformed = field_create(
        {**created.values, "objectMetadataId": target, "relationCreationPayload": {"type": "X"}}
    )
    assert malformed.relation is None
    assert malformed.relation_problem == "Relation creation payload is invalid"
    with pytest.raises(InvalidMetadataInput) as caught:
        field_create({"objectMetadataId": "x", "name": "a", "label": "A", "type": "COLOR"})
    assert caught.value.to_rest()["messages"][0] == "objectMetadataId must be a UUID"
