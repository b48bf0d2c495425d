"""Guards against abusive documents, as validation rules: a depth limit and a cost limit (the
cost model: app/graphql/core/cost.py), for `/graphql` and `/metadata` alike, both linear in the
size of the document (Note [linear validation]).

Depth counts nested fields (`people { edges { node { id } } }` is 4 deep); introspection
fields (`__schema`, `__type`) are not counted, their cost is. The depth walk measures each
fragment once and stops one level past the limit, so a deep document never exhausts the stack.

A document may cost at most the configured maximum; its introspection part at most what the
standard introspection query costs on that schema: a client can always introspect the whole
schema once, however large the workspace, but not 300 times in one request. Both rules report
one GRAPHQL_VALIDATION_FAILED error naming the limit, with appCode QUERY_TOO_DEEP or
QUERY_TOO_COMPLEX.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

from app.graphql.core.cost import Pages, introspection_allowance, operation_cost

# Deeper variables would exhaust the stack of graphql-core's input coercion (a filter is
# refused far sooner: app/query/bounds.py); JSON values inside them are bounded at 64.
MAX_VARIABLES_DEPTH = 100


def nesting(value: Any) -> int:
    """How deep lists and objects nest in `value`, counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_VARIABLES_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


def _extensions(app_code: str) -> dict[str, Any]:
    return {"code": "GRAPHQL_VALIDATION_FAILED", "appCode": app_code}


# ---- depth ---------------------------------------------------------------------------------


def depth_limit(max_depth: int) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = _Depth(self.context.get_fragment, max_depth).of(node.selection_set, 0)
            if depth > max_depth:
                shown = f"depth {depth}" if depth <= max_depth + 1 else "depth"
                self.report_error(
                    GraphQLError(
                        f"Query is too deep: {shown} exceeds the maximum of {max_depth}",
                        node,
                        extensions=_extensions("QUERY_TOO_DEEP"),
                    )
                )

    return MaxDepthRule


class _Depth:
    """Depth of a selection set, each fragment measured once (Note [linear validation]); the
    walk stops one level past `max_depth`, so a deep document never exhausts the stack."""

    def __init__(self, fragments: Any, max_depth: int) -> None:
        self._fragments = fragments
        self._cut = max_depth + 1
        self._memo: dict[str, int] = {}  # fragment -> its own depth, when not cut
        self._active: set[str] = set()

    def of(self, selection_set: SelectionSetNode | None, above: int) -> int:
        """The deepest level reached below `above` levels of fields (at most the cut + 1)."""
        deepest = above
        if selection_set is None:
            return deepest
        for selection in selection_set.selections:
            if deepest > self._cut:
                break
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    deepest = max(deepest, self.of(selection.selection_set, above + 1))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.of(selection.selection_set, above))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment(selection.name.value, above))
        return deepest

    def _fragment(self, name: str, above: int) -> int:
        known = self._memo.get(name)
        if known is not None:
            return above + known
        fragment: FragmentDefinitionNode | None = self._fragments(name)
        if fragment is None or name in self._active:
            return above
        self._active.add(name)
        reached = self.of(fragment.selection_set, above)
        self._active.discard(name)
        if reached <= self._cut:
            self._memo[name] = reached - above
        return reached


# ---- cost ----------------------------------------------------------------------------------


def cost_limit(
    max_cost: int,
    *,
    default_page: int,
    max_page: int,
    variables: Mapping[str, Any] | None,
    ceilings: Mapping[tuple[str, str], int] | None = None,
) -> type[ValidationRule]:
    """`ceilings`: (type name, field name) -> the most items that list can hold."""
    pages = Pages(default_page, max_page)
    values = dict(variables or {})
    known = dict(ceilings or {})

    class MaxCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            schema = self.context.schema
            cost = operation_cost(schema, node, self.context.get_fragment, pages, values, known)
            allowance = max(max_cost, introspection_allowance(schema, pages))
            if cost.data > max_cost:
                self._refuse(node, f"cost {cost.data} exceeds the maximum of {max_cost}")
            elif cost.introspection > allowance:
                self._refuse(
                    node,
                    f"introspection cost {cost.introspection} exceeds the maximum of "
                    f"{allowance} (one full introspection of this schema)",
                )

        def _refuse(self, node: OperationDefinitionNode, detail: str) -> None:
            self.report_error(
                GraphQLError(
                    f"Query is too complex: {detail}; ask for smaller pages (first/last), "
                    "fewer nested connections or fewer aliases",
                    node,
                    extensions=_extensions("QUERY_TOO_COMPLEX"),
                )
            )

    return MaxCostRule
