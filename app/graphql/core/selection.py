"""GraphQL selections to read trees: what the client asked for, as app.query.tree types.

    people(first: 20) { totalCount edges { node { name { firstName } company { name } } } }
      -> ConnectionRead(first=20, aggregates=("totalCount",),
                        records=RecordRead(person, (name, company),
                                           to_one=(ToOne("company", company, …),),
                                           layout=(("name", Composite(name, …)),
                                                   ("company", Related("company")))),
                        layout=Obj((("totalCount", TOTAL_COUNT),
                                    ("edges", Each(Obj((("node", RECORD),)))))))

Fields are collected by response key across fragments and inline fragments, honouring
@skip/@include; each generated field's `Role` says what it stands for. Only fields a client
selects are read, and only the aggregates it selects are computed. The layouts say where
each response key goes, so PostgreSQL can build the answer (app.query.layout); a selection
they cannot describe (two `edges` under one connection, say) raises `NotCompilable` in
strict mode, and the caller lets graphql-core execute the document instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
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
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
)

from app.catalog.snapshot import Catalog
from app.graphql.core import arguments
from app.graphql.core.roles import Kind, role_of
from app.metadata.model import FieldMeta, ObjectMeta
from app.query import layout
from app.query.tree import ConnectionRead, RecordRead, ToMany, ToOne

Groups = dict[str, list[FieldNode]]
TYPENAME = "__typename"
_PAGE_INFO_SLOTS = {
    "hasNextPage": layout.HAS_NEXT_PAGE,
    "hasPreviousPage": layout.HAS_PREVIOUS_PAGE,
    "startCursor": layout.START_CURSOR,
    "endCursor": layout.END_CURSOR,
}


class NotCompilable(Exception):
    """A selection the layouts cannot describe: graphql-core executes the document."""


class SelectionReader:
    """Reads the selection under one field into read trees (and their layouts)."""

    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues | None,
        catalog: Catalog,
        *,
        strict: bool = False,
    ) -> None:
        self._fragments = fragments
        self._variables = variables
        self._catalog = catalog
        self._strict = strict

    @classmethod
    def of(cls, info: GraphQLResolveInfo, catalog: Catalog) -> SelectionReader:
        """For a resolver: the fragments and variables of the operation being executed."""
        return cls(info.fragments, info.variable_values, catalog)

    def _refuse(self, why: str) -> None:
        if self._strict:
            raise NotCompilable(why)

    # ---- collecting ----------------------------------------------------------------------

    def collect(self, nodes: Iterable[FieldNode], runtime: GraphQLObjectType) -> Groups:
        """The sub-fields of `nodes`, by response key."""
        groups: Groups = {}
        for node in nodes:
            if node.selection_set is not None:
                self.collect_set(node.selection_set, runtime, groups)
        return groups

    def collect_set(
        self,
        selection_set: SelectionSetNode,
        runtime: GraphQLObjectType,
        groups: Groups,
        visited: set[str] | None = None,
    ) -> None:
        visited = set() if visited is None else visited
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                groups.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or condition.name.value == runtime.name:
                    self.collect_set(selection.selection_set, runtime, groups, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                if fragment.type_condition.name.value == runtime.name:
                    self.collect_set(fragment.selection_set, runtime, groups, visited)

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self._variables)
        if skip is not None and skip.get("if"):
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self._variables)
        return include is None or bool(include.get("if"))

    def arguments(self, parent: GraphQLObjectType, node: FieldNode) -> dict[str, Any]:
        field = parent.fields[node.name.value]
        return get_argument_values(field, node, self._variables)

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
        entries: list[tuple[str, layout.RecordEntry]] = []
        for key, nodes in groups.items():
            if nodes[0].name.value == TYPENAME:
                entries.append((key, layout.Const(record_type.name)))
                continue
            definition = record_type.fields.get(nodes[0].name.value)
            role = role_of(definition)
            if definition is None or role is None or role.field is None:
                self._refuse(f"{record_type.name}.{nodes[0].name.value}")
                continue
            if role.kind in (Kind.VALUE, Kind.JOIN):
                fields.setdefault(role.field.name, role.field)
                entries.append((key, self._value(role.field, definition, nodes)))
            elif role.kind is Kind.TO_ONE:
                target_type = get_named_type(definition.type)
                assert isinstance(target_type, GraphQLObjectType)
                read = self.record(self._target(role.field), target_type, nodes)
                to_one.append(ToOne(key, role.field, read))
                entries.append((key, layout.Related(key)))
            elif role.kind is Kind.TO_MANY:
                connection_type = get_named_type(definition.type)
                assert isinstance(connection_type, GraphQLObjectType)
                args = self.arguments(record_type, nodes[0])
                read_many = self.connection(
                    self._target(role.field), connection_type, nodes, args, definition.args
                )
                to_many.append(ToMany(key, role.field, read_many))
                entries.append((key, layout.Related(key)))
        return RecordRead(
            obj, tuple(fields.values()), tuple(to_one), tuple(to_many), layout=tuple(entries)
        )

    def _value(self, field: FieldMeta, definition: Any, nodes: Sequence[FieldNode]) -> Any:
        """A field's value; a composite with the sub-fields the client picked."""
        composite = get_named_type(definition.type)
        if not isinstance(composite, GraphQLObjectType):
            return layout.Value(field)
        parts: list[tuple[str, layout.Value | layout.Const]] = []
        for key, group in self.collect(nodes, composite).items():
            name = group[0].name.value
            if name == TYPENAME:
                parts.append((key, layout.Const(composite.name)))
            elif name in composite.fields:
                parts.append((key, layout.Value(field, name)))
        return layout.Composite(field, tuple(parts))

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
        entries: list[tuple[str, layout.PageNode]] = []
        for key, group in self.collect(nodes, connection_type).items():
            name = group[0].name.value
            if name == TYPENAME:
                entries.append((key, layout.Const(connection_type.name)))
                continue
            definition = connection_type.fields.get(name)
            role = role_of(definition)
            if definition is None or role is None:
                self._refuse(f"{connection_type.name}.{name}")
                continue
            if role.kind is Kind.AGGREGATE and role.key:
                aggregates.append(role.key)
                entries.append((key, layout.aggregate(role.key)))
            elif role.kind is Kind.PAGE_INFO:
                wants_page = True
                entries.append((key, self._page_info(definition, group)))
            elif role.kind is Kind.EDGES:
                wants_page = True
                edge_type = get_named_type(definition.type)
                assert isinstance(edge_type, GraphQLObjectType)
                edge: list[tuple[str, layout.PageNode]] = []
                for edge_key, edge_group in self.collect(group, edge_type).items():
                    edge_name = edge_group[0].name.value
                    edge_role = role_of(edge_type.fields.get(edge_name))
                    if edge_name == TYPENAME:
                        edge.append((edge_key, layout.Const(edge_type.name)))
                    elif edge_role is not None and edge_role.kind is Kind.CURSOR:
                        edge.append((edge_key, layout.CURSOR))
                    elif edge_role is not None and edge_role.kind is Kind.NODE:
                        if any(node is layout.RECORD for _, node in edge):
                            self._refuse("two node keys under one edge")
                        edge.append((edge_key, layout.RECORD))
                        node_type = get_named_type(edge_type.fields[edge_name].type)
                        assert isinstance(node_type, GraphQLObjectType)
                        record_type = node_type
                        for k, v in self.collect(edge_group, node_type).items():
                            record_groups.setdefault(k, []).extend(v)
                if any(isinstance(node, layout.Each) for _, node in entries):
                    self._refuse("two edges keys under one connection")
                entries.append((key, layout.Each(layout.Obj(tuple(edge)))))
        records = None
        if wants_page:
            records = (
                self._record(obj, record_type, record_groups)
                if record_type is not None
                else RecordRead(obj, (), layout=())
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
            layout=layout.Obj(tuple(entries)),
        )

    def _page_info(self, definition: Any, nodes: Sequence[FieldNode]) -> layout.Obj:
        page_type = get_named_type(definition.type)
        assert isinstance(page_type, GraphQLObjectType)
        entries: list[tuple[str, layout.PageNode]] = []
        for key, group in self.collect(nodes, page_type).items():
            name = group[0].name.value
            if name == TYPENAME:
                entries.append((key, layout.Const(page_type.name)))
            elif name in _PAGE_INFO_SLOTS:
                entries.append((key, _PAGE_INFO_SLOTS[name]))
        return layout.Obj(tuple(entries))


def _filter_type(arg_types: Mapping[str, Any] | None) -> GraphQLInputObjectType | None:
    argument = (arg_types or {}).get("filter")
    if argument is None:
        return None
    named = get_named_type(argument.type)
    return named if isinstance(named, GraphQLInputObjectType) else None
