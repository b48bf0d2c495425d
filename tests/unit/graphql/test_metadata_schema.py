"""The /metadata schema: every name Twenty 2.43 uses for our operations, and the SDL snapshot.

tests/snapshots/twenty_metadata_2_43.graphql is Twenty's SDL (from twenty-client-sdk 2.43.0);
clients send its type, argument and input names verbatim, so each one we serve must exist here
with the same type. Our printed schema is kept in tests/snapshots/metadata_schema.graphql; run
with UPDATE_SNAPSHOTS=1 to rewrite it after an intended change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graphql import (
    EnumTypeDefinitionNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    InputObjectTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    parse,
    print_ast,
    print_schema,
)

from app.graphql.metadata.schema import schema

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots"
TWENTY = parse((SNAPSHOTS / "twenty_metadata_2_43.graphql").read_text())
OURS = schema._schema

# Fields Twenty's SDL leaves unexpanded because they belong to features outside this server.
UNEXPANDED = {
    ("Object", "indexMetadatas"),
    ("Object", "indexMetadataList"),
    ("Object", "searchFieldMetadataList"),
    ("Field", "morphRelations"),
    ("Role", "workspaceMembers"),
    ("Role", "agents"),
    ("Role", "rowLevelPermissionPredicates"),
    ("Role", "rowLevelPermissionPredicateGroups"),
    ("ObjectPermission", "rowLevelPermissionPredicates"),
    ("ObjectPermission", "rowLevelPermissionPredicateGroups"),
}
SERVED_TYPES = {
    "Object",
    "Field",
    "ObjectConnection",
    "ObjectEdge",
    "FieldConnection",
    "FieldEdge",
    "ObjectFieldsConnection",
    "PageInfo",
    "CursorPaging",
    "ObjectFilter",
    "FieldFilter",
    "UUIDFilterComparison",
    "BooleanFieldComparison",
    "CreateOneObjectInput",
    "UpdateOneObjectInput",
    "DeleteOneObjectInput",
    "CreateOneFieldMetadataInput",
    "UpdateOneFieldMetadataInput",
    "DeleteOneFieldInput",
    "CreateObjectInput",
    "UpdateObjectPayload",
    "CreateFieldInput",
    "UpdateFieldInput",
    "MetadataTranslationOverrideInput",
    "ObjectOpenRecordIn",
    "MetadataReadability",
    "MetadataWritability",
    "FieldMetadataType",
    "ApiKey",
    "ApiKeyToken",
    "ApiKeyForRole",
    "GetApiKeyInput",
    "CreateApiKeyInput",
    "UpdateApiKeyInput",
    "RevokeApiKeyInput",
    "Role",
    "RolePermissionFlag",
    "ObjectPermission",
    "FieldPermission",
    "CreateRoleInput",
    "UpdateRoleInput",
    "UpdateRolePayload",
    "UpsertObjectPermissionsInput",
    "ObjectPermissionInput",
    "UpsertFieldPermissionsInput",
    "FieldPermissionInput",
    "Webhook",
    "CreateWebhookInput",
    "UpdateWebhookInput",
    "UpdateWebhookInputUpdates",
    "WorkspaceActivationStatus",
}
# Types of which we serve only the part that applies to an API server: every field we serve
# that Twenty has must have Twenty's type; ours (the rate limits) are additions.
PARTIAL_TYPES = {"Workspace", "UpdateWorkspaceInput"}
SERVED_WORKSPACE_FIELDS = {
    "id",
    "displayName",
    "logo",
    "deletedAt",
    "createdAt",
    "updatedAt",
    "activationStatus",
    "metadataVersion",
    "databaseSchema",
    "subdomain",
}


def _twenty(name: str) -> object:
    return next(
        d for d in TWENTY.definitions if getattr(getattr(d, "name", None), "value", None) == name
    )


def test_printed_schema_matches_the_snapshot() -> None:
    printed = print_schema(OURS) + "\n"
    snapshot = SNAPSHOTS / "metadata_schema.graphql"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(printed)
    assert snapshot.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1"
    assert printed == snapshot.read_text(), (
        "the metadata schema changed; if intended, run with UPDATE_SNAPSHOTS=1 and review the diff"
    )


@pytest.mark.parametrize("root", ["Query", "Mutation"])
def test_every_operation_has_twentys_arguments_and_result(root: str) -> None:
    theirs = _twenty(root)
    assert isinstance(theirs, ObjectTypeDefinitionNode)
    ours = OURS.query_type if root == "Query" else OURS.mutation_type
    assert ours is not None
    served = list(theirs.fields or ())
    assert len(served) == (11 if root == "Query" else 20)
    for field in served:
        mine = ours.fields[field.name.value]
        assert str(mine.type) == print_ast(field.type), field.name.value
        for argument in field.arguments or ():
            assert str(mine.args[argument.name.value].type) == print_ast(argument.type)
        assert set(mine.args) == {a.name.value for a in field.arguments or ()}


@pytest.mark.parametrize("name", sorted(SERVED_TYPES))
def test_every_served_type_has_twentys_fields(name: str) -> None:
    theirs = _twenty(name)
    mine = OURS.type_map[name]
    if isinstance(theirs, EnumTypeDefinitionNode):
        assert isinstance(mine, GraphQLEnumType)
        assert {v.name.value for v in theirs.values or ()} <= set(mine.values)
        return
    assert isinstance(theirs, ObjectTypeDefinitionNode | InputObjectTypeDefinitionNode)
    assert isinstance(mine, GraphQLObjectType | GraphQLInputObjectType)
    for field in theirs.fields or ():
        if (name, field.name.value) in UNEXPANDED:
            continue
        assert field.name.value in mine.fields, f"{name}.{field.name.value}"
        assert str(mine.fields[field.name.value].type) == print_ast(field.type), (
            f"{name}.{field.name.value}"
        )


@pytest.mark.parametrize("name", sorted(PARTIAL_TYPES))
def test_partly_served_types_keep_twentys_types(name: str) -> None:
    theirs = _twenty(name)
    assert isinstance(theirs, ObjectTypeDefinitionNode | InputObjectTypeDefinitionNode)
    mine = OURS.type_map[name]
    assert isinstance(mine, GraphQLObjectType | GraphQLInputObjectType)
    twenty = {f.name.value: print_ast(f.type) for f in theirs.fields or ()}
    shared = set(mine.fields) & set(twenty)
    if name == "Workspace":
        assert shared == SERVED_WORKSPACE_FIELDS
    for field in shared:
        assert str(mine.fields[field].type) == twenty[field], f"{name}.{field}"
    assert set(mine.fields) - shared == {"rateLimitPerMinute", "rateLimitPerSecond"}
