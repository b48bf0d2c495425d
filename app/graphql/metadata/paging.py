"""CursorPaging, cursors and the ObjectFilter / FieldFilter comparisons, as Twenty reads them.

Cursors are base64 of `{"id": "<uuid>"}`. Paging errors use Twenty's messages ("Cannot use
both first and last", "Requested page size of 2000 exceeds the maximum size of 1000"). Filters
are evaluated in memory over the workspace model: `and`/`or` lists, and per property
`is isNot eq neq gt gte lt lte like notLike iLike notILike in notIn`.
"""

from __future__ import annotations

import base64
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

import orjson

from app.errors import BadRequest
from app.graphql.metadata.inputs import to_dict
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.paging import PageRequest

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 10  # Twenty's, when paging names neither `first` nor `last`


def encode_cursor(item_id: UUID) -> str:
    return base64.b64encode(orjson.dumps({"id": str(item_id)})).decode()


def decode_cursor(cursor: str) -> UUID:
    try:
        data = orjson.loads(base64.b64decode(cursor, validate=True))
        return UUID(data["id"])
    except (ValueError, TypeError, KeyError):
        raise BadRequest(f"Invalid cursor: {cursor}") from None


def page_request(paging: Any, *, default: int = DEFAULT_PAGE_SIZE) -> PageRequest:
    values = to_dict(paging) if paging is not None else {}
    first, last = values.get("first"), values.get("last")
    after, before = values.get("after"), values.get("before")
    rules = (
        (first is not None and last is not None, "Cannot use both first and last"),
        (first is not None and before is not None, "Cannot use first with before"),
        (last is not None and after is not None, "Cannot use last with after"),
        (after is not None and before is not None, "Cannot use both after and before"),
        ((first or 0) < 0 or (last or 0) < 0, "Page size cannot be negative"),
    )
    for broken, message in rules:
        if broken:
            raise BadRequest(message)
    limit = first if first is not None else last if last is not None else default
    if limit > MAX_PAGE_SIZE:
        raise BadRequest(
            f"Requested page size of {limit} exceeds the maximum size of {MAX_PAGE_SIZE}"
        )
    return PageRequest(
        limit=limit,
        after=decode_cursor(after) if after is not None else None,
        before=decode_cursor(before) if before is not None else None,
    )


def _like(pattern: str, value: str, *, insensitive: bool) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if insensitive else 0) is not None


def _holds(op: str, value: Any, wanted: Any) -> bool:
    if op in ("is", "isNot"):
        same = value is wanted or value == wanted
        return same if op == "is" else not same
    text = str(value) if value is not None else None
    if op in ("in", "notIn"):
        inside = text in [str(w) for w in wanted]
        return inside if op == "in" else not inside
    if op in ("eq", "neq"):
        equal: bool = text == wanted
        return equal if op == "eq" else not equal
    if text is None:
        return op in ("notLike", "notILike")
    if op in ("like", "notLike", "iLike", "notILike"):
        found = _like(wanted, text, insensitive=op in ("iLike", "notILike"))
        return found if op in ("like", "iLike") else not found
    comparisons: dict[str, Callable[[str, str], bool]] = {
        "gt": operator.gt,
        "gte": operator.ge,
        "lt": operator.lt,
        "lte": operator.le,
    }
    return comparisons[op](text, wanted)


def _compare(value: Any, comparison: Mapping[str, Any]) -> bool:
    for op, operand in comparison.items():
        if operand is None and op not in ("is", "isNot"):
            continue
        if not _holds(op, value, operand):
            return False
    return True


def _matches(values: Mapping[str, Any], condition: Mapping[str, Any]) -> bool:
    for key, operand in condition.items():
        if key == "and" and not all(_matches(values, c) for c in operand or ()):
            return False
        if key == "or" and operand and not any(_matches(values, c) for c in operand):
            return False
        if (
            key not in ("and", "or")
            and operand is not None
            and not _compare(values.get(key), operand)
        ):
            return False
    return True


def object_matches(obj: ObjectMeta, condition: Any) -> bool:
    values = {
        "id": obj.id,
        "universalIdentifier": obj.id,
        "isActive": obj.is_active,
        "isRemote": False,
        "isSearchable": obj.is_searchable,
        "isSystem": obj.is_system,
        "isUICreatable": not obj.is_system,
        "isUIEditable": not obj.is_system,
        "isUIReadOnly": obj.is_system,
        "isCustom": obj.is_custom,
    }
    return _matches(values, to_dict(condition) if condition is not None else {})


def field_matches(field: FieldMeta, condition: Any) -> bool:
    values = {
        "id": field.id,
        "isActive": field.is_active,
        "isCustom": field.is_custom,
        "isSystem": field.is_system,
        "isUIEditable": not field.is_ui_read_only,
        "isUIReadOnly": field.is_ui_read_only,
        "objectMetadataId": field.object_id,
    }
    return _matches(values, to_dict(condition) if condition is not None else {})
