"""The transactional outbox: the webhook events of a record write, written in its transaction.

Note [transactional outbox]: every write function of the engine (create, upsert, update,
delete, restore, merge) calls `record` on the connection whose transaction it writes in, so
an event row exists exactly when the change committed: a rolled-back write leaves none, a
committed one cannot be lost by a crash after the commit. `record` writes one row per
(matching webhook, record) into `core.webhook_delivery`, whatever transport made the change;
the delivery worker (app/webhooks/worker.py) sends them.

The event's `record` is Twenty's record shape with every field a record shows (composites
nested, relations as their join column), whatever the client selected: `after` the write, or
for a destroy `before` it. Updates carry `updatedFields`, the fields whose value changed
(Twenty's diff: `updatedAt` left out); an update that changed nothing makes no event, as in
Twenty. Upserts make `created` or `updated` events as it happened.

Cost: whether anyone listens is known from a per-process cache of the workspace's
subscriptions, keyed by the catalog version (webhook changes bump it); a write nobody listens
to costs a dictionary lookup. A listened-to write reads its records once more (and, for
updates and destroys, locks and reads them before), and inserts its events in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from app.catalog.snapshot import Catalog
from app.db.sqltext import ident
from app.encoding import dumps
from app.metadata import ddl
from app.metadata import webhook_events as events
from app.metadata.field_types import Column
from app.metadata.model import ObjectMeta
from app.query import plan, shape, sql

CHANNEL = "crm_webhook"  # NOTIFYed when events were written (the worker wakes up)
Images = dict[UUID, dict[str, Any]]

# workspace id -> (catalog version, every operation its live webhooks subscribe to)
_subscriptions: dict[UUID, tuple[int, frozenset[str]]] = {}

_INSERT = """
INSERT INTO core.webhook_delivery (id, workspace_id, webhook_id, event_name,
    object_metadata_id, object_name, record_id, record, updated_fields)
SELECT gen_random_uuid(), w.workspace_id, w.id, $2, $3, $4, e.record_id, e.record::json,
    e.updated_fields::json
FROM unnest($5::uuid[], $6::text[], $7::text[]) WITH ORDINALITY
    AS e(record_id, record, updated_fields, n)
CROSS JOIN core.webhook w
WHERE w.workspace_id = $1 AND w.deleted_at IS NULL AND w.operations && $8::text[]
ORDER BY e.n, w.id
"""


async def _operations(conn: asyncpg.Connection, catalog: Catalog) -> frozenset[str]:
    cached = _subscriptions.get(catalog.workspace_id)
    if cached is not None and cached[0] == catalog.version:
        return cached[1]
    rows = await conn.fetch(
        "SELECT DISTINCT unnest(operations) AS operation FROM core.webhook "
        "WHERE workspace_id = $1 AND deleted_at IS NULL",
        catalog.workspace_id,
    )
    operations = frozenset(row["operation"] for row in rows)
    if cached is None or cached[0] <= catalog.version:
        _subscriptions[catalog.workspace_id] = (catalog.version, operations)
    return operations


async def listening(
    conn: asyncpg.Connection, catalog: Catalog, obj: ObjectMeta, actions: Sequence[str]
) -> bool:
    """Whether a live webhook of the workspace subscribes to one of `obj`'s `actions`."""
    operations = await _operations(conn, catalog)
    return bool(operations) and any(
        events.matches(operations, obj.name_singular, action) for action in actions
    )


def _full(obj: ObjectMeta) -> plan.Selection:
    return plan.Selection(obj, plan.output_fields(obj))


def images_of(obj: ObjectMeta, rows: Sequence[Mapping[str, Any]]) -> Images:
    """Rows read with every column of `obj` -> event records by id."""
    selection = _full(obj)
    return {row["id"]: shape.to_record(selection, row) for row in rows}


async def _read(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    where: str,
    params: Sequence[Any],
    *,
    lock: bool,
) -> Images:
    selection = _full(obj)
    statement = (
        f"SELECT {sql.select_list(selection.columns)} "
        f"FROM {sql.table(catalog.schema, obj.table_name)} t WHERE {where}"
    )
    if lock:  # in id order, as every locking reader should, so two writers cannot deadlock
        statement += ' ORDER BY t."id" FOR UPDATE'
    rows = await conn.fetch(statement, *params)
    return images_of(obj, rows)


async def lock_before(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    actions: Sequence[str],
    where: str,
    params: Sequence[Any],
) -> Images | None:
    """The records a write is about to change (`where` over alias `t`, with `params`), locked
    and read as they are: None when no webhook listens to any of `actions`."""
    if not await listening(conn, catalog, obj, actions):
        return None
    return await _read(conn, catalog, obj, where, params, lock=True)


async def lock_upsert_targets(
    conn: asyncpg.Connection, catalog: Catalog, obj: ObjectMeta, key: Column, values: list[Any]
) -> Images | None:
    """The live records an upsert on `key` may update, before it does (None: nobody listens)."""
    where = f"t.{ident(key.name)} = ANY($1::{key.kind.sql_type}[]) AND {ddl.unique_predicate(key)}"
    return await lock_before(conn, catalog, obj, ("created", "updated"), where, [values])


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """Twenty's `updatedFields`: the keys whose value changed, `updatedAt` aside."""
    before = before or {}
    return [
        key
        for key, value in after.items()
        if key not in ("id", "updatedAt") and before.get(key) != value
    ]


def _dump(value: Any) -> str:
    return dumps(value).decode()  # exact numbers (Note [exact numbers] in app/encoding.py)


async def record(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    action: str,
    records: Sequence[Mapping[str, Any]],
    before: Images | None = None,
) -> None:
    """Write the events of `action` on the records a write returned (only their `id` is read);
    `before` is what `lock_before` read, for updates and destroys."""
    if not records or not await listening(conn, catalog, obj, (action,)):
        return
    ids = [UUID(str(r["id"])) for r in records]
    if action == "destroyed":
        images = before or {}
    else:
        images = await _read(conn, catalog, obj, 't."id" = ANY($1::uuid[])', [ids], lock=False)
    record_ids, bodies, fields = [], [], []
    for record_id in ids:
        image = images.get(record_id)
        if image is None:
            continue
        updated = None
        if action == "updated":
            updated = changed_fields(before.get(record_id) if before else None, image)
            if not updated:
                continue
        record_ids.append(record_id)
        bodies.append(_dump(image))
        fields.append(_dump(updated) if updated is not None else None)
    if not record_ids:
        return
    status = await conn.execute(
        _INSERT,
        catalog.workspace_id,
        events.event_name(obj.name_singular, action),
        obj.id,
        obj.name_singular,
        record_ids,
        bodies,
        fields,
        list(events.patterns(obj.name_singular, action)),
    )
    if not status.endswith(" 0"):
        await conn.execute("SELECT pg_notify($1, '')", CHANNEL)


async def record_upsert(
    conn: asyncpg.Connection,
    catalog: Catalog,
    obj: ObjectMeta,
    records: Sequence[Mapping[str, Any]],
    before: Images | None,
) -> None:
    """An upsert's events: `updated` for the records it found (`lock_upsert_targets`),
    `created` for the others."""
    if before is None:
        return
    found = [r for r in records if UUID(str(r["id"])) in before]
    made = [r for r in records if UUID(str(r["id"])) not in before]
    await record(conn, catalog, obj, "created", made)
    await record(conn, catalog, obj, "updated", found, before)
