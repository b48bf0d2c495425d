"""Output types of one object: the record, its edge and connection, and its group-by result.

For `person` (abridged):

    type Person {
      id: UUID!  name: FullName  city: String  createdAt: DateTime  searchVector: TSVector
      companyId: UUID  company: Company                      # many-to-one
      noteTargets(filter: NoteTargetFilterInput, orderBy: [NoteTargetOrderByInput],
                  first: Int, last: Int, offset: Int, before: String, after: String
      ): NoteTargetConnection                                # one-to-many
    }
    type PersonEdge { node: Person!  cursor: Cursor }
    type PersonConnection {
      edges: [PersonEdge!]!  pageInfo: PageInfo!  totalCount: Int
      countUniqueValuesCity: Int  countEmptyCity: Int  percentageEmptyCity: Float …
    }
    type PersonGroupByConnection { groupByDimensionValues: [String] …the connection's fields }
    type FullName { firstName: String  lastName: String }

Records are dicts of API values (app.query.shape); a relation is found on its record under the
response key of the field that asked for it (app.query.tree).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLFieldMap,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
)

from app.catalog.snapshot import Catalog
from app.graphql.core import shared
from app.graphql.core.inputs import (
    InputTypes,
    active_fields,
    is_composite,
    is_to_many,
    is_to_one,
)
from app.graphql.core.leaves import Leaves
from app.graphql.core.memo import TypeMemo
from app.graphql.core.names import Names
from app.graphql.core.roles import Kind, Role
from app.graphql.core.scalars import CursorScalar, DateTimeScalar, UUIDScalar
from app.metadata.enums import FieldType
from app.metadata.field_types import handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import aggregate
from app.query.tree import Page

_RESULT_TYPES: dict[aggregate.ResultType, GraphQLOutputType] = {
    aggregate.ResultType.INT: GraphQLInt,
    aggregate.ResultType.FLOAT: GraphQLFloat,
    aggregate.ResultType.DATE_TIME: DateTimeScalar,
}


# ---- resolvers: shaping loaded data into the output types ----------------------------------


def resolve_relation(record: dict[str, Any], info: GraphQLResolveInfo, **_: Any) -> Any:
    return record.get(info.path.key)  # type: ignore[arg-type]


def resolve_edges(page: Page, _info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    cursors = page.cursors
    return [
        {"node": record, "cursor": cursors[i] if i < len(cursors) else None}
        for i, record in enumerate(page.records)
    ]


def resolve_page_info(page: Page, _info: GraphQLResolveInfo) -> dict[str, Any]:
    return {
        "startCursor": page.start_cursor,
        "endCursor": page.end_cursor,
        "hasNextPage": page.has_next_page,
        "hasPreviousPage": page.has_previous_page,
    }


def resolve_aggregate(page: Page, info: GraphQLResolveInfo) -> Any:
    return page.aggregates.get(info.field_name)


# ---- types ---------------------------------------------------------------------------------


class OutputTypes:
    def __init__(
        self, catalog: Catalog, memo: TypeMemo, leaves: Leaves, inputs: InputTypes
    ) -> None:
        self._catalog = catalog
        self._memo = memo
        self._leaves = leaves
        self._inputs = inputs

    def _target(self, field: FieldMeta) -> ObjectMeta | None:
        target_id = field.relation_target_object_id
        target = self._catalog.by_id(target_id) if target_id else None
        return target if target is not None and target.is_active else None

    def from_object(self, obj: ObjectMeta) -> GraphQLObjectType:
        name = Names(obj).type
        return self._memo.get(
            name,
            lambda: GraphQLObjectType(
                name, lambda: self._record_fields(obj), description=obj.description
            ),
        )

    def _record_fields(self, obj: ObjectMeta) -> GraphQLFieldMap:
        out: GraphQLFieldMap = {}
        for field in active_fields(obj):
            if is_to_many(field):
                target = self._target(field)
                if target is not None:
                    out[field.name] = GraphQLField(
                        self.from_connection(target),
                        args=self._inputs.connection_args(target),
                        resolve=resolve_relation,
                        description=field.description,
                        extensions=Role(Kind.TO_MANY, field).extensions(),
                    )
            elif is_to_one(field):
                assert field.join_column is not None
                out[field.join_column] = GraphQLField(
                    UUIDScalar, extensions=Role(Kind.JOIN, field).extensions()
                )
                target = self._target(field)
                if target is not None:
                    out[field.name] = GraphQLField(
                        self.from_object(target),
                        resolve=resolve_relation,
                        description=field.description,
                        extensions=Role(Kind.TO_ONE, field).extensions(),
                    )
            else:
                out[field.name] = GraphQLField(
                    self._value_type(obj, field),
                    description=field.description,
                    extensions=Role(Kind.VALUE, field).extensions(),
                )
        return out

    def _value_type(self, obj: ObjectMeta, field: FieldMeta) -> GraphQLOutputType:
        if is_composite(field):
            return self.from_composite(field.type)
        value = self._leaves.value_type(obj, field)
        return GraphQLNonNull(value) if field.name == "id" else value

    def from_edge(self, obj: ObjectMeta) -> GraphQLObjectType:
        name = Names(obj).edge
        return self._memo.get(
            name,
            lambda: GraphQLObjectType(
                name,
                lambda: {
                    "node": GraphQLField(
                        GraphQLNonNull(self.from_object(obj)),
                        extensions=Role(Kind.NODE).extensions(),
                    ),
                    "cursor": GraphQLField(CursorScalar, extensions=Role(Kind.CURSOR).extensions()),
                },
            ),
        )

    def from_connection(self, obj: ObjectMeta) -> GraphQLObjectType:
        name = Names(obj).connection
        return self._memo.get(
            name, lambda: GraphQLObjectType(name, lambda: self._connection_fields(obj))
        )

    def from_group_by_connection(self, obj: ObjectMeta) -> GraphQLObjectType:
        name = Names(obj).group_by_connection

        def fields() -> GraphQLFieldMap:
            return {
                "groupByDimensionValues": GraphQLField(
                    GraphQLList(GraphQLString),
                    resolve=resolve_aggregate,  # a group's page keeps its values there
                    extensions=Role(Kind.DIMENSIONS).extensions(),
                ),
                **self._connection_fields(obj),
            }

        return self._memo.get(name, lambda: GraphQLObjectType(name, fields))

    def _connection_fields(self, obj: ObjectMeta) -> GraphQLFieldMap:
        out: GraphQLFieldMap = {
            "edges": GraphQLField(
                GraphQLNonNull(GraphQLList(GraphQLNonNull(self.from_edge(obj)))),
                resolve=resolve_edges,
                extensions=Role(Kind.EDGES).extensions(),
            ),
            "pageInfo": GraphQLField(
                GraphQLNonNull(shared.PageInfo),
                resolve=resolve_page_info,
                extensions=Role(Kind.PAGE_INFO).extensions(),
            ),
        }
        for key, spec in aggregate.available(obj).items():
            out[key] = GraphQLField(
                _RESULT_TYPES[spec.result],
                resolve=resolve_aggregate,
                description=spec.description,
                extensions=Role(Kind.AGGREGATE, key=key).extensions(),
            )
        return out

    def from_composite(self, field_type: FieldType) -> GraphQLObjectType:
        name = Names.composite(field_type)

        def fields() -> GraphQLFieldMap:
            return {
                sub.name: GraphQLField(self._leaves.sub_field_type(field_type, sub.name))
                for sub in handler_for(field_type).sub_fields
            }

        return self._memo.get(name, lambda: GraphQLObjectType(name, fields))
