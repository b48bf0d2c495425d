"""The memo of built types: each generated type is built once per schema and found by name.

A builder asks `memo.get(name, build)`; the type is stored before its field thunk runs, so
types that refer to each other (Person.company -> Company.people -> Person) are built once
and joined through thunks, never recursion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from graphql import GraphQLNamedType

T = TypeVar("T", bound=GraphQLNamedType)


class TypeMemo:
    def __init__(self) -> None:
        self._types: dict[str, GraphQLNamedType] = {}

    def get(self, name: str, build: Callable[[], T]) -> T:
        found = self._types.get(name)
        if found is None:
            found = build()
            if found.name != name:
                raise ValueError(f"built type {found.name!r} under the name {name!r}")
            self._types[name] = found
        return found  # type: ignore[return-value]

    def __contains__(self, name: str) -> bool:
        return name in self._types
