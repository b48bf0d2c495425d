"""The generated documents are valid OpenAPI 3.1 for a workspace with every field type and both
relation kinds, and they list exactly the parameters the REST layer reads."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from app.openapi import Limits, base_document, core_document, metadata_document
from app.openapi import parameters as p
from app.rest import params
from tests.specimen import specimen_catalog


def test_core_document_for_every_field_type_and_relation_kind_is_valid() -> None:
    catalog = specimen_catalog()
    document = core_document(catalog, "http://localhost:3000", Limits(60, 200, 60))
    validate(document)
    schemas = document["components"]["schemas"]
    created = schemas["Specimen"]["properties"]
    returned = schemas["SpecimenForResponse"]["properties"]
    # many-to-one: the join column both ways, the record at depth=1; one-to-many: neither
    assert created["companyId"]["format"] == "uuid"
    assert "company" not in created
    assert returned["company"]["anyOf"][0] == {"$ref": "#/components/schemas/CompanyForResponse"}
    assert "specimens" not in schemas["CompanyForResponse"]["properties"]
    assert "children" not in returned
    assert "searchVector" not in returned
    assert "searchVector" not in created
    assert "deletedAt" not in created
    assert "id" not in schemas["SpecimenForUpdate"]["properties"]
    assert (
        document["paths"]["/batch/specimens"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]["maxItems"]
        == 60
    )


def test_object_names_and_operation_ids_are_twentys() -> None:
    document = core_document(specimen_catalog(), "http://localhost:3000")
    people = document["paths"]["/people/{id}"]
    assert people["patch"]["operationId"] == "UpdateOnePerson"
    assert people["get"]["operationId"] == "findOnePerson"
    assert document["paths"]["/people"]["get"]["operationId"] == "findManyPeople"
    plurals = [tag["name"] for tag in document["tags"][1:]]
    assert plurals == sorted(plurals)


def test_metadata_and_base_documents_are_valid() -> None:
    validate(metadata_document("http://localhost:3000"))
    for kind in ("core", "metadata"):
        validate(base_document(kind, "http://localhost:3000"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("documented", "enforced"),
    [
        (p.FIND_MANY, params.FIND_MANY),
        (p.FIND_ONE, params.FIND_ONE),
        (p.CREATE, params.CREATE),
        (p.UPDATE_ONE, params.UPDATE_ONE),
        (p.UPDATE_MANY, params.UPDATE_MANY),
        (p.DELETE_ONE, params.DELETE_ONE),
        (p.DELETE_MANY, params.DELETE_MANY),
        (p.RESTORE_ONE, params.RESTORE_ONE),
        (p.RESTORE_MANY, params.RESTORE_MANY),
        (p.FIND_DUPLICATES, params.FIND_DUPLICATES),
        (p.MERGE, params.MERGE),
        (p.GROUP_BY, params.GROUP_BY),
    ],
)
def test_each_route_documents_exactly_the_parameters_it_reads(
    documented: tuple[str, ...], enforced: frozenset[str]
) -> None:
    wire = {p.WIRE_NAMES[name] for name in documented if name != "idPath"}
    assert wire == enforced


def test_every_object_event_a_receiver_can_get_is_in_the_webhooks_section() -> None:
    """Twenty's `"{S} Created|Updated|Deleted"` entries, plus the restored and destroyed events
    the server also sends; the body as app/webhooks/wire.py writes it."""
    document = core_document(specimen_catalog(), "http://localhost:3000")
    validate(document)
    webhooks = document["webhooks"]
    for action in ("Created", "Updated", "Deleted", "Restored", "Destroyed"):
        assert f"Person {action}" in webhooks
    updated = webhooks["Person Updated"]["post"]
    body = updated["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["eventName"]["const"] == "person.updated"
    assert body["properties"]["record"] == {"$ref": "#/components/schemas/PersonForResponse"}
    assert "updatedFields" in body["required"]
    created = webhooks["Person Created"]["post"]["requestBody"]["content"]["application/json"]
    assert "updatedFields" not in created["schema"]["properties"]
    headers = {p["name"] for p in updated["parameters"]}
    assert {"X-Twenty-Webhook-Signature", "X-Twenty-Webhook-Timestamp"} <= headers
    assert "X-Webhook-Event-Id" in headers
