"""Runs a metadata change's SQL on the transaction's connection.

DDL can fail on the data already in the tables: a unique index over duplicates, NOT NULL over
empty rows, a CHECK over values an option edit left behind. Such a failure becomes a
`MetadataValidationFailed` naming the entity; the transaction rolls back, so nothing of the
change remains. A table locked by long-running work for longer than the change's lock timeout
(set by the service) is a 503 asking to retry, rather than a queue every reader waits in.
Anything else is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from app.errors import ServiceUnavailable
from app.metadata.alter import Sql
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.validation import Problem, Report

_DATA_CONFLICTS: dict[type[asyncpg.PostgresError], str] = {
    asyncpg.UniqueViolationError: "some records share a value, so it cannot be unique",
    asyncpg.NotNullViolationError: "some records have no value, so it cannot be required",
    asyncpg.CheckViolationError: "some records hold a value the field no longer allows",
    asyncpg.ForeignKeyViolationError: "some records point at records that do not exist",
}


async def run(
    conn: asyncpg.Connection,
    statements: Iterable[Sql],
    *,
    report: Report,
    kind: str,
    entity: FieldMeta | ObjectMeta,
) -> None:
    for statement in statements:
        try:
            await conn.execute(statement.text, *statement.params)
        except asyncpg.LockNotAvailableError:
            raise ServiceUnavailable(
                "A table this change alters is busy (lock timeout); nothing was changed, retry"
            ) from None
        except tuple(_DATA_CONFLICTS) as exc:
            reason = next(r for t, r in _DATA_CONFLICTS.items() if isinstance(exc, t))
            if isinstance(entity, FieldMeta):
                message = f"Cannot change field '{entity.name}': {reason}"
                report.field(kind, entity, [Problem("INVALID_DATA", message)])
            else:
                message = f"Cannot change object '{entity.name_singular}': {reason}"
                report.object(kind, entity, [Problem("INVALID_DATA", message)])
            raise report.error() from None
