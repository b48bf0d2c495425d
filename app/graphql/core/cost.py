"""The cost of a GraphQL operation: one model for `/graphql` and `/metadata`, computed in time
linear in the size of the document.

Cost counts one per field, aliases and introspection included, and a list multiplies the cost
of its selection by the number of items it can hold:

- `edges` by the page of its connection: `first`/`last` (or `paging: {first, last}`), a
  literal or a variable, else the default page size, capped at the maximum;
- another list of objects by its own `first`/`last`/`limit`, else the default page size;
- either at most by the list's known ceiling, when the caller knows one (`/metadata` knows how
  many objects and fields the workspace has: `objects(paging: {first: 1000})` costs what the
  workspace holds, not a thousand);
- an introspection list by the schema's own numbers: `__schema.types` by its number of types,
  `__Type.fields` by the average number of fields per type, and so on, so that selecting
  `types { fields { args } }` costs about as many values as the answer holds.

    companies(first: 60) { edges { node { people(first: 60) { edges { node { id } } } } } }
      = 1 + (1 + 60 * (1 + 1 + (1 + 60 * (1 + 1)) ... )) ≈ 7 500

Introspection is counted apart (`Cost.introspection`): its allowance is what the standard
introspection query costs on the schema (`introspection_allowance`).

Note [linear validation]: a fragment is walked once per (fragment, page size), its result
memoised, so a document of fragments spreading each other twice costs a walk of its text,
never of its expansion (which is exponential: 40 such fragments stand for 2^40 fields). A
document that names fragments in a cycle is refused by the specified rules; here a cycle
simply adds nothing.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_introspection_query,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    parse,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

PAGE_ARGUMENTS = ("first", "last", "limit")


@dataclass(frozen=True, slots=True)
class Pages:
    """Page sizes of the schema the cost is computed for."""

    default: int
    maximum: int


@dataclass(frozen=True, slots=True)
class Cost:
    """What a selection costs: its data, and its introspection, which has its own allowance."""

    data: int = 0
    introspection: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.data + other.data, self.introspection + other.introspection)

    def times(self, size: int) -> Cost:
        return Cost(self.data * size, self.introspection * size)


_FREE = Cost()
_ONE = Cost(data=1)


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Any,
    pages: Pages,
    variables: Mapping[str, Any],
    ceilings: Mapping[tuple[str, str], int] | None = None,
) -> Cost:
    """What `operation` costs (see the module docstring); `fragments` looks one up by name."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return _FREE
    walk = _Cost(schema, fragments, pages, variables, ceilings or {})
    return walk.of(operation.selection_set, root, None, introspecting=False)


