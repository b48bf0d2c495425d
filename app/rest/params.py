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

The filter grammar lives in app/rest/filter_grammar.py (Note [filter grammar deviations]).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from app.errors import (
    InvalidOrderBy,
    InvalidParameter,
    UnknownParameter,
    did_you_mean,
)
from app.query.ast import Direction, OrderTerm

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
DEFAULT_DIRECTION = Direction.AscNullsFirst

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
