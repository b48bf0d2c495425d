"""Parsed and validated documents, kept per (schema, query text): clients repeat their queries.

Parsing and the specification's validation rules (plus the depth limit) depend only on the
schema and the text, so their outcome is cached; the cost limit depends on the variables
(`first: $n`) too, so the endpoint keeps its outcome per (document, variables) in a memo
(app.memo). A new schema (a new catalog version) is a new key.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    parse,
    specified_rules,
    validate,
)

from app import encoding

MAX_TOKENS = 20_000  # a parse guard: documents beyond this many tokens are refused


@dataclass(frozen=True, slots=True)
class Checked:
    """A query text checked against one schema: its document, or why it is refused."""

    document: DocumentNode | None
    parse_error: GraphQLError | None
    errors: tuple[GraphQLError, ...]


class DocumentCache:
    def __init__(self, *, max_entries: int = 2048) -> None:
        self._max = max_entries
        self._entries: OrderedDict[tuple[int, str], tuple[GraphQLSchema, Checked]] = OrderedDict()

    def check(
        self, schema: GraphQLSchema, query: str, static_rules: Sequence[type[ASTValidationRule]]
    ) -> Checked:
        """Parse and validate `query` with the specified rules and `static_rules` (rules that
        read neither variables nor request state), once per schema and text."""
        key = (id(schema), query)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is schema:
            self._entries.move_to_end(key)
            return entry[1]
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError as error:
            checked = Checked(None, error, ())
        except RecursionError:
            checked = Checked(None, GraphQLError("Syntax Error: the document nests too deeply"), ())
        else:
            errors = validate(schema, document, (*specified_rules, *static_rules))
            checked = Checked(document, None, tuple(errors))
        self._entries[key] = (schema, checked)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return checked


def variables_key(variables: dict[str, Any] | None) -> bytes:
    """The variables as a memo key: their JSON (two spellings of one value only miss)."""
    return encoding.dumps(variables) if variables else b""
