"""Database errors to API errors that name the field; a raw PostgreSQL message never leaks.

Constraint names follow Note [constraint names] in app/metadata/ddl.py, so the column a
violated constraint guards can be read back from its name.
"""

from __future__ import annotations

import asyncpg

from app.errors import AppError, BadRequest, DuplicateEntry, InvalidFieldValue


def _column_from_constraint(table: str, constraint: str | None) -> str | None:
    if not constraint:
        return None
    if constraint == f"{table}_pkey":
        return "id"
    prefix = f"{table}_"
    for suffix in ("_unique", "_check", "_fkey", "_idx"):
        if constraint.startswith(prefix) and constraint.endswith(suffix):
            return constraint[len(prefix) : -len(suffix)]
    return None


def translate(exc: asyncpg.PostgresError, table: str) -> AppError:
    """The AppError a failed write reports; the caller raises it `from None`."""
    constraint = getattr(exc, "constraint_name", None)
    column = getattr(exc, "column_name", None) or _column_from_constraint(table, constraint)
    if isinstance(exc, asyncpg.UniqueViolationError):
        where = f" on field '{column}'" if column else ""
        return DuplicateEntry(
            "A duplicate entry was detected",
            hint=f"another record already has this value{where}",
            field=column,
        )
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return InvalidFieldValue(
            f"Invalid value for '{column}': no related record with this id"
            if column
            else "A related record does not exist",
            field=column,
        )
    if isinstance(exc, asyncpg.NotNullViolationError):
        return InvalidFieldValue(f"Field '{column}' cannot be null", field=column)
    if isinstance(exc, asyncpg.CheckViolationError):
        return InvalidFieldValue(f"Invalid value for field '{column}'", field=column)
    if isinstance(exc, asyncpg.DataError):
        return BadRequest(f"Invalid value: {type(exc).__name__.removesuffix('Error')}")
    return BadRequest("The database refused the operation")
