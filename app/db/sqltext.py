"""SQL text we build ourselves: quoted identifiers and literals, and JSON object builders."""

from __future__ import annotations

import re
from collections.abc import Sequence

_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def ident(name: str) -> str:
    """A double-quoted identifier. Names come from validated metadata; refuse anything odd."""
    if not _IDENT_RE.match(name):
        raise ValueError(f"unsafe SQL identifier: {name!r}")
    return f'"{name}"'


def qualified(schema: str, table: str) -> str:
    return f"{ident(schema)}.{ident(table)}"


def literal(value: str) -> str:
    """A standard-conforming string literal (for DDL, where bind parameters are not allowed)."""
    if "\x00" in value:
        raise ValueError("NUL byte in SQL literal")
    return "'" + value.replace("'", "''") + "'"


# json_build_object takes at most 100 arguments (50 keys); a column name at most 63 bytes.
_MAX_PAIRS = 50
_MAX_NAME = 63


def json_object(pairs: Sequence[tuple[str, str]]) -> str:
    """SQL for a JSON object of (key, SQL expression) pairs, in order, written compactly as
    orjson writes it: the row of a sub-select whose columns are named by the keys
    (`row_to_json`: as fast as json_build_object, without its spaces or its 50-key limit).
    A key PostgreSQL could not keep as a column name (over 63 bytes) falls back to
    json_build_object, in chunks of 50 merged as jsonb."""
    if not pairs:
        return "'{}'::json"
    if all(len(k.encode()) <= _MAX_NAME for k, _ in pairs):
        columns = ", ".join(f'{v} AS "{k.replace(chr(34), chr(34) * 2)}"' for k, v in pairs)
        return f"(SELECT row_to_json(o) FROM (SELECT {columns}) o)"
    chunks = [
        "json_build_object("
        + ", ".join(f"{literal(k)}, {v}" for k, v in pairs[i : i + _MAX_PAIRS])
        + ")"
        for i in range(0, len(pairs), _MAX_PAIRS)
    ]
    if len(chunks) == 1:
        return chunks[0]
    return "(" + " || ".join(f"{c}::jsonb" for c in chunks) + ")::json"
