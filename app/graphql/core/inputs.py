"""Input types of one object: filter, order, create, update and group-by inputs.

For `person` (abridged):

    input PersonFilterInput {
      and: [PersonFilterInput] or: [PersonFilterInput] not: PersonFilterInput
      id: UUIDFilter  name: FullNameFilterInput  city: StringFilter
      companyId: UUIDFilter
      company: CompanyFilterInput          # ours: a filter through a many-to-one relation
    }
    input PersonOrderByInput { id: OrderByDirection  name: FullNameOrderByInput
                               companyId: OrderByDirection  company: CompanyOrderByInput … }
    input PersonCreateInput { id: UUID  name: FullNameCreateInput  companyId: UUID
                              createdBy: ActorCreateInput … }
    input PersonUpdateInput { name: FullNameUpdateInput  companyId: UUID … }
    input PersonGroupByInput { city: Boolean  createdAt: GroupByDateGranularityInput
                               name: FullNameGroupByInput  companyId: Boolean … }
    input PersonOrderByWithGroupByInput {
      aggregate: PersonOrderByWithGroupByAggregateInput   # { totalCount: OrderByDirection … }
      city: OrderByDirection  createdAt: OrderByDateGranularityInput … }

    input FullNameFilterInput { firstName: StringFilter lastName: StringFilter }
    input FullNameCreateInput { firstName: String lastName: String }   (Update, OrderBy, GroupBy)

A relation filter or order goes one hop: `company: {employees: {gte: 100}}`; the planner
refuses a second hop by name.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLString,
)

from app.catalog.snapshot import Catalog
from app.graphql.core import shared
from app.graphql.core.leaves import UNORDERABLE, Leaves, orderable
from app.graphql.core.memo import TypeMemo
from app.graphql.core.names import Names
from app.metadata.enums import FieldType, RelationType
from app.metadata.field_types import handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import aggregate
from app.query.writes import READ_ONLY

LOGICAL = ("and", "or", "not")
# ACTOR: clients may set `source` and `context`; the server fills the rest (spec §4).
_WRITABLE_SUB_FIELDS = {FieldType.ACTOR: ("source", "context")}
_NOT_GROUPABLE = frozenset({FieldType.TS_VECTOR, FieldType.RAW_JSON, FieldType.RELATION})

Fields = dict[str, GraphQLInputField]


def active_fields(obj: ObjectMeta) -> list[FieldMeta]:
    return [f for f in obj.fields if f.is_active]


def is_to_one(field: FieldMeta) -> bool:
    return field.join_column is not None


def is_to_many(field: FieldMeta) -> bool:
    return field.type is FieldType.RELATION and field.relation_type is RelationType.ONE_TO_MANY


def is_composite(field: FieldMeta) -> bool:
    return field.type is not FieldType.RELATION and handler_for(field.type).is_composite


class InputTypes:
    def __init__(self, catalog: Catalog, memo: TypeMemo, leaves: Leaves) -> None:
        self._catalog = catalog
        self._memo = memo
        self._leaves = leaves

    def _target(self, field: FieldMeta) -> ObjectMeta | None:
        target_id = field.relation_target_object_id
        target = self._catalog.by_id(target_id) if target_id else None
        return target if target is not None and target.is_active else None

    def _object_input(
        self, obj: ObjectMeta, kind: str, fields: Callable[[], Fields]
    ) -> GraphQLInputObjectType:
        name = Names(obj).input(kind)
        return self._memo.get(
            name, lambda: GraphQLInputObjectType(name, fields, description=obj.description)
        )

    # ---- per object ----------------------------------------------------------------------

    def from_filter(self, obj: ObjectMeta) -> GraphQLInputObjectType:
        def fields() -> Fields:
            this = self.from_filter(obj)
            out: Fields = {
                "and": GraphQLInputField(GraphQLList(GraphQLNonNull(this))),
                "or": GraphQLInputField(GraphQLList(GraphQLNonNull(this))),
                "not": GraphQLInputField(this),
            }
            for field in active_fields(obj):
                if field.name in LOGICAL or is_to_many(field):
                    continue
                if is_to_one(field):
                    assert field.join_column is not None
                    out[field.join_column] = GraphQLInputField(shared.UUIDFilter)
                    target = self._target(field)
                    if target is not None:
                        out[field.name] = GraphQLInputField(self.from_filter(target))
                elif is_composite(field):
                    out[field.name] = GraphQLInputField(self.from_composite(field.type, "Filter"))
                else:
                    out[field.name] = GraphQLInputField(self._leaves.filter_type(obj, field))
            return out

        return self._object_input(obj, "Filter", fields)

    def from_order_by(self, obj: ObjectMeta) -> GraphQLInputObjectType:
        def fields() -> Fields:
            out: Fields = {}
            for field in active_fields(obj):
                if is_to_many(field):
                    continue
                if is_to_one(field):
                    assert field.join_column is not None
                    out[field.join_column] = GraphQLInputField(shared.OrderByDirection)
                    target = self._target(field)
                    if target is not None:
                        out[field.name] = GraphQLInputField(self.from_order_by(target))
                elif is_composite(field):
                    out[field.name] = GraphQLInputField(self.from_composite(field.type, "OrderBy"))
                elif orderable(field):
                    out[field.name] = GraphQLInputField(shared.OrderByDirection)
            return out

        return self._object_input(obj, "OrderBy", fields)

    def from_create(self, obj: ObjectMeta) -> GraphQLInputObjectType:
        return self._object_input(obj, "Create", lambda: self._writable(obj, creating=True))

    def from_update(self, obj: ObjectMeta) -> GraphQLInputObjectType:
        return self._object_input(obj, "Update", lambda: self._writable(obj, creating=False))

    def _writable(self, obj: ObjectMeta, *, creating: bool) -> Fields:
        out: Fields = {}
        for field in active_fields(obj):
            if field.name in READ_ONLY or is_to_many(field):
                continue
            if not creating and field.name in ("id", "createdAt"):
                continue
            if is_to_one(field):
                assert field.join_column is not None
                out[field.join_column] = GraphQLInputField(self._leaves.value_type(obj, field))
            elif is_composite(field):
                kind = "Create" if creating else "Update"
                out[field.name] = GraphQLInputField(self.from_composite(field.type, kind))
            else:
                out[field.name] = GraphQLInputField(self._leaves.value_type(obj, field))
        return out

    def from_group_by(self, obj: ObjectMeta) -> GraphQLInputObjectType:
        def fields() -> Fields:
            out: Fields = {}
            for field in active_fields(obj):
                if is_to_one(field):
                    assert field.join_column is not None
                    out[field.join_column] = GraphQLInputField(GraphQLBoolean)
                elif field.type in _NOT_GROUPABLE:
                    continue
                elif is_composite(field):
                    out[field.name] = GraphQLInputField(self.from_composite(field.type, "GroupBy"))
                elif field.type in (FieldType.DATE, FieldType.DATE_TIME):
                    out[field.name] = GraphQLInputField(shared.GroupByDateGranularityInput)
                else:
                    out[field.name] = GraphQLInputField(GraphQLBoolean)
            return out

        return self._object_input(obj, "GroupBy", fields)

    def from_order_by_with_group_by(self, obj: ObjectMeta) -> GraphQLInputObjectType:
        def aggregates() -> Fields:
            return {
                key: GraphQLInputField(shared.OrderByDirection, description=a.description)
                for key, a in aggregate.available(obj).items()
            }

        def fields() -> Fields:
            out: Fields = {
                "aggregate": GraphQLInputField(
                    self._object_input(obj, "OrderByWithGroupByAggregate", aggregates),
                    description="Order by aggregate values",
                )
            }
            for field in active_fields(obj):
                if is_to_one(field):
                    assert field.join_column is not None
                    out[field.join_column] = GraphQLInputField(shared.OrderByDirection)
                elif field.type in _NOT_GROUPABLE:
                    continue
                elif is_composite(field):
                    out[field.name] = GraphQLInputField(self.from_composite(field.type, "OrderBy"))
                elif field.type in (FieldType.DATE, FieldType.DATE_TIME):
                    out[field.name] = GraphQLInputField(shared.OrderByDateGranularityInput)
                elif orderable(field):
                    out[field.name] = GraphQLInputField(shared.OrderByDirection)
            return out

        return self._object_input(obj, "OrderByWithGroupBy", fields)

    # ---- composites ----------------------------------------------------------------------

    def from_composite(self, field_type: FieldType, kind: str) -> GraphQLInputObjectType:
        """`{Composite}{kind}Input` for kind Create, Update, Filter, OrderBy or GroupBy."""
        name = Names.composite_input(field_type, kind)
        return self._memo.get(
            name, lambda: GraphQLInputObjectType(name, lambda: self._sub_fields(field_type, kind))
        )

    def _sub_fields(self, field_type: FieldType, kind: str) -> Fields:
        out: Fields = {}
        writable = _WRITABLE_SUB_FIELDS.get(field_type)
        for sub in handler_for(field_type).sub_fields:
            if kind in ("Create", "Update"):
                if writable is None or sub.name in writable:
                    value = self._leaves.sub_field_type(field_type, sub.name)
                    out[sub.name] = GraphQLInputField(value)
            elif kind == "Filter":
                out[sub.name] = GraphQLInputField(
                    self._leaves.sub_field_filter(field_type, sub.name)
                )
            elif kind == "OrderBy":
                if sub.kind not in UNORDERABLE:
                    out[sub.name] = GraphQLInputField(shared.OrderByDirection)
            else:
                out[sub.name] = GraphQLInputField(GraphQLBoolean)
        return out

    # ---- arguments -----------------------------------------------------------------------

    def connection_args(self, obj: ObjectMeta) -> dict[str, GraphQLArgument]:
        """findMany's arguments, also on every one-to-many connection."""
        return {
            "first": GraphQLArgument(GraphQLInt),
            "last": GraphQLArgument(GraphQLInt),
            "offset": GraphQLArgument(GraphQLInt),
            "before": GraphQLArgument(GraphQLString),
            "after": GraphQLArgument(GraphQLString),
            "filter": GraphQLArgument(self.from_filter(obj)),
            "orderBy": GraphQLArgument(GraphQLList(self.from_order_by(obj))),
        }
