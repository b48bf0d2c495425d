"""Rows to records: the API shape of each field, relations as ids or embedded objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.metadata.field_types import handler_for
from app.query.plan import Selection


def to_record(
    selection: Selection,
    row: Mapping[str, Any],
    embedded: Mapping[str, Mapping[Any, dict[str, Any]]] | None = None,
    *,
    omit_nulls: bool = False,
) -> dict[str, Any]:
    record: dict[str, Any] = {"id": str(row["id"])}
    for field in selection.fields:
        join = field.join_column
        if join is not None:
            value = row.get(join)
            record[join] = str(value) if value is not None else None
            continue
        record[field.name] = handler_for(field.type).from_db(field, row)
    if embedded:
        for relation, _ in selection.embeds:
            join = relation.join_column
            assert join is not None
            target_id = row.get(join)
            record[relation.name] = (
                embedded[relation.name].get(target_id) if target_id is not None else None
            )
    if omit_nulls:
        record = {k: v for k, v in record.items() if v is not None}
    return record


def to_records(
    selection: Selection,
    rows: Sequence[Mapping[str, Any]],
    embedded: Mapping[str, Mapping[Any, dict[str, Any]]] | None = None,
    *,
    omit_nulls: bool = False,
) -> list[dict[str, Any]]:
    return [to_record(selection, row, embedded, omit_nulls=omit_nulls) for row in rows]
