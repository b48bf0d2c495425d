"""Spec §3.5 over REST: each name, label, option and default rule, Twenty's messages, every
problem listed at once, and nothing applied when anything fails."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.metadata.helpers import create_field, create_object, messages, unique
from tests.support import WorkspaceFixture

OBJECTS, FIELDS = "/rest/metadata/objects", "/rest/metadata/fields"
INVALID = (
    "Name is not valid: it must start with lowercase letter and contain only alphanumeric letters"
)
RESERVED = 'This name is reserved. Use a different name or the system will add "Custom" suffix.'


def object_body(**overrides: Any) -> dict[str, Any]:
    name = unique("valid")
    return {
        "nameSingular": name,
        "namePlural": f"{name}s",
        "labelSingular": "Valid",
        "labelPlural": "Valids",
        **overrides,
    }


OBJECT_CASES = [
    ("invalid characters", {"nameSingular": "μ"}, [INVALID]),
    ("not camel case", {"namePlural": "Not_Camel_Case"}, [INVALID]),
    ("reserved singular", {"nameSingular": "user"}, [RESERVED]),
    ("reserved plural", {"namePlural": "users"}, [RESERVED]),
    ("whitespace only", {"nameSingular": "                 "}, ["Name is too short", INVALID]),
    ("inner whitespace", {"nameSingular": "     a        a    "}, [INVALID]),
    ("64 characters", {"nameSingular": "a" * 64}, ["Name is too long"]),
    (
        "identical names",
        {"nameSingular": "fooBar", "namePlural": "fooBar"},
        ["The singular and plural names cannot be the same for an object"],
    ),
    (
        "identical after trimming",
        {"nameSingular": "      fooBar               ", "namePlural": "fooBar"},
        ["The singular and plural names cannot be the same for an object"],
    ),
    ("label too long", {"labelSingular": "A" * 64}, ["Object label is too long"]),
    ("label whitespace", {"labelPlural": "   "}, ["Object label is too short"]),
    (
        "identical labels",
        {"labelSingular": "Same", "labelPlural": "same"},
        ["The singular and plural labels cannot be the same for an object"],
    ),
    ("taken plural as singular", {"nameSingular": "people"}, ["Object already exists"]),
    ("taken singular as plural", {"namePlural": "company"}, ["Object already exists"]),
]


@pytest.mark.parametrize(
    ("case", "overrides", "expected"), OBJECT_CASES, ids=[c[0] for c in OBJECT_CASES]
)
async def test_object_name_and_label_rules(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    case: str,
    overrides: dict[str, Any],
    expected: list[str],
) -> None:
    response = await client.post(
        OBJECTS, json=object_body(**overrides), headers=model_workspace.headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "METADATA_VALIDATION_FAILED"
    assert all(message in messages(response) for message in expected), messages(response)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"nameSingular": ""}, "nameSingular should not be empty"),
        ({"namePlural": ""}, "namePlural should not be empty"),
        ({"labelSingular": ""}, "labelSingular should not be empty"),
        ({"labelPlural": None}, "labelPlural should not be empty"),
        ({"icon": 3}, "icon must be a string"),
        ({"colour": "red"}, "property colour should not exist"),
    ],
)
async def test_object_inputs_of_the_wrong_shape_fail_first(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    overrides: dict[str, Any],
    expected: str,
) -> None:
    response = await client.post(
        OBJECTS, json=object_body(**overrides), headers=model_workspace.headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_METADATA_INPUT"
    assert expected in messages(response)


async def test_names_are_trimmed_before_use(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    name = unique("trimmed")
    created = await create_object(
        client,
        model_workspace,
        f"   {name}   ",
        namePlural=f" {name}s ",
        labelSingular=" Trim  Me ",
    )
    assert (created["nameSingular"], created["namePlural"]) == (name, f"{name}s")
    assert created["labelSingular"] == "Trim Me"


async def test_every_problem_is_listed_and_grouped(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    response = await client.post(
        OBJECTS,
        json=object_body(nameSingular="user", namePlural="Bad_Name", labelSingular="   "),
        headers=model_workspace.headers,
    )
    body = response.json()
    assert body["statusCode"] == 400 and body["error"] == "BadRequestException"
    assert set(body["messages"]) == {RESERVED, INVALID, "Object label is too short"}
    (failure,) = body["errors"]["objectMetadata"]
    assert failure["type"] == "create_object" and failure["status"] == "fail"
    assert failure["flatEntityMinimalInformation"]["nameSingular"] == "user"
    assert {e["code"] for e in failure["errors"]} == {"INVALID_OBJECT_INPUT"}


async def test_a_default_relation_clash_fails_the_whole_object(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, db: Database
) -> None:
    # timelineActivity (and attachment) already have a field `name`: the many-to-one a custom
    # object `name` would put there clashes, so neither the object nor its table is created.
    response = await client.post(
        OBJECTS,
        json=object_body(nameSingular="name", namePlural="names"),
        headers=model_workspace.headers,
    )
    assert response.status_code == 400
    failures = response.json()["errors"]["fieldMetadata"]
    assert failures and all(f["flatEntityMinimalInformation"]["name"] == "name" for f in failures)
    async with db.connection() as conn:
        table = await conn.fetchval(
            "SELECT to_regclass($1)::text", f'{model_workspace.schema}."_name"'
        )
    assert table is None


# ---- fields ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def target(module_client: httpx.AsyncClient, model_workspace: WorkspaceFixture) -> Any:
    return await create_object(module_client, model_workspace, unique("target"))


async def _field_problems(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, body: dict[str, Any]
) -> list[str]:
    response = await client.post(FIELDS, json=body, headers=workspace.headers)
    assert response.status_code == 400, response.text
    return messages(response)


FIELD_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("not camel case", {"name": "Bad_Name"}, INVALID),
    ("reserved", {"name": "fields"}, RESERVED),
    ("too long", {"name": "a" * 64}, "Name is too long"),
    (
        "taken",
        {"name": "name"},
        'Name "name" is not available as it is already used by another field',
    ),
    (
        "position type",
        {"type": "POSITION"},
        "Field type POSITION is a system type and cannot be created manually.",
    ),
    ("search vector type", {"type": "TS_VECTOR"}, "TS Vector is not supported for field creation"),
    (
        "unique relation-less type",
        {"type": "RAW_JSON", "isUnique": True},
        "Unique is not supported for RAW_JSON fields",
    ),
    ("bad default", {"type": "NUMBER", "defaultValue": "'abc'"}, "Invalid default value for field"),
    ("unknown type", {"type": "COLOR"}, "type must be one of the following values"),
]


@pytest.mark.parametrize(
    ("case", "overrides", "expected"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES]
)
async def test_field_rules(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    target: Any,
    case: str,
    overrides: dict[str, Any],
    expected: str,
) -> None:
    body = {"objectMetadataId": target["id"], "name": unique("f"), "label": "F", "type": "TEXT"}
    problems = await _field_problems(client, model_workspace, {**body, **overrides})
    assert any(expected in p for p in problems), problems


async def test_a_field_name_cannot_shadow_a_join_column(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture
) -> None:
    response = await client.get(OBJECTS, headers=model_workspace.headers)
    person = next(o for o in response.json()["data"]["objects"] if o["nameSingular"] == "person")
    body = {"objectMetadataId": person["id"], "name": "companyId", "label": "C", "type": "TEXT"}
    problems = await _field_problems(client, model_workspace, body)
    assert problems == ['Name "companyId" is not available as it is already used by another field']


OPTION_CASES: list[tuple[str, Any, str]] = [
    ("empty options", [], "Options are required for enum fields"),
    ("invalid id", [{"id": "nope", "label": "A", "value": "A"}], "Option id is invalid"),
    ("no label", [{"value": "A"}], "Option label is required"),
    ("no value", [{"label": "A"}], "Option value is required"),
    ("comma in label", [{"label": "A, B", "value": "A"}], "Label must not contain a comma"),
    (
        "spaced value",
        [{"label": "A", "value": "OPTION 1"}],
        'Value must be in UPPER_CASE and follow snake_case "OPTION 1"',
    ),
    ("punctuated value", [{"label": "A", "value": "OPTION-1"}], "Value must be in UPPER_CASE"),
    (
        "duplicated values",
        [{"label": "A", "value": " A "}, {"label": "B", "value": "A"}],
        "Duplicated option value",
    ),
    (
        "duplicated ids",
        [
            {"id": "20202020-0000-4000-8000-000000000001", "label": "A", "value": "A"},
            {"id": "20202020-0000-4000-8000-000000000001", "label": "B", "value": "B"},
        ],
        "Duplicated option id",
    ),
    (
        "duplicated positions",
        [{"label": "A", "value": "A", "position": 1}, {"label": "B", "value": "B", "position": 1}],
        "Duplicated option position",
    ),
]


@pytest.mark.parametrize(
    ("case", "options", "expected"), OPTION_CASES, ids=[c[0] for c in OPTION_CASES]
)
async def test_option_rules(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    target: Any,
    case: str,
    options: Any,
    expected: str,
) -> None:
    body = {
        "objectMetadataId": target["id"],
        "name": unique("choice"),
        "label": "Choice",
        "type": "SELECT",
        "options": options,
    }
    problems = await _field_problems(client, model_workspace, body)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("field_type", "default", "expected"),
    [
        ("SELECT", "OPTION_1", "Default value should be as quoted string"),
        ("SELECT", "'OPTION_9'", "Default value \"'OPTION_9'\" must be one of the option values"),
        ("MULTI_SELECT", "'OPTION_1'", "Default value for multi-select must be an array"),
        ("MULTI_SELECT", [], "If defined default value must contain at least one value"),
        ("MULTI_SELECT", ["'OPTION_1'", "'OPTION_1'"], "Default values must be unique"),
    ],
)
async def test_option_default_rules(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    target: Any,
    field_type: str,
    default: Any,
    expected: str,
) -> None:
    body = {
        "objectMetadataId": target["id"],
        "name": unique("pick"),
        "label": "Pick",
        "type": field_type,
        "options": [{"label": "One", "value": "OPTION_1"}, {"label": "Two", "value": "OPTION_2"}],
        "defaultValue": default,
    }
    problems = await _field_problems(client, model_workspace, body)
    assert any(p.startswith(expected) for p in problems), problems


async def test_option_labels_and_values_are_trimmed(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, target: Any
) -> None:
    field = await create_field(
        client,
        model_workspace,
        target["id"],
        unique("tidy"),
        "SELECT",
        options=[{"label": "   Option   1 ", "value": " OPTION_1 "}],
        defaultValue="'OPTION_1'",
    )
    (option,) = field["options"]
    assert (option["label"], option["value"], option["position"]) == ("Option 1", "OPTION_1", 0)
    assert option["id"] and option["color"]
