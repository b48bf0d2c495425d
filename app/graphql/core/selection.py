"""GraphQL selections to read trees: what the client asked for, as app.query.tree types.

    people(first: 20) { totalCount edges { node { name { firstName } company { name } } } }
      -> ConnectionRead(first=20, aggregates=("totalCount",),
                        records=RecordRead(person, (name, company),
                                           to_one=(ToOne("company", company, …),)))

Fields are collected by response key across fragments and inline fragments, honouring
@skip/@include; each generated field's `Role` says what it stands for. Only fields a client
selects are read, and only the aggregates it selects are computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values, get_directive_values

from app.catalog.snapshot import Catalog
from app.graphql.core import arguments
from app.graphql.core.roles import Kind, role_of
from app.metadata.model import FieldMeta, ObjectMeta
from app.query.tree import ConnectionRead, RecordRead, ToMany, ToOne

Groups = dict[str, list[FieldNode]]


class SelectionReader:
    """Reads the selection under one resolved field into read trees."""

    def __init__(self, info: GraphQLResolveInfo, catalog: Catalog) -> None:
        self._info = info
        self._catalog = catalog

    # ---- collecting ----------------------------------------------------------------------

    def collect(self, nodes: Iterable[FieldNode], runtime: GraphQLObjectType) -> Groups:
        """The sub-fields of `nodes`, by response key."""
        groups: Groups = {}
        for node in nodes:
            if node.selection_set is not None:
                self._collect(node.selection_set, runtime, groups, set())
        return groups

    def _collect(
        self,
        selection_set: SelectionSetNode,
        runtime: GraphQLObjectType,
        groups: Groups,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                groups.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or condition.name.value == runtime.name:
                    self._collect(selection.selection_set, runtime, groups, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._info.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                if fragment.type_condition.name.value == runtime.name:
                    self._collect(fragment.selection_set, runtime, groups, visited)

    def _included(self, node: Any) -> bool:
        variables = self._info.variable_values
        skip = get_directive_values(GraphQLSkipDirective, node, variables)
        if skip is not None and skip.get("if"):
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, variables)
        return include is None or bool(include.get("if"))

    def arguments(self, parent: GraphQLObjectType, node: FieldNode) -> dict[str, Any]:
        field = parent.fields[node.name.value]
        return get_argument_values(field, node, self._info.variable_values)

    # ---- reading -------------------------------------------------------------------------

    def _target(self, field: FieldMeta) -> ObjectMeta:
        target_id = field.relation_target_object_id
        target = self._catalog.by_id(target_id) if target_id else None
        assert target is not None, f"relation {field.name} without a target"
        return target

    def record(
        self, obj: ObjectMeta, record_type: GraphQLObjectType, nodes: Sequence[FieldNode]
    ) -> RecordRead:
        """What to read of each record, from the selection of `nodes` on `record_type`."""
        return self._record(obj, record_type, self.collect(nodes, record_type))

    def _record(
        self, obj: ObjectMeta, record_type: GraphQLObjectType, groups: Groups
    ) -> RecordRead:
        fields: dict[str, FieldMeta] = {}
        to_one: list[ToOne] = []
        to_many: list[ToMany] = []
        for key, nodes in groups.items():
            definition = record_type.fields.get(nodes[0].name.value)
            role = role_of(definition)
            if definition is None or role is None or role.field is None:
                continue
            if role.kind in (Kind.VALUE, Kind.JOIN):
                fields.setdefault(role.field.name, role.field)
            elif role.kind is Kind.TO_ONE:
                target_type = get_named_type(definition.type)
                assert isinstance(target_type, GraphQLObjectType)
                read = self.record(self._target(role.field), target_type, nodes)
                to_one.append(ToOne(key, role.field, read))
            elif role.kind is Kind.TO_MANY:
                connection_type = get_named_type(definition.type)
                assert isinstance(connection_type, GraphQLObjectType)
                args = self.arguments(record_type, nodes[0])
                read_many = self.connection(
                    self._target(role.field), connection_type, nodes, args, definition.args
                )
                to_many.append(ToMany(key, role.field, read_many))
        return RecordRead(obj, tuple(fields.values()), tuple(to_one), tuple(to_many))

    def connection(
        self,
        obj: ObjectMeta,
        connection_type: GraphQLObjectType,
        nodes: Sequence[FieldNode],
        args: Mapping[str, Any],
        arg_types: Mapping[str, Any] | None = None,
    ) -> ConnectionRead:
        """A page request from a connection field's arguments and selection."""
        record_groups: Groups = {}
        aggregates: list[str] = []
        wants_page = False
        record_type: GraphQLObjectType | None = None
        for _key, group in self.collect(nodes, connection_type).items():
            definition = connection_type.fields.get(group[0].name.value)
            role = role_of(definition)
            if definition is None or role is None:
                continue
            if role.kind is Kind.AGGREGATE and role.key:
                aggregates.append(role.key)
            elif role.kind is Kind.PAGE_INFO:
                wants_page = True
            elif role.kind is Kind.EDGES:
                wants_page = True
                edge_type = get_named_type(definition.type)
                assert isinstance(edge_type, GraphQLObjectType)
                for edge_group in self.collect(group, edge_type).values():
                    edge_field = edge_type.fields.get(edge_group[0].name.value)
                    edge_role = role_of(edge_field)
                    if edge_field is None or edge_role is None or edge_role.kind is not Kind.NODE:
                        continue
                    node_type = get_named_type(edge_field.type)
                    assert isinstance(node_type, GraphQLObjectType)
                    record_type = node_type
                    for k, v in self.collect(edge_group, node_type).items():
                        record_groups.setdefault(k, []).extend(v)
        records = None
        if wants_page:
            records = (
                self._record(obj, record_type, record_groups)
                if record_type is not None
                else RecordRead(obj, ())
            )
        filter_type = _filter_type(arg_types)
        return ConnectionRead(
            filter=arguments.to_filter(args.get("filter"), filter_type) if filter_type else None,
            order_by=arguments.to_order_by(args.get("orderBy")),
            first=args.get("first"),
            last=args.get("last"),
            offset=args.get("offset"),
            after=args.get("after"),
            before=args.get("before"),
            records=records,
            aggregates=tuple(aggregates),
        )


def _filter_type(arg_types: Mapping[str, Any] | None) -> GraphQLInputObjectType | None:
    argument = (arg_types or {}).get("filter")
    if argument is None:
        return None
    named = get_named_type(argument.type)
    return named if isinstance(named, GraphQLInputObjectType) else None
