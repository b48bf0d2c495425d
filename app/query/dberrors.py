"""Database errors to API errors that name the field; a raw PostgreSQL message never leaks.

Constraint names follow Note [constraint names] in app/metadata/ddl.py, so the column a
violated constraint guards can be read back from its name.

Note [database failures]: what a failed statement means for the client.

    constraint violations, bad values           400 naming the field (`translate`)
    deadlock, serialization failure              409 TRANSIENT_CONFLICT, Retry-After: nothing
                                                 was written, the request may be sent again
    undefined column or table                    the catalog is older than the table: the
                                                 read is retried once on a fresh catalog
                                                 (app/rest/retry.py), else 409 MODEL_CHANGED
    connection lost, refused, server shutting    503 SERVICE_UNAVAILABLE, Retry-After (`outage`)
    down, too many connections, statement
    timeout
    anything else                                not the client's fault: re-raised, logged once
                                                 with the request's id, answered 500
"""

from __future__ import annotations

import asyncpg

from app.errors import (
    AppError,
    BadRequest,
    DuplicateEntry,
    InvalidFieldValue,
    ModelChanged,
    ServiceUnavailable,
    TransientConflict,
)

# Failures of the connection or the server, not of the statement (see `outage`).
_OUTAGES: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset: the server is down or restarting
    TimeoutError,  # no connection from the pool in time
    asyncpg.InterfaceError,  # the connection was closed under the statement
    asyncpg.PostgresConnectionError,  # SQLSTATE 08
    asyncpg.exceptions.OperatorInterventionError,  # 57: shutdown, cannot connect now, cancel
    asyncpg.InsufficientResourcesError,  # 53: too many connections, out of memory or disk
    # A connection the server terminated while it sat in the pool can be left in a broken
    # protocol state ("another operation is in progress"); the pool replaces it on release.
    asyncpg.exceptions.InternalClientError,
)
_STALE = (asyncpg.UndefinedColumnError, asyncpg.UndefinedTableError)


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


def outage(exc: BaseException) -> ServiceUnavailable | None:
    """The 503 a failure of the database (not of the statement) is answered with."""
    if isinstance(exc, asyncpg.InterfaceError) and "closed" not in str(exc):
        return None  # a misuse of a connection, not an outage
    if isinstance(exc, _OUTAGES):
        return ServiceUnavailable(
            "The database is unavailable; retry shortly",
            hint="the server reconnects by itself: retry after the Retry-After delay",
        )
    return None


def classify(exc: BaseException) -> AppError | None:
    """The API error any database failure stands for (Note [database failures]); None for an
    unexpected one, which is the server's fault."""
    if isinstance(exc, asyncpg.TransactionRollbackError):
        return TransientConflict(
            "The database gave up on this request to let a concurrent one finish; nothing was "
            "written",
            hint="send the same request again",
        )
    if isinstance(exc, _STALE):
        return ModelChanged(
            "The data model changed while the request ran",
            hint="send the same request again",
        )
    return outage(exc)


def model_changed(exc: BaseException) -> bool:
    """Whether `exc` says a table no longer matches the catalog the statement was built from."""
    return isinstance(
        exc, ModelChanged | asyncpg.UndefinedColumnError | asyncpg.UndefinedTableError
    )


def translate(exc: asyncpg.PostgresError, table: str) -> BaseException:
    """What a failed statement raises: an AppError naming the field where the client is at
    fault, else `classify`'s answer, else the original error (raise it `from None`)."""
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
        where = f" for field '{column}'" if column else ""
        return BadRequest(f"Invalid value{where}: {type(exc).__name__.removesuffix('Error')}")
    return classify(exc) or exc
