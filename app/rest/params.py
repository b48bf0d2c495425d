"""REST query parameters: Twenty's query-string grammar turned into the neutral query types.

Each parser is a pure function of the raw text that raises our errors with Twenty's messages
(spec §1.3). Names stay raw text and values stay strings: resolving them is the planner's job.

    check_known_params(request.query_params.multi_items(), FIND_MANY)
    filter = parse_filter(text)           -> Filter              InvalidFilter
    order = parse_order_by(text)          -> tuple[OrderTerm]    InvalidOrderBy
    limit = parse_limit(text)             -> int                 InvalidParameter
    depth = parse_depth(text)             -> 0 | 1               InvalidParameter
    fields = parse_fields(values)         -> paths | None        InvalidParameter
    soft = parse_bool_flag(name, text)    -> bool                InvalidParameter
    group_by = parse_json_param(name, t)  -> JSON                InvalidParameter

Cursors (``starting_after``, ``ending_before``) pass through as text; the planner decodes them.

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

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from app.errors import (
    InvalidFilter,
    InvalidOrderBy,
    InvalidParameter,
    UnknownParameter,
    did_you_mean,
)
from app.query.ast import And, Direction, Filter, FilterTerm, Not, Or, OrderTerm

# --- which parameters each route reads ---------------------------------------------------------
# Everything Twenty's handlers read on that route (so no Twenty client trips on our strictness),
# plus our `upsert_on`. Twenty's handler reads `viewId`; spec §1.5 spells it `view_id`.
# On group-by, `order_by` is Twenty's JSON list of OrderByWithGroupBy (parse_json_param), and
# `order_by_for_records` is the ordinary order_by grammar.

FIND_MANY = frozenset(
    {
        *("filter", "order_by", "limit", "depth", "starting_after", "ending_before"),
        *("fields", "omit_null_values"),
    }
)
FIND_ONE = frozenset({"depth", "fields", "omit_null_values"})
CREATE = frozenset({"depth", "fields", "upsert", "upsert_on", "omit_null_values"})  # one, batch
UPDATE_ONE = frozenset({"depth", "fields", "omit_null_values"})
UPDATE_MANY = frozenset({"filter", "depth", "fields", "omit_null_values"})
DELETE_ONE = frozenset({"soft_delete", "depth", "fields", "omit_null_values"})
DELETE_MANY = frozenset({"filter", "soft_delete", "depth", "fields", "omit_null_values"})
RESTORE_ONE = frozenset({"depth", "fields", "omit_null_values"})
RESTORE_MANY = frozenset({"filter", "depth", "fields", "omit_null_values"})
GROUP_BY = frozenset(
    {
        *("group_by", "aggregate", "filter", "order_by", "order_by_for_records", "limit"),
        *("include_records_sample", "viewId", "view_id", "omit_null_values"),
    }
)
FIND_DUPLICATES = frozenset({"depth", "fields"})
MERGE = frozenset({"depth", "fields"})

REPEATABLE = frozenset({"fields"})
"""Parameters that may be given more than once; Twenty merges repeated `fields` lists."""

QUERY_DEFAULT_LIMIT = 60
QUERY_MAX_LIMIT = 200
GROUP_BY_DEFAULT_LIMIT = 50
MAX_FILTER_DEPTH = 32

FILTER_OPERATORS = (
    *("eq", "neq", "in", "containsAny", "is", "gt", "gte", "lt", "lte"),
    *("startsWith", "endsWith", "like", "ilike"),
)
LIST_OPERATORS = frozenset({"in", "containsAny"})
IS_VALUES = frozenset({"NULL", "NOT_NULL"})
DEFAULT_DIRECTION = Direction.AscNullsFirst

_QUOTES = "\"'"
_CONJUNCTION = re.compile(r"(and|or|not)\(")
_BAD_PATH_CHARS = frozenset("()[],:\"'")
_FILTER_EXAMPLE = "eg: price[gte]:10"
_ORDER_BY_EXAMPLE = "eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3"
_FIELDS_EXAMPLE = "Expected a comma-separated list of field names, e.g. fields=id,name"
_JSON_MESSAGES = {
    "group_by": "Invalid group_by query parameter - should be a valid array of objects - ex: "
    '[{"firstField": true}, {"secondField": {"subField": true}}, '
    '{"dateField": {"granularity": \'DAY\'}}]',
    "aggregate": "Invalid aggregate query parameter - should be a valid array of string - ex: "
    '["countNotEmptyId", "countEmptyField"]',
    "order_by": "Invalid order_by query parameter - should be a valid array of objects - ex: "
    '[{"firstField": "AscNullsFirst"}, {"secondField": {"subField": "DescNullsLast"}}, '
    '{"aggregate": {"aggregateField": "DescNullsLast"}}, '
    '{dateField: {"orderBy": "AscNullsFirst", "granularity": "DAY"}}]',
}


# --- parameter names ---------------------------------------------------------------------------


@runtime_checkable
class MultiItems(Protocol):
    """A multi-dict such as Starlette's ``QueryParams``."""

    def multi_items(self) -> list[tuple[str, str]]: ...


