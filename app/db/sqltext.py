"""Quoting for SQL text we build ourselves: identifiers and literals, nothing else."""

from __future__ import annotations

import re

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