class _Cost:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Any,
        pages: Pages,
        variables: Mapping[str, Any],
        ceilings: Mapping[tuple[str, str], int],
    ) -> None:
        self._schema = schema
        self._ceilings = ceilings
        self._fragments = fragments
        self._pages = pages
        self._variables = variables
        self._lists = _list_sizes(schema)
        self._memo: dict[tuple[str, str, int | None, bool], Cost] = {}
        self._active: set[str] = set()

    def of(
        self,
        selection_set: SelectionSetNode | None,
        parent: Any,
        page: int | None,
        *,
        introspecting: bool,
    ) -> Cost:
        total = _FREE
        if selection_set is None:
            return total
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page, introspecting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._schema.get_type(condition.name.value) if condition else parent
                total += self.of(
                    selection.selection_set, inner or parent, page, introspecting=introspecting
                )
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, parent, page, introspecting)
        return total

    def _fragment(self, name: str, parent: Any, page: int | None, introspecting: bool) -> Cost:
        fragment: FragmentDefinitionNode | None = self._fragments(name)
        if fragment is None or name in self._active:
            return _FREE
        condition = self._schema.get_type(fragment.type_condition.name.value) or parent
        key = (name, condition.name, page, introspecting)
        known = self._memo.get(key)
        if known is not None:
            return known
        self._active.add(name)
        cost = self.of(fragment.selection_set, condition, page, introspecting=introspecting)
        self._active.discard(name)
        self._memo[key] = cost
        return cost

    def _field(self, node: FieldNode, parent: Any, page: int | None, introspecting: bool) -> Cost:
        name = node.name.value
        introspecting = introspecting or name in ("__schema", "__type")
        one = Cost(introspection=1) if introspecting else _ONE
        definition = _definition(parent, name)
        if definition is None or node.selection_set is None:
            return one
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return one
        child_page = self._page(node, definition)
        ceiling = self._ceilings.get((parent.name, name))
        if child_page is not None and ceiling is not None:
            child_page = min(child_page, ceiling)
        size = 1
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            size = self._list_size(node, parent, page, child_page)
        inner = self.of(node.selection_set, named, child_page, introspecting=introspecting)
        return one + inner.times(size)

    def _list_size(self, node: FieldNode, parent: Any, page: int | None, own: int | None) -> int:
        name = node.name.value
        introspected = self._lists.get((parent.name, name)) or self._ceilings.get(
            (parent.name, name)
        )
        if introspected is not None:
            return introspected
        if name == "edges":
            return self._pages.default if page is None else page
        return self._pages.default if own is None else own

    def _page(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page a connection field asks for; None for a field that takes no page."""
        if not any(name in definition.args for name in (*PAGE_ARGUMENTS, "paging")):
            return None
        size: int | None = None
        for argument in node.arguments or ():
            name = argument.name.value
            if name in PAGE_ARGUMENTS:
                size = self._int(argument.value) if size is None else size
            elif name == "paging":
                size = self._paging(argument.value)
        default, maximum = self._pages.default, self._pages.maximum
        return max(0, min(default if size is None else size, maximum))

    def _paging(self, value: ValueNode) -> int | None:
        if isinstance(value, VariableNode):
            given = self._variables.get(value.name.value)
            if isinstance(given, Mapping):
                for key in ("first", "last"):
                    if isinstance(given.get(key), int):
                        return int(given[key])
            return None
        if isinstance(value, ObjectValueNode):
            for item in value.fields:
                if item.name.value in ("first", "last"):
                    return self._int(item.value)
        return None

    def _int(self, value: ValueNode) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = self._variables.get(value.name.value)
            return given if isinstance(given, int) and not isinstance(given, bool) else None
        return None


def _definition(parent: Any, name: str) -> GraphQLField | None:
    if name == "__schema":
        return SchemaMetaFieldDef
    if name == "__type":
        return TypeMetaFieldDef
    fields = getattr(parent, "fields", None)
    return fields.get(name) if fields else None


# ---- introspection -------------------------------------------------------------------------

_LIST_SIZES: weakref.WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], int]] = (
    weakref.WeakKeyDictionary()
)
_ALLOWANCES: weakref.WeakKeyDictionary[GraphQLSchema, dict[Pages, int]] = (
    weakref.WeakKeyDictionary()
)
_STANDARD_INTROSPECTION = parse(get_introspection_query(descriptions=True))


def _average(total: int, count: int) -> int:
    return max(1, math.ceil(total / max(1, count)))


def _list_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """How many items each introspection list holds on average in `schema` (computed once)."""
    known = _LIST_SIZES.get(schema)
    if known is not None:
        return known
    types: list[GraphQLNamedType] = list(schema.type_map.values())
    outputs = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    inputs = [t for t in types if isinstance(t, GraphQLInputObjectType)]
    fields = [f for t in outputs for f in t.fields.values()]
    sizes = {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): max(1, len(schema.directives)),
        ("__Type", "fields"): _average(len(fields), len(types)),
        ("__Type", "inputFields"): _average(sum(len(t.fields) for t in inputs), len(types)),
        ("__Type", "enumValues"): _average(
            sum(len(getattr(t, "values", None) or ()) for t in types), len(types)
        ),
        ("__Type", "interfaces"): _average(
            sum(len(getattr(t, "interfaces", None) or ()) for t in types), len(types)
        ),
        ("__Type", "possibleTypes"): _average(
            sum(len(getattr(t, "types", None) or ()) for t in types), len(types)
        ),
        ("__Field", "args"): _average(sum(len(f.args) for f in fields), len(fields)),
        ("__Directive", "args"): _average(
            sum(len(d.args) for d in schema.directives), len(schema.directives)
        ),
    }
    _LIST_SIZES[schema] = sizes
    return sizes


def introspection_allowance(schema: GraphQLSchema, pages: Pages) -> int:
    """What the standard introspection query costs on `schema`: always allowed once."""
    by_pages = _ALLOWANCES.setdefault(schema, {})
    known = by_pages.get(pages)
    if known is None:
        fragments = {
            d.name.value: d
            for d in _STANDARD_INTROSPECTION.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        operation = next(
            d for d in _STANDARD_INTROSPECTION.definitions if isinstance(d, OperationDefinitionNode)
        )
        known = operation_cost(schema, operation, fragments.get, pages, {}).introspection
        by_pages[pages] = known
    return known