def check_known_params(
    params: MultiItems | Mapping[str, str] | Iterable[tuple[str, str]],
    allowed: Collection[str],
    *,
    repeatable: Collection[str] = REPEATABLE,
) -> None:
    """Refuse a parameter the route does not read, and one given twice.

    Pass the multi-dict itself or its ``(key, value)`` pairs: a plain ``Mapping`` cannot show a
    repeated key. Twenty ignores unknown parameters, and Express turns a repeated one into an
    array that most of Twenty's parsers then treat as absent (``filter=a&filter=b`` filters
    nothing). We answer 400 naming the parameter instead of dropping what the client meant.
    """
    if isinstance(params, MultiItems):
        pairs: Iterable[tuple[str, str]] = params.multi_items()
    elif isinstance(params, Mapping):
        pairs = params.items()
    else:
        pairs = params
    seen: set[str] = set()
    for key, _ in pairs:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or f"Allowed here: {', '.join(sorted(allowed))}."
            raise UnknownParameter(f"Unknown query parameter '{key}'", hint=hint, parameter=key)
        if key in seen and key not in repeatable:
            raise InvalidParameter(
                f"Query parameter '{key}' is given more than once",
                hint="Give each query parameter once.",
                parameter=key,
            )
        seen.add(key)


# --- scalars -----------------------------------------------------------------------------------


def parse_limit(
    text: str | None, *, default: int = QUERY_DEFAULT_LIMIT, maximum: int = QUERY_MAX_LIMIT
) -> int:
    """``limit``: absent or empty means `default`; above `maximum` is clamped silently.

    Twenty also accepts what JavaScript's ``+x`` reads as a number (``1.5``, ``1e2``, ``0x10``);
    we take decimal digits only, as its message asks.
    """
    if text is None or text == "":
        return default
    digits = text.strip()
    if not re.fullmatch(r"[0-9]+", digits):
        raise InvalidParameter(
            f"limit '{text}' is invalid. Should be an integer", parameter="limit", value=text
        )
    return maximum if len(digits) > 9 else min(int(digits), maximum)


def parse_depth(text: str | None) -> int:
    """``depth``: 0 (the default) or 1."""
    if text is None or text == "":
        return 0
    if text.strip() not in ("0", "1"):
        raise InvalidParameter(
            f"'depth={text}' parameter invalid. Allowed values are 0, 1",
            parameter="depth",
            value=text,
        )
    return int(text.strip())


def parse_bool_flag(name: str, text: str | None) -> bool:
    """``soft_delete``, ``upsert``, ``include_records_sample``, ``omit_null_values``.

    Twenty treats exactly ``true`` as true and anything else as false, so ``soft_delete=True``
    (what Python's ``requests`` sends for ``True``) silently hard-deletes there. We accept
    ``true`` and ``false`` and answer 400 for anything else.
    """
    if text is None or text == "false":
        return False
    if text == "true":
        return True
    raise InvalidParameter(
        f"'{name}' parameter invalid. Received '{text}'. Allowed values are true, false",
        hint="Use lowercase true or false.",
        parameter=name,
        value=text,
    )


