"""The REST `filter` grammar (spec §1.3): `field[op]:value`, nested `and/or/not(...)`.

    parse_filter('and(name.firstName[eq]:"Ada",or(age[gte]:30,not(city[is]:NULL)))')

Note [filter grammar deviations]
Twenty scans a filter with flags that flip on every quote and bracket, wherever they appear.
We scan it properly, which only changes inputs Twenty answers with an error or garbles (a
differential fuzz against Twenty's algorithm found no other difference):
- a quote opens a quoted run only where a value starts (after ``]:``, or after ``[`` or ``,``
  inside a list) and only if the same quote closes it later; inside a run, brackets,
  parentheses and commas are literal. So ``"O'Brien"``, ``"a(b"`` and ``"x[y"`` work, and an
  apostrophe inside a bare value stays literal: Twenty read ``name[eq]:O'Brien,city[eq]:x``
  as one condition, name = ``O'Brien,city[eq]:x``; we read two, and answer 400 where what
  follows such a comma is not a condition;
- quoted list items may hold commas: Twenty split ``["a,b",c]`` into ``"a``, ``b"``, ``c``;
- ``and(...)``/``or(...)``/``not(...)`` is a conjunction only when its bracket closes at the
  end of its text: Twenty silently dropped ``b[eq]:2`` from ``and(a[eq]:1),b[eq]:2``;
- a ``)`` before its ``(``, empty conditions, ``[in]:[]`` (the empty list, which Twenty read as
  ``[""]``), junk between ``]`` and ``:`` and malformed field paths are 400s of their own;
- whitespace before a condition and around path segments is ignored (Twenty 400s on it);
- ``is`` values lose their quotes and must be ``NULL`` or ``NOT_NULL``.
"""

from __future__ import annotations

import re
from typing import Any

from app.errors import InvalidFilter, did_you_mean
from app.query import bounds
from app.query.ast import And, Filter, FilterTerm, Not, Or

MAX_FILTER_DEPTH = bounds.MAX_FILTER_DEPTH

FILTER_OPERATORS = (
    *("eq", "neq", "in", "containsAny", "is", "gt", "gte", "lt", "lte"),
    *("startsWith", "endsWith", "like", "ilike"),
)
LIST_OPERATORS = frozenset({"in", "containsAny"})
IS_VALUES = frozenset({"NULL", "NOT_NULL"})

_QUOTES = "\"'"
_CONJUNCTION = re.compile(r"(and|or|not)\(")
_BAD_PATH_CHARS = frozenset("()[],:\"'")
_FILTER_EXAMPLE = "eg: price[gte]:10"


# --- filter ------------------------------------------------------------------------------------


def parse_filter(text: str) -> Filter:
    """``filter``: Twenty's grammar (spec §1.3); see Note [filter grammar deviations].

    A filter that is not one ``and(...)``, ``or(...)`` or ``not(...)`` is a comma list read as
    ``and(...)``, so ``a[eq]:1`` gives ``And((FilterTerm(("a",), "eq", "1"),))``.
    """
    if not text.strip():
        raise InvalidFilter(f"'filter' invalid. It is empty. {_FILTER_EXAMPLE}")
    return _FilterParser(text).parse()


