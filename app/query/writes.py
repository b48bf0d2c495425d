"""Write planning: request bodies to validated column values, before anything is written.

Every record of a batch is validated first; one bad record fails the whole request with an
error naming the field (and the record's index in a batch). A key the role may not write is
refused here (PERMISSION_DENIED naming the field), before anything is written; the defaults
the server fills in (createdBy, position, …) are not the caller's writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.catalog.access import Access
from app.errors import AppError, InvalidBody, InvalidFieldValue, PermissionDenied
from app.metadata.enums import FieldType, RelationType
from app.metadata.field_types import handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.query.resolve import join_field, unknown_field

READ_ONLY = frozenset({"updatedAt", "deletedAt", "searchVector"})


@dataclass(frozen=True, slots=True)
class RowValues:
    """Column values for one record: all of them (`values`) and the ones the client sent."""

    values: dict[str, Any]
    provided: frozenset[str]


def _writable_field(obj: ObjectMeta, key: str, *, creating: bool) -> tuple[FieldMeta, bool]:
    """The field a body key sets, and whether the key is a join column (`companyId`)."""
    joined = join_field(obj, key)
    if joined is not None:
        return joined, True
    field = obj.field_named(key)
    if field is None or not field.is_active:
        raise unknown_field(key, obj, context="the request body")
    if key in READ_ONLY or (key in ("id", "createdAt") and not creating):
        raise InvalidFieldValue(f"Field '{key}' is read-only", field=key)
    if field.type is FieldType.RELATION:
        if field.relation_type is RelationType.ONE_TO_MANY:
            raise InvalidFieldValue(
                f"'{key}' is a one-to-many relation: set the relation from the other side",
                field=key,
            )
        raise InvalidFieldValue(
            f"'{key}' is a relation: set '{field.join_column}' to the related record's id",
            field=key,
        )
    return field, False


def body_values(
    obj: ObjectMeta,
    body: Any,
    *,
    creating: bool,
    access: Access | None,
    index: int | None = None,
) -> dict[str, Any]:
    """The columns a body sets (composites partially), validated; with `access`, every key
    must be a field the role may write (None: values to compare, not to write)."""
    if not isinstance(body, Mapping):
        where = f" (record {index})" if index is not None else ""
        raise InvalidBody(f"Each record must be a JSON object{where}")
    values: dict[str, Any] = {}
    try:
        for key, value in body.items():
            field, is_join = _writable_field(obj, key, creating=creating)
            if access is not None:
                access.require_update_field(obj, field)
            if is_join:
                values.update(handler_for(field.type).to_db(field, value))
            elif field.type is FieldType.ACTOR:
                values.update(handler_for(field.type).to_db(field, _actor_input(value)))
            else:
                values.update(handler_for(field.type).to_db(field, value))
    except PermissionDenied as exc:
        if index is not None:  # Twenty's wording stays first: clients match on it
            exc.hint = f"record {index}"
        raise
    except AppError as exc:
        if index is not None:
            exc.message = f"record {index}: {exc.message}"
            exc.args = (exc.message,)
        raise
    return values


_SERVER_SET_ACTOR_KEYS = frozenset({"workspaceMemberId", "name"})


def _actor_input(value: Any) -> Any:
    """Clients may set `source` and `context` of an ACTOR; the server fills `workspaceMemberId`
    and `name` (ignored when sent). Any other key reaches the handler, which refuses it as an
    unknown sub-field."""
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if k not in _SERVER_SET_ACTOR_KEYS}
    return value


def create_rows(
    obj: ObjectMeta,
    bodies: Sequence[Any],
    *,
    actor: Mapping[str, Any],
    access: Access,
    now: datetime | None = None,
) -> list[RowValues]:
    """Full column values for new records: the body over the fields' defaults."""
    now = now or datetime.now(UTC)
    defaults: dict[str, Any] = {}
    for field in obj.fields:
        if field.is_active and field.name not in ("id", "createdAt", "updatedAt"):
            defaults.update(handler_for(field.type).create_defaults(field))
    rows = []
    for index, body in enumerate(bodies):
        given = body_values(
            obj, body, creating=True, access=access, index=index if len(bodies) > 1 else None
        )
        values = {**defaults, "id": uuid.uuid4(), "createdAt": now, "updatedAt": now}
        created_by = obj.field_named("createdBy")
        if created_by is not None and created_by.type is FieldType.ACTOR:
            values.update(handler_for(FieldType.ACTOR).to_db(created_by, dict(actor)))
        values.update(given)
        rows.append(RowValues(values, frozenset(given)))
    return rows


def update_values(obj: ObjectMeta, body: Any, *, access: Access) -> dict[str, Any]:
    values = body_values(obj, body, creating=False, access=access)
    if not values:
        raise InvalidBody("The request body must set at least one field")
    values["updatedAt"] = datetime.now(UTC)
    return values
