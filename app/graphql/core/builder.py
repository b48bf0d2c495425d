"""The core schema of one workspace, generated from its catalog snapshot (spec §2.1-2.2).

For every active object, e.g. `person`:

    type Query {
      people(filter: PersonFilterInput, orderBy: [PersonOrderByInput], first: Int, last: Int,
             offset: Int, before: String, after: String): PersonConnection
      person(filter: PersonFilterInput!): Person
      personDuplicates(ids: [UUID], data: [PersonCreateInput]): [PersonConnection!]
      peopleGroupBy(groupBy: [PersonGroupByInput!]!, filter: PersonFilterInput,
                    orderBy: [PersonOrderByWithGroupByInput], orderByForRecords:
                    [PersonOrderByInput], viewId: UUID, limit: Int): [PersonGroupByConnection!]
    }
    type Mutation {
      createPerson(data: PersonCreateInput!, upsert: Boolean, upsertOn: String): Person
      createPeople(data: [PersonCreateInput!]!, upsert: Boolean, upsertOn: String): [Person!]
      updatePerson(id: UUID!, data: PersonUpdateInput!): Person
      updatePeople(data: PersonUpdateInput!, filter: PersonFilterInput!): [Person!]
      deletePerson(id: UUID!): Person     deletePeople(filter: PersonFilterInput!): [Person!]
      destroyPerson(id: UUID!): Person    destroyPeople(filter: PersonFilterInput!): [Person!]
      restorePerson(id: UUID!): Person    restorePeople(filter: PersonFilterInput!): [Person!]
      mergePeople(ids: [UUID!]!, conflictPriorityIndex: Int!, dryRun: Boolean): Person
    }

`upsertOn` is ours (DESIGN §9): the dotted path of a unique field to upsert on, e.g.
"emails.primaryEmail"; without it `upsert` matches on `id`, as in Twenty.

Root fields are nullable, so that one failing field leaves its siblings' data in place.
An object whose generated names would collide with a shared type or an earlier object's is
left out (and logged) rather than breaking the workspace's whole schema.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLFieldMap,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    assert_valid_schema,
)

from app.catalog.snapshot import Catalog
from app.graphql.core import resolvers, scalars, shared
from app.graphql.core.inputs import InputTypes
from app.graphql.core.leaves import Leaves
from app.graphql.core.memo import TypeMemo
from app.graphql.core.names import UPSERT_ON_ARGUMENT, Names
from app.graphql.core.outputs import OutputTypes
from app.graphql.core.roles import Kind, Role
from app.metadata.enums import FieldType
from app.metadata.model import ObjectMeta

log = logging.getLogger(__name__)

_SHARED_NAMES = frozenset(
    {
        "Query",
        "Mutation",
        "Subscription",
        shared.PageInfo.name,
        shared.OrderByDirection.name,
        shared.FilterIs.name,
        shared.DateGranularityEnum.name,
        scalars.UUIDScalar.name,
        scalars.DateTimeScalar.name,
        scalars.DateScalar.name,
        scalars.BigFloatScalar.name,
        scalars.RawJSONScalar.name,
        scalars.TSVectorScalar.name,
        scalars.CursorScalar.name,
        *(Names.composite(t) for t in FieldType),
    }
)


class CoreSchemaBuilder:
    """Builds the core schema of one catalog; one builder per build."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.memo = TypeMemo()
        self.leaves = Leaves(self.memo)
        self.inputs = InputTypes(catalog, self.memo, self.leaves)
        self.outputs = OutputTypes(catalog, self.memo, self.leaves, self.inputs)

    def build(self) -> GraphQLSchema:
        query: GraphQLFieldMap = {}
        mutation: GraphQLFieldMap = {}
        taken_types: set[str] = set(_SHARED_NAMES)
        for obj in sorted(self.catalog.active_objects, key=lambda o: o.name_singular):
            names = Names(obj)
            wanted = {names.type, names.connection, names.edge}
            clash = wanted & taken_types
            if not clash:
                reads, writes = self.query_fields(obj), self.mutation_fields(obj)
                clash = (set(reads) | set(writes)) & (set(query) | set(mutation))
            if clash:
                log.warning(
                    "object %r left out of the GraphQL schema: %s already taken",
                    obj.name_singular,
                    ", ".join(sorted(clash)),
                )
                continue
            taken_types |= wanted
            query.update(reads)
            mutation.update(writes)
        return GraphQLSchema(
            query=GraphQLObjectType("Query", query),
            mutation=GraphQLObjectType("Mutation", mutation) if mutation else None,
        )

    # ---- root fields ---------------------------------------------------------------------

    def _resolve(self, obj: ObjectMeta, resolver: Callable[..., Any]) -> Callable[..., Any]:
        return partial(resolver, obj)

    def query_fields(self, obj: ObjectMeta) -> GraphQLFieldMap:
        names = Names(obj)
        record = self.outputs.from_object(obj)
        connection = self.outputs.from_connection(obj)
        filter_input = self.inputs.from_filter(obj)
        return {
            names.find_many: GraphQLField(
                connection,
                args=self.inputs.connection_args(obj),
                resolve=self._resolve(obj, resolvers.find_many),
                extensions=Role(Kind.FIND_MANY, obj=obj).extensions(),
            ),
            names.find_one: GraphQLField(
                record,
                args={"filter": GraphQLArgument(GraphQLNonNull(filter_input))},
                resolve=self._resolve(obj, resolvers.find_one),
                extensions=Role(Kind.FIND_ONE, obj=obj).extensions(),
            ),
            names.find_duplicates: GraphQLField(
                GraphQLList(GraphQLNonNull(connection)),
                args={
                    "ids": GraphQLArgument(GraphQLList(scalars.UUIDScalar)),
                    "data": GraphQLArgument(GraphQLList(self.inputs.from_create(obj))),
                },
                resolve=self._resolve(obj, resolvers.find_duplicates),
            ),
            names.group_by: GraphQLField(
                GraphQLList(GraphQLNonNull(self.outputs.from_group_by_connection(obj))),
                args={
                    "groupBy": GraphQLArgument(
                        GraphQLNonNull(GraphQLList(GraphQLNonNull(self.inputs.from_group_by(obj))))
                    ),
                    "filter": GraphQLArgument(filter_input),
                    "orderBy": GraphQLArgument(
                        GraphQLList(self.inputs.from_order_by_with_group_by(obj))
                    ),
                    "orderByForRecords": GraphQLArgument(
                        GraphQLList(self.inputs.from_order_by(obj))
                    ),
                    "viewId": GraphQLArgument(scalars.UUIDScalar),
                    "limit": GraphQLArgument(GraphQLInt),
                },
                resolve=self._resolve(obj, resolvers.group_by),
            ),
        }

    def mutation_fields(self, obj: ObjectMeta) -> GraphQLFieldMap:
        names = Names(obj)
        record = self.outputs.from_object(obj)
        records = GraphQLList(GraphQLNonNull(record))
        create = self.inputs.from_create(obj)
        update = self.inputs.from_update(obj)
        by_id = {"id": GraphQLArgument(GraphQLNonNull(scalars.UUIDScalar))}
        by_filter = {"filter": GraphQLArgument(GraphQLNonNull(self.inputs.from_filter(obj)))}
        upsert = {
            "upsert": GraphQLArgument(GraphQLBoolean),
            UPSERT_ON_ARGUMENT: GraphQLArgument(
                GraphQLString,
                description=(
                    "Ours: upsert on this unique field (a dotted path such as "
                    "'emails.primaryEmail') instead of on 'id'"
                ),
            ),
        }

        def field(
            output: GraphQLOutputType, args: dict[str, GraphQLArgument], resolver: Any
        ) -> GraphQLField:
            return GraphQLField(output, args=args, resolve=self._resolve(obj, resolver))

        return {
            names.create_one: field(
                record,
                {"data": GraphQLArgument(GraphQLNonNull(create)), **upsert},
                resolvers.create_one,
            ),
            names.create_many: field(
                records,
                {
                    "data": GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(create)))),
                    **upsert,
                },
                resolvers.create_many,
            ),
            names.update_one: field(
                record,
                {**by_id, "data": GraphQLArgument(GraphQLNonNull(update))},
                resolvers.update_one,
            ),
            names.update_many: field(
                records,
                {"data": GraphQLArgument(GraphQLNonNull(update)), **by_filter},
                resolvers.update_many,
            ),
            names.delete_one: field(record, by_id, resolvers.delete_one),
            names.delete_many: field(records, by_filter, resolvers.delete_many),
            names.destroy_one: field(record, by_id, resolvers.destroy_one),
            names.destroy_many: field(records, by_filter, resolvers.destroy_many),
            names.restore_one: field(record, by_id, resolvers.restore_one),
            names.restore_many: field(records, by_filter, resolvers.restore_many),
            names.merge_many: field(
                record,
                {
                    "ids": GraphQLArgument(
                        GraphQLNonNull(GraphQLList(GraphQLNonNull(scalars.UUIDScalar)))
                    ),
                    "conflictPriorityIndex": GraphQLArgument(GraphQLNonNull(GraphQLInt)),
                    "dryRun": GraphQLArgument(GraphQLBoolean),
                },
                resolvers.merge_many,
            ),
        }


def build_core_schema(catalog: Catalog) -> GraphQLSchema:
    """The core schema of `catalog`, validated (a broken schema fails here, not per request)."""
    schema = CoreSchemaBuilder(catalog).build()
    assert_valid_schema(schema)
    return schema