class _FilterParser:
    """One filter text, scanned once; conditions are (start, end) spans of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quoted = _quoted_mask(text)
        self.closing = self._match_brackets()

    def _match_brackets(self) -> dict[int, int]:
        opens = [i for i, c in enumerate(self.text) if c == "(" and not self.quoted[i]]
        closes = [i for i, c in enumerate(self.text) if c == ")" and not self.quoted[i]]
        missing = len(opens) - len(closes)
        if missing:
            kind = "close" if missing > 0 else "open"
            count = abs(missing)
            raise InvalidFilter(
                f"'filter' invalid. {count} {kind} bracket{' is' if count == 1 else 's are'} "
                "missing in the query"
            )
        closing: dict[int, int] = {}
        stack: list[int] = []
        for i, c in enumerate(self.text):
            if self.quoted[i] or c not in "()":
                continue
            if c == "(":
                stack.append(i)
            elif stack:
                closing[stack.pop()] = i
            else:
                raise InvalidFilter(
                    f"'filter' invalid. The close bracket at character {i + 1} has no open "
                    "bracket before it"
                )
        return closing

    def parse(self) -> Filter:
        start, end = self._trim(0, len(self.text))
        conjunction = self._conjunction(start, end, 0)
        if conjunction is not None:
            return conjunction
        return And(tuple(self._expression(s, e, 1) for s, e in self._split(start, end)))

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        """Skip leading whitespace; trailing whitespace may belong to a value."""
        while start < end and self.text[start].isspace():
            start += 1
        return start, end

    def _expression(self, start: int, end: int, depth: int) -> Filter:
        start, end = self._trim(start, end)
        if start == end:
            raise InvalidFilter(
                f"'filter' invalid. Empty condition in '{self.text}'. {_FILTER_EXAMPLE}"
            )
        return self._conjunction(start, end, depth) or self._term(start, end)

    def _conjunction(self, start: int, end: int, depth: int) -> Filter | None:
        stripped = end
        while stripped > start and self.text[stripped - 1].isspace():
            stripped -= 1
        match = _CONJUNCTION.match(self.text, start, stripped)
        if match is None or self.closing.get(match.end() - 1) != stripped - 1:
            return None
        if depth >= MAX_FILTER_DEPTH:
            raise InvalidFilter(
                f"'filter' invalid. Conditions are nested more than {MAX_FILTER_DEPTH} deep"
            )
        name = match.group(1)
        children = tuple(
            self._expression(s, e, depth + 1) for s, e in self._split(match.end(), stripped - 1)
        )
        if name == "and":
            return And(children)
        if name == "or":
            return Or(children)
        if len(children) > 1:
            raise InvalidFilter(
                "'filter' invalid. 'not' conjunction should contain only 1 condition. "
                "eg: not(field[eq]:1)"
            )
        return Not(children[0])

    def _split(self, start: int, end: int) -> list[tuple[int, int]]:
        """Spans between the commas outside quotes, parentheses and square brackets."""
        spans: list[tuple[int, int]] = []
        parens = brackets = 0
        for i in range(start, end):
            if self.quoted[i]:
                continue
            c = self.text[i]
            if c == "(":
                parens += 1
            elif c == ")":
                parens -= 1
            elif c == "[":
                brackets += 1
            elif c == "]":
                brackets = max(0, brackets - 1)
            elif c == "," and parens == 0 and brackets == 0:
                spans.append((start, i))
                start = i + 1
        spans.append((start, end))
        return spans

    def _term(self, start: int, end: int) -> FilterTerm:
        term = self.text[start:end]
        if not _looks_like_term(term):
            raise _malformed_term(term)
        # Twenty's reading: the path before the first '[', the operator up to the next ']'.
        open_at = term.index("[")
        close_at = term.index("]", open_at + 1)
        op = term[open_at + 1 : close_at]
        if op not in FILTER_OPERATORS:
            raise InvalidFilter(
                f"'filter' invalid for '{term}', comparator {op} not in "
                f"{', '.join(FILTER_OPERATORS)}",
                term=term,
                hint=did_you_mean(op, FILTER_OPERATORS),
            )
        if term[close_at + 1 : close_at + 2] != ":":
            raise _malformed_term(term)
        path = tuple(segment.strip() for segment in term[:open_at].split("."))
        if not all(path) or any(_BAD_PATH_CHARS.intersection(segment) for segment in path):
            raise _malformed_term(term)
        value_at = start + close_at + 2
        return FilterTerm(path, op, self._value(term, op, value_at, end))

    def _value(self, term: str, op: str, start: int, end: int) -> Any:
        raw = self.text[start:end]
        if op in LIST_OPERATORS:
            if len(raw) < 2 or raw[0] != "[" or raw[-1] != "]":
                raise InvalidFilter(
                    f"'filter' invalid for '{op}' operator. Received '{raw}' but array value "
                    f"expected eg: 'field[{op}]:[value_1,value_2]'",
                    term=term,
                )
            if end - start == 2:
                return ()
            items = self._split_list(start + 1, end - 1)
            return tuple(_unquote(self.text[s:e]) for s, e in items)
        value = _unquote(raw)
        if op == "is" and value not in IS_VALUES:
            raise InvalidFilter(
                f"'filter' invalid for '{term}'. 'is' expects NULL or NOT_NULL, got '{raw}'",
                term=term,
                hint="Use field[is]:NULL or field[is]:NOT_NULL.",
            )
        return value

    def _split_list(self, start: int, end: int) -> list[tuple[int, int]]:
        """List items: Twenty splits on every comma; we skip commas inside quoted items."""
        spans: list[tuple[int, int]] = []
        for i in range(start, end):
            if self.text[i] == "," and not self.quoted[i]:
                spans.append((start, i))
                start = i + 1
        spans.append((start, end))
        return spans


def _quoted_mask(text: str) -> list[bool]:
    """For each character, whether it lies in a quoted run (quotes included).

    A quote opens a run only where a value starts (see Note [filter grammar deviations]) and
    only if the same quote appears later to close it.
    """
    quoted = [False] * len(text)
    last = {quote: text.rfind(quote) for quote in _QUOTES}
    brackets = 0
    i = 0
    while i < len(text):
        c = text[i]
        starts_value = text[i - 2 : i] == "]:" or (brackets > 0 and text[i - 1 : i] in ("[", ","))
        if c in _QUOTES and starts_value and last[c] > i:
            close = text.index(c, i + 1)
            quoted[i : close + 1] = [True] * (close + 1 - i)
            i = close + 1
            continue
        if c == "[":
            brackets += 1
        elif c == "]":
            brackets = max(0, brackets - 1)
        i += 1
    return quoted


def _malformed_term(term: str) -> InvalidFilter:
    return InvalidFilter(f"'filter' invalid for '{term}'. {_FILTER_EXAMPLE}", term=term)


def _looks_like_term(term: str) -> bool:
    """Twenty's ``^(.+)\\[(.+)\\]:(.+)$`` (matching newlines too), in linear time."""
    open_at = term.find("[", 1)
    close_at = term.rfind("]:", 0, len(term) - 1)
    return open_at != -1 and close_at >= open_at + 2


def _unquote(value: str) -> str:
    """Strip one pair of enclosing quotes, as Twenty does (either kind, even mismatched)."""
    if len(value) >= 2 and value[0] in _QUOTES and value[-1] in _QUOTES:
        return value[1:-1]
    return value