def parse_json_param(name: str, text: str | None, *, required: bool = False) -> Any:
    """``group_by``, ``aggregate`` and group-by's ``order_by``: URL-encoded JSON.

    ``group_by`` and ``order_by`` must be lists of objects, ``aggregate`` a list of names, as
    Twenty's messages say; another name takes any JSON. Absent gives None unless `required`.
    """
    message = _JSON_MESSAGES.get(name, f"Invalid {name} query parameter - should be valid JSON")
    if text is None:
        if required:
            raise InvalidParameter(message, parameter=name)
        return None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise InvalidParameter(message, parameter=name, value=text) from None
    if name == "aggregate":
        shape_ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    elif name in _JSON_MESSAGES:
        shape_ok = isinstance(value, list) and all(isinstance(item, dict) for item in value)
    else:
        shape_ok = True
    if not shape_ok:
        raise InvalidParameter(message, parameter=name, value=text)
    return value


def _reject_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def parse_fields(values: str | Sequence[str] | None) -> tuple[tuple[str, ...], ...] | None:
    """``fields``: a comma list of (possibly dotted) names; None when absent.

    Pass every value of a repeated ``fields`` (``query_params.getlist("fields")``): like
    Twenty, they are merged, items are trimmed, empty items skipped and duplicates dropped.
    """
    if values is None:
        return None
    raw = [values] if isinstance(values, str) else list(values)
    if not raw:
        return None
    names = [name.strip() for value in raw for name in value.split(",")]
    paths: dict[tuple[str, ...], None] = {}
    for name in filter(None, names):
        path = tuple(segment.strip() for segment in name.split("."))
        if not all(path):
            raise InvalidParameter(
                f"'fields' parameter invalid. '{name}' is not a field name. {_FIELDS_EXAMPLE}",
                parameter="fields",
                value=name,
            )
        paths[path] = None
    if not paths:
        raise InvalidParameter(
            f"'fields' parameter is empty. {_FIELDS_EXAMPLE}", parameter="fields"
        )
    return tuple(paths)


# --- order_by ----------------------------------------------------------------------------------


def parse_order_by(text: str) -> tuple[OrderTerm, ...]:
    """``order_by``: ``field1[Dir],field2,rel.sub[Dir]``; no direction means AscNullsFirst.

    The ``id`` tiebreaker Twenty appends is the planner's to add.
    """
    if not text.strip():
        raise InvalidOrderBy(f"'order_by' invalid. It is empty. {_ORDER_BY_EXAMPLE}")
    return tuple(_order_term(item) for item in text.split(","))


def _order_term(item: str) -> OrderTerm:
    direction = DEFAULT_DIRECTION
    name = item
    if "[" in item and "]" in item:
        # Twenty's reading: the name before the first '[', the direction up to the next ']'.
        name, rest = item.split("[")[:2]
        text = rest.replace("]", "", 1)
        if text not in Direction.__members__:
            allowed = "', '".join(Direction)
            raise InvalidOrderBy(
                f"'order_by' direction '{text}' invalid. Allowed values are '{allowed}'. "
                f"{_ORDER_BY_EXAMPLE}",
                direction=text,
            )
        if item.rstrip() != f"{name}[{text}]" or "]" in name:
            raise _malformed_order_item(item)
        direction = Direction(text)
    elif "[" in item or "]" in item:
        raise _malformed_order_item(item)
    path = tuple(segment.strip() for segment in name.split("."))
    if not all(path):
        raise _malformed_order_item(item)
    return OrderTerm(path, direction)


def _malformed_order_item(item: str) -> InvalidOrderBy:
    if not item.strip():
        return InvalidOrderBy(f"'order_by' invalid. It has an empty item. {_ORDER_BY_EXAMPLE}")
    return InvalidOrderBy(f"'order_by' invalid for '{item}'. {_ORDER_BY_EXAMPLE}", item=item)


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
