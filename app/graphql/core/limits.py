"""Guards against abusive documents, as validation rules: a depth limit and a cost limit.

Depth counts nested fields (`people { edges { node { id } } }` is 4 deep). Cost counts one
per field, and every `edges` selection costs as many times its node's selection as the page
can hold (`first`/`last`, a literal or a variable, else the default page size, capped at the
maximum), so nested connections multiply:

    companies(first: 60) { edges { node { people(first: 60) { edges { node { id } } } } } }
      = 1 + (1 + 60 * (1 + 1 + (1 + 60 * (1 + 1)) ... )) ≈ 7 500

Introspection fields (`__schema`, `__type`, `__typename`) are free. Both rules report one
GRAPHQL_VALIDATION_FAILED error naming the limit, with appCode QUERY_TOO_DEEP or
QUERY_TOO_COMPLEX.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
)

from app.graphql.core.roles import Kind, role_of


def _extensions(app_code: str) -> dict[str, Any]:
    return {"code": "GRAPHQL_VALIDATION_FAILED", "appCode": app_code}


def depth_limit(max_depth: int) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = self._depth(node.selection_set, set())
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"Query is too deep: depth {depth} exceeds the maximum of {max_depth}",
                        node,
                        extensions=_extensions("QUERY_TOO_DEEP"),
                    )
                )

        def _depth(self, selection_set: SelectionSetNode | None, seen: set[str]) -> int:
            if selection_set is None:
                return 0
            deepest = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    if selection.name.value.startswith("__"):
                        continue
                    deepest = max(deepest, 1 + self._depth(selection.selection_set, seen))
                elif isinstance(selection, InlineFragmentNode):
                    deepest = max(deepest, self._depth(selection.selection_set, seen))
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is not None and name not in seen:
                        inner = self._depth(fragment.selection_set, seen | {name})
                        deepest = max(deepest, inner)
            return deepest

    return MaxDepthRule


def cost_limit(
    max_cost: int,
    *,
    default_page: int,
    max_page: int,
    variables: Mapping[str, Any] | None,
) -> type[ValidationRule]:
    values = dict(variables or {})

    class MaxCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            schema = self.context.schema
            root = schema.mutation_type if node.operation.value == "mutation" else schema.query_type
            if root is None:
                return
            cost = self._cost(node.selection_set, root, None, set())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"Query is too complex: cost {cost} exceeds the maximum of {max_cost}; "
                        "ask for smaller pages (first/last) or fewer nested connections",
                        node,
                        extensions=_extensions("QUERY_TOO_COMPLEX"),
                    )
                )

        def _cost(
            self,
            selection_set: SelectionSetNode | None,
            parent: Any,
            page: int | None,
            seen: set[str],
        ) -> int:
            if selection_set is None or not isinstance(parent, GraphQLObjectType):
                return 0
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    total += self._field_cost(selection, parent, page, seen)
                elif isinstance(selection, InlineFragmentNode):
                    total += self._cost(selection.selection_set, parent, page, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is not None and name not in seen:
                        total += self._cost(fragment.selection_set, parent, page, seen | {name})
            return total

        def _field_cost(
            self, node: FieldNode, parent: GraphQLObjectType, page: int | None, seen: set[str]
        ) -> int:
            if node.name.value.startswith("__"):
                return 0
            definition = parent.fields.get(node.name.value)
            if definition is None:
                return 1
            child = get_named_type(definition.type)
            role = role_of(definition)
            if role is not None and role.kind is Kind.EDGES:
                return 1 + (page or 1) * self._cost(node.selection_set, child, None, seen)
            child_page = self._page_size(node) if _is_connection(child) else None
            return 1 + self._cost(node.selection_set, child, child_page, seen)

        def _page_size(self, node: FieldNode) -> int:
            size = None
            for argument in node.arguments or ():
                if argument.name.value in ("first", "last"):
                    value = argument.value
                    if isinstance(value, IntValueNode):
                        size = int(value.value)
                    elif isinstance(value, VariableNode):
                        given = values.get(value.name.value)
                        size = given if isinstance(given, int) else None
            return max(0, min(default_page if size is None else size, max_page))

    return MaxCostRule


def _is_connection(named: Any) -> bool:
    if not isinstance(named, GraphQLObjectType):
        return False
    edges = named.fields.get("edges")
    role = role_of(edges)
    return role is not None and role.kind is Kind.EDGES
