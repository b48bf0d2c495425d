"""The `/metadata` schema: Twenty's object and field queries and mutations, merged with the
API-key (`api_keys`), role (`roles`), webhook (`webhooks`) and workspace-settings
(`workspace`) operations into one Query and one Mutation.

    type Query {
      objects(paging: CursorPaging! = {}, filter: ObjectFilter! = {}): ObjectConnection!
      object(id: UUID!): Object!
      fields(paging: CursorPaging! = {}, filter: FieldFilter! = {}): FieldConnection!
      field(id: UUID!): Field!
    }
    type Mutation {
      createOneObject(input: CreateOneObjectInput!): Object!
      updateOneObject(input: UpdateOneObjectInput!): Object!
      deleteOneObject(input: DeleteOneObjectInput!): Object!
      createOneField(input: CreateOneFieldMetadataInput!): Field!
      updateOneField(input: UpdateOneFieldMetadataInput!): Field!
      deleteOneField(input: DeleteOneFieldInput!): Field!
    }

Resolvers read `info.context` (a `MetadataContext`: the services and the caller's workspace);
every change goes through the metadata service or the access service, as REST's do.
"""

from __future__ import annotations

from uuid import UUID

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.errors import MetadataNotFound
from app.graphql.metadata.api_keys import ApiKeyMutation, ApiKeyQuery
from app.graphql.metadata.context import MetadataContext as MetadataContext
from app.graphql.metadata.context import MetadataInfo
from app.graphql.metadata.inputs import (
    CreateOneFieldMetadataInput,
    CreateOneObjectInput,
    CursorPaging,
    DeleteOneFieldInput,
    DeleteOneObjectInput,
    FieldFilter,
    ObjectFilter,
    UpdateOneFieldMetadataInput,
    UpdateOneObjectInput,
    to_dict,
)
from app.graphql.metadata.paging import field_matches, object_matches, page_request
from app.graphql.metadata.roles import RoleMutation, RoleQuery
from app.graphql.metadata.scalars import SCALARS
from app.graphql.metadata.types import (
    FieldConnection,
    FieldEdge,
    FieldNode,
    ObjectConnection,
    ObjectEdge,
    ObjectNode,
    PageInfo,
)
from app.graphql.metadata.webhooks import WebhookMutation, WebhookQuery
from app.graphql.metadata.workspace import WorkspaceMutation, WorkspaceQuery
from app.metadata.paging import paginate
from app.metadata.workspace_model import WorkspaceModel


def _object(model: WorkspaceModel, object_id: UUID) -> ObjectNode:
    obj = model.object(object_id)
    if obj is None:
        raise MetadataNotFound("Object metadata not found", id=str(object_id))
    return ObjectNode.from_meta(obj, model)


def _field(model: WorkspaceModel, field_id: UUID) -> FieldNode:
    found = model.field(field_id)
    if found is None:
        raise MetadataNotFound("Field metadata not found", id=str(field_id))
    return FieldNode.from_meta(found, model)


@strawberry.type
class ModelQuery:
    @strawberry.field
    async def objects(
        self,
        info: MetadataInfo,
        paging: CursorPaging = CursorPaging(),
        filter: ObjectFilter = ObjectFilter(),
    ) -> ObjectConnection:
        request = page_request(paging)
        model = await info.context.model()
        kept = [o for o in model.objects if object_matches(o, filter)]
        page = paginate(kept, request, key=lambda o: o.id)
        edges = [ObjectEdge.of(o, model) for o in page.items]
        return ObjectConnection(page_info=PageInfo.of(page), edges=edges, total_count=page.total)

    @strawberry.field
    async def object(self, info: MetadataInfo, id: UUID) -> ObjectNode:
        return _object(await info.context.model(), id)

    @strawberry.field
    async def fields(
        self,
        info: MetadataInfo,
        paging: CursorPaging = CursorPaging(),
        filter: FieldFilter = FieldFilter(),
    ) -> FieldConnection:
        request = page_request(paging)
        model = await info.context.model()
        kept = [f for f in model.fields if field_matches(f, filter)]
        page = paginate(kept, request, key=lambda f: f.id)
        edges = [FieldEdge.of(f, model) for f in page.items]
        return FieldConnection(page_info=PageInfo.of(page), edges=edges, total_count=page.total)

    @strawberry.field
    async def field(self, info: MetadataInfo, id: UUID) -> FieldNode:
        return _field(await info.context.model(), id)


@strawberry.type
class ModelMutation:
    @strawberry.mutation
    async def create_one_object(
        self, info: MetadataInfo, input: CreateOneObjectInput
    ) -> ObjectNode:
        context = info.context
        model, object_id = await context.service.create_object(
            context.workspace_id, to_dict(input.object)
        )
        return _object(model, object_id)

    @strawberry.mutation
    async def update_one_object(
        self, info: MetadataInfo, input: UpdateOneObjectInput
    ) -> ObjectNode:
        context = info.context
        model, object_id = await context.service.update_object(
            context.workspace_id, input.id, to_dict(input.update)
        )
        return _object(model, object_id)

    @strawberry.mutation
    async def delete_one_object(
        self, info: MetadataInfo, input: DeleteOneObjectInput
    ) -> ObjectNode:
        context = info.context
        before, deleted = await context.service.delete_object(context.workspace_id, input.id)
        return ObjectNode.from_meta(deleted, before)

    @strawberry.mutation
    async def create_one_field(
        self, info: MetadataInfo, input: CreateOneFieldMetadataInput
    ) -> FieldNode:
        context = info.context
        model, field_id = await context.service.create_field(
            context.workspace_id, to_dict(input.field)
        )
        return _field(model, field_id)

    @strawberry.mutation
    async def update_one_field(
        self, info: MetadataInfo, input: UpdateOneFieldMetadataInput
    ) -> FieldNode:
        context = info.context
        model, field_id = await context.service.update_field(
            context.workspace_id, input.id, to_dict(input.update)
        )
        return _field(model, field_id)

    @strawberry.mutation
    async def delete_one_field(self, info: MetadataInfo, input: DeleteOneFieldInput) -> FieldNode:
        context = info.context
        before, deleted = await context.service.delete_field(context.workspace_id, input.id)
        return FieldNode.from_meta(deleted, before)


class MetadataSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Nothing: the endpoint renders every error and logs the unexpected ones."""


Query = merge_types("Query", (ModelQuery, RoleQuery, ApiKeyQuery, WebhookQuery, WorkspaceQuery))
Mutation = merge_types(
    "Mutation", (ModelMutation, ApiKeyMutation, RoleMutation, WebhookMutation, WorkspaceMutation)
)
schema = MetadataSchema(query=Query, mutation=Mutation, config=StrawberryConfig(scalar_map=SCALARS))
