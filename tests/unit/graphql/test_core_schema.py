"""The generated core schema: names and arguments of spec §2.1-2.2, and the SDL snapshot.

The printed schema of the standard model is kept in tests/snapshots/core_schema.graphql; any
change to it must be intended. Run with UPDATE_SNAPSHOTS=1 to rewrite the snapshot.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graphql import GraphQLSchema, get_named_type, print_schema

from app.graphql.core.builder import build_core_schema
from app.metadata.enums import FieldType
from app.metadata.specs import FieldSpec, ObjectSpec, OptionSpec
from tests.unit.graphql.core_schema_support import catalog_of, standard_schema

SNAPSHOT = Path(__file__).resolve().parents[2] / "snapshots" / "core_schema.graphql"


def test_printed_schema_matches_the_snapshot() -> None:
    printed = print_schema(standard_schema()) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(printed)
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1"
    assert printed == SNAPSHOT.read_text(), (
        "the core schema changed; if intended, run with UPDATE_SNAPSHOTS=1 and review the diff"
    )


def _args(schema: GraphQLSchema, root: str, field: str) -> dict[str, str]:
    root_type = schema.query_type if root == "Query" else schema.mutation_type
    assert root_type is not None
    return {name: str(arg.type) for name, arg in root_type.fields[field].args.items()}


@pytest.mark.parametrize(
    ("root", "field", "args"),
    [
        (
            "Query",
            "people",
            {
                "first": "Int",
                "last": "Int",
                "offset": "Int",
                "before": "String",
                "after": "String",
                "filter": "PersonFilterInput",
                "orderBy": "[PersonOrderByInput]",
            },
        ),
        ("Query", "person", {"filter": "PersonFilterInput!"}),
        ("Query", "personDuplicates", {"ids": "[UUID]", "data": "[PersonCreateInput]"}),
        (
            "Query",
            "peopleGroupBy",
            {
                "groupBy": "[PersonGroupByInput!]!",
                "filter": "PersonFilterInput",
                "orderBy": "[PersonOrderByWithGroupByInput]",
                "orderByForRecords": "[PersonOrderByInput]",
                "viewId": "UUID",
                "limit": "Int",
            },
        ),
        (
            "Mutation",
            "createPerson",
            {"data": "PersonCreateInput!", "upsert": "Boolean", "upsertOn": "String"},
        ),
        (
            "Mutation",
            "createPeople",
            {"data": "[PersonCreateInput!]!", "upsert": "Boolean", "upsertOn": "String"},
        ),
        ("Mutation", "updatePerson", {"id": "UUID!", "data": "PersonUpdateInput!"}),
        (
            "Mutation",
            "updatePeople",
            {"data": "PersonUpdateInput!", "filter": "PersonFilterInput!"},
        ),
        ("Mutation", "deletePerson", {"id": "UUID!"}),
        ("Mutation", "deletePeople", {"filter": "PersonFilterInput!"}),
        ("Mutation", "destroyPerson", {"id": "UUID!"}),
        ("Mutation", "destroyPeople", {"filter": "PersonFilterInput!"}),
        ("Mutation", "restorePerson", {"id": "UUID!"}),
        ("Mutation", "restorePeople", {"filter": "PersonFilterInput!"}),
        (
            "Mutation",
            "mergePeople",
            {"ids": "[UUID!]!", "conflictPriorityIndex": "Int!", "dryRun": "Boolean"},
        ),
    ],
)
def test_operations_and_arguments_follow_twenty(
    root: str, field: str, args: dict[str, str]
) -> None:
    assert _args(standard_schema(), root, field) == args


def test_custom_objects_get_the_same_operations_and_type_names() -> None:
    pet = ObjectSpec(
        name_singular="pet",
        name_plural="pets",
        label_singular="Pet",
        label_plural="Pets",
        fields=(
            FieldSpec(
                "species",
                "Species",
                FieldType.SELECT,
                options=(OptionSpec("DOG", "Dog"), OptionSpec("CAT", "Cat")),
            ),
        ),
    )
    schema = build_core_schema(catalog_of((pet,)))
    assert schema.query_type is not None and schema.mutation_type is not None
    assert {"pets", "pet", "petDuplicates", "petsGroupBy"} <= set(schema.query_type.fields)
    assert {
        "createPet",
        "createPets",
        "updatePet",
        "updatePets",
        "deletePet",
        "deletePets",
        "destroyPet",
        "destroyPets",
        "restorePet",
        "restorePets",
        "mergePets",
    } <= set(schema.mutation_type.fields)
    for name in (
        "Pet",
        "PetConnection",
        "PetEdge",
        "PetFilterInput",
        "PetOrderByInput",
        "PetCreateInput",
        "PetUpdateInput",
        "PetSpeciesEnum",
        "PetSpeciesEnumFilter",
    ):
        assert name in schema.type_map, name
    species = schema.type_map["Pet"].fields["species"]  # type: ignore[attr-defined]
    assert str(species.type) == "PetSpeciesEnum"


def test_connections_offer_the_aggregates_of_each_field_type() -> None:
    schema = standard_schema()
    connection = schema.type_map["OpportunityConnection"]
    fields = {n: str(f.type) for n, f in connection.fields.items()}  # type: ignore[attr-defined]
    assert fields["totalCount"] == "Int"
    assert fields["countEmptyName"] == "Int"
    assert fields["percentageNotEmptyName"] == "Float"
    assert fields["sumAmountAmountMicros"] == "Float"
    assert fields["minCloseDate"] == "DateTime"
    assert fields["countUniqueValuesStage"] == "Int"
    company = schema.type_map["CompanyConnection"].fields  # type: ignore[attr-defined]
    assert {"sumEmployees", "avgEmployees", "countTrueIdealCustomerProfile"} <= set(company)
    assert "countEmptyPeople" not in company  # relations have no aggregates


def test_relations_are_objects_and_connections() -> None:
    person = standard_schema().type_map["Person"].fields  # type: ignore[attr-defined]
    assert str(person["company"].type) == "Company"
    assert str(person["companyId"].type) == "UUID"
    company = standard_schema().type_map["Company"].fields  # type: ignore[attr-defined]
    people = company["people"]
    assert str(people.type) == "PersonConnection"
    assert set(people.args) == {"first", "last", "offset", "before", "after", "filter", "orderBy"}
    assert str(get_named_type(people.args["filter"].type)) == "PersonFilterInput"
