"""Every field type can be added to a custom and to a standard object, and is usable by the core
API at once: a record is written and read back through /rest. Defaults, NOT NULL and unique."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.metadata.helpers import (
    create_field,
    create_object,
    messages,
    standard_object,
    unique,
)
from tests.support import WorkspaceFixture

SOME_UUID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"

# type, extra metadata, value written, value read back (a dict: the sub-fields it contains)
CASES: list[tuple[str, dict[str, Any], Any, Any]] = [
    ("TEXT", {}, "hello", "hello"),
    ("NUMBER", {}, 3.5, 3.5),
    ("NUMERIC", {}, "12.25", 12.25),
    ("BOOLEAN", {}, True, True),
    ("DATE", {}, "2024-01-02", "2024-01-02"),
    ("DATE_TIME", {}, "2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05.000Z"),
    ("UUID", {}, SOME_UUID, SOME_UUID),
    ("RAW_JSON", {}, {"a": [1, 2]}, {"a": [1, 2]}),
    ("ARRAY", {}, ["a", "b"], ["a", "b"]),
    ("RATING", {}, "RATING_3", "RATING_3"),
    (
        "SELECT",
        {
            "options": [
                {"label": "Dog", "value": "DOG", "color": "red"},
                {"label": "Cat", "value": "CAT"},
            ]
        },
        "CAT",
        "CAT",
    ),
    (
        "MULTI_SELECT",
        {"options": [{"label": "A", "value": "A"}, {"label": "B", "value": "B"}]},
        ["B", "A"],
        ["B", "A"],
    ),
    (
        "CURRENCY",
        {},
        {"amountMicros": 1500000, "currencyCode": "EUR"},
        {"amountMicros": 1500000, "currencyCode": "EUR"},
    ),
    ("FULL_NAME", {}, {"firstName": "Ada"}, {"firstName": "Ada", "lastName": ""}),
    (
        "EMAILS",
        {},
        {"primaryEmail": "ada@example.com", "additionalEmails": ["b@example.com"]},
        {"primaryEmail": "ada@example.com", "additionalEmails": ["b@example.com"]},
    ),
    (
        "LINKS",
        {},
        {"primaryLinkUrl": "https://example.com", "primaryLinkLabel": "Home"},
        {"primaryLinkUrl": "https://example.com", "primaryLinkLabel": "Home"},
    ),
    (
        "PHONES",
        {},
        {"primaryPhoneNumber": "612345678", "primaryPhoneCallingCode": "+33"},
        {"primaryPhoneNumber": "612345678", "primaryPhoneCallingCode": "+33"},
    ),
    (
        "ADDRESS",
        {},
        {"addressStreet1": "1 Main St", "addressCity": "Paris", "addressLat": 48.85},
        {"addressStreet1": "1 Main St", "addressCity": "Paris", "addressLat": 48.85},
    ),
    (
        "RICH_TEXT_V2",
        {},
        {"blocknote": "[]", "markdown": "# Hi"},
        {"blocknote": "[]", "markdown": "# Hi"},
    ),
    ("ACTOR", {}, {"source": "IMPORT"}, {"source": "IMPORT"}),
]


@pytest.fixture(scope="module")
async def custom(module_client: httpx.AsyncClient, model_workspace: WorkspaceFixture) -> Any:
    return await create_object(module_client, model_workspace, unique("typed"))


def _matches(read: Any, expected: Any) -> bool:
    if isinstance(expected, dict) and isinstance(read, dict):
        return all(read.get(k) == v for k, v in expected.items())
    return bool(read == expected)


async def _round_trip(
    client: httpx.AsyncClient,
    workspace: WorkspaceFixture,
    obj: dict[str, Any],
    field_type: str,
    extra: dict[str, Any],
    written: Any,
) -> Any:
    name = unique(field_type.lower().replace("_", ""))
    field = await create_field(client, workspace, obj["id"], name, field_type, **extra)
    assert field["type"] == field_type
    path = f"/rest/{obj['namePlural']}"
    body: dict[str, Any] = {name: written}
    if obj["nameSingular"] == "company":
        body["name"] = "Typed Inc"
    created = await client.post(path, json=body, headers=workspace.headers)
    assert created.status_code == 201, created.text
    record_id = created.json()["data"][f"create{obj['nameSingular'].title()}"]["id"]
    read = await client.get(f"{path}/{record_id}", headers=workspace.headers)
    assert read.status_code == 200, read.text
    return read.json()["data"][obj["nameSingular"]][name]


@pytest.mark.parametrize(
    ("field_type", "extra", "written", "expected"), CASES, ids=[c[0] for c in CASES]
)
async def test_every_type_on_a_custom_object(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    custom: Any,
    field_type: str,
    extra: dict[str, Any],
    written: Any,
    expected: Any,
) -> None:
    read = await _round_trip(client, model_workspace, custom, field_type, extra, written)
    assert _matches(read, expected), read


@pytest.mark.parametrize(
    ("field_type", "extra", "written", "expected"), CASES, ids=[c[0] for c in CASES]
)
async def test_every_type_on_a_standard_object(
    client: httpx.AsyncClient,
    model_workspace: WorkspaceFixture,
    field_type: str,
    extra: dict[str, Any],
    written: Any,
    expected: Any,
) -> None:
    company = await standard_object(client, model_workspace, "company")
    read = await _round_trip(client, model_workspace, company, field_type, extra, written)
    assert _matches(read, expected), read


async def test_defaults_apply_to_new_and_existing_records(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, custom: Any
) -> None:
    path, headers = f"/rest/{custom['namePlural']}", model_workspace.headers
    before = await client.post(path, json={"name": "Before"}, headers=headers)
    old_id = before.json()["data"][f"create{custom['nameSingular'].title()}"]["id"]
    status = unique("status")
    await create_field(
        client,
        model_workspace,
        custom["id"],
        status,
        "SELECT",
        options=[{"label": "Open", "value": "OPEN"}, {"label": "Closed", "value": "CLOSED"}],
        defaultValue="'OPEN'",
    )
    amount = unique("amount")
    await create_field(
        client,
        model_workspace,
        custom["id"],
        amount,
        "CURRENCY",
        defaultValue={"amountMicros": None, "currencyCode": "'USD'"},
    )
    old = (await client.get(f"{path}/{old_id}", headers=headers)).json()["data"]
    assert old[custom["nameSingular"]][status] == "OPEN"
    assert old[custom["nameSingular"]][amount]["currencyCode"] == "USD"
    new = await client.post(path, json={"name": "After"}, headers=headers)
    record = new.json()["data"][f"create{custom['nameSingular'].title()}"]
    assert record[status] == "OPEN" and record[amount]["currencyCode"] == "USD"


async def test_a_required_field_refuses_null(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, custom: Any
) -> None:
    name = unique("code")
    await create_field(
        client, model_workspace, custom["id"], name, "TEXT", isNullable=False, defaultValue="'X'"
    )
    path, headers = f"/rest/{custom['namePlural']}", model_workspace.headers
    refused = await client.post(path, json={name: None}, headers=headers)
    assert refused.status_code == 400, refused.text
    created = await client.post(path, json={}, headers=headers)
    assert created.json()["data"][f"create{custom['nameSingular'].title()}"][name] == "X"


async def test_a_unique_field_refuses_a_second_record_with_its_value(
    client: httpx.AsyncClient, model_workspace: WorkspaceFixture, custom: Any
) -> None:
    name = unique("serial")
    field = await create_field(client, model_workspace, custom["id"], name, "TEXT", isUnique=True)
    assert field["isUnique"] is True
    path, headers = f"/rest/{custom['namePlural']}", model_workspace.headers
    assert (await client.post(path, json={name: "S-1"}, headers=headers)).status_code == 201
    duplicate = await client.post(path, json={name: "S-1"}, headers=headers)
    assert duplicate.status_code == 400
    assert messages(duplicate) == ["A duplicate entry was detected"]
