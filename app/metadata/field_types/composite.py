"""Composite field types: one API object flattened into one column per sub-field.

Writes have PATCH semantics: `{"firstName": "Ada"}` sets `nameFirstName` and leaves
`nameLastName` alone. A null composite resets every sub-column to its empty value ('' for text,
[] for JSON lists, NULL otherwise); a null sub-field stores NULL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.db.sqltext import json_object
from app.errors import InvalidFieldValue, did_you_mean
from app.metadata.enums import FieldType
from app.metadata.field_types.coercion import (
    coerce_filter_scalar,
    coerce_scalar,
    describe,
    invalid_value,
)
from app.metadata.field_types.defaults import default_literal, invalid_default
from app.metadata.field_types.handler import Column, SubField, TypeHandler, column_name, quote
from app.metadata.field_types.kinds import DUMPERS, Dumper, ScalarKind, json_sql
from app.metadata.model import FieldMeta

# A sub-field's extra rule, applied after the kind's coercion: (coerced value, "field.sub").
Normalizer = Callable[[Any, str], Any]


def empty_text() -> Any:
    return ""


def empty_list() -> Any:
    return []


def _null() -> Any:
    return None


_NATURAL_EMPTY: dict[ScalarKind, Callable[[], Any]] = {ScalarKind.TEXT: empty_text}


@dataclass(frozen=True, slots=True)
class Part:
    """A sub-field and its rules: options, normalisation, and its empty value."""

    name: str
    kind: ScalarKind
    allowed: tuple[str, ...] | None = None
    normalize: Normalizer | None = None
    empty: Callable[[], Any] | None = None  # None: '' for TEXT, NULL otherwise

    def coerce(self, value: Any, label: str) -> Any:
        if value is None:
            return None
        coerced = coerce_scalar(self.kind, value, field_name=label, allowed=self.allowed)
        if self.normalize is not None and coerced is not None:
            coerced = self.normalize(coerced, label)
        return coerced

    def empty_value(self) -> Any:
        if self.empty is not None:
            return self.empty()
        if self.allowed is not None:
            return None
        return _NATURAL_EMPTY.get(self.kind, _null)()


# (sub-field, column, dumper) per sub-field: the whole of from_db's work for one field.
_Layout = tuple[tuple[str, str, Dumper], ...]


class CompositeHandler(TypeHandler):
    is_composite = True

    def __init__(self, field_type: FieldType, parts: tuple[Part, ...]) -> None:
        self.type = field_type
        self.parts = parts
        self.sub_fields = tuple(SubField(part.name, part.kind) for part in parts)
        self._by_name = {part.name: part for part in parts}
        self._layout: Callable[[str], _Layout] = lru_cache(maxsize=4096)(self._build_layout)

    def _build_layout(self, field_name: str) -> _Layout:
        return tuple(
            (part.name, column_name(field_name, part.name), DUMPERS[part.kind])
            for part in self.parts
        )

    def columns(self, field: FieldMeta) -> tuple[Column, ...]:
        return tuple(
            Column(column_name(field.name, part.name), part.kind, part.name, part.allowed)
            for part in self.parts
        )

    def to_db(self, field: FieldMeta, value: Any) -> dict[str, Any]:
        if value is None:
            return {column_name(field.name, part.name): part.empty_value() for part in self.parts}
        if not isinstance(value, dict):
            raise invalid_value(
                field.name,
                f"expected an object with sub-fields {self._names()}, got {describe(value)}",
            )
        out: dict[str, Any] = {}
        for sub, sub_value in value.items():
            part = self._part_or_fail(field, sub)
            out[column_name(field.name, sub)] = part.coerce(sub_value, f"{field.name}.{sub}")
        return out

    def from_db(self, field: FieldMeta, row: Mapping[str, Any]) -> Any:
        get = row.get
        return {
            sub: None if (value := get(column)) is None else dump(value)
            for sub, column, dump in self._layout(field.name)
        }

    def value_sql(self, field: FieldMeta, alias: str, sub_field: str | None = None) -> str:
        if sub_field is not None:
            part = self._part_or_fail(field, sub_field)
            return json_sql(part.kind, f"{alias}.{quote(column_name(field.name, part.name))}")
        return json_object([(p.name, self.value_sql(field, alias, p.name)) for p in self.parts])

    def create_defaults(self, field: FieldMeta) -> dict[str, Any]:
        raw = field.default_value
        if raw is None:
            return {column_name(field.name, part.name): part.empty_value() for part in self.parts}
        if not isinstance(raw, Mapping):
            raise InvalidFieldValue(
                f"Invalid default value for field '{field.name}': expected an object",
                field=field.name,
            )
        try:
            for sub in raw:
                self._part_or_fail(field, sub)
            return {
                column_name(field.name, part.name): (
                    part.coerce(
                        default_literal(part.kind, raw[part.name]), f"{field.name}.{part.name}"
                    )
                    if part.name in raw
                    else part.empty_value()
                )
                for part in self.parts
            }
        except InvalidFieldValue as error:
            raise invalid_default(field.name, error) from None

    def coerce_filter_value(self, field: FieldMeta, sub_field: str | None, value: Any) -> Any:
        if sub_field is None:
            raise invalid_value(
                field.name,
                f"filter on one of its sub-fields ({self._names()}), "
                f"e.g. '{field.name}.{self.parts[0].name}'",
            )
        part = self._part_or_fail(field, sub_field)
        return coerce_filter_scalar(
            part.kind, value, field_name=f"{field.name}.{sub_field}", allowed=part.allowed
        )

    def _part_or_fail(self, field: FieldMeta, sub: str) -> Part:
        part = self._by_name.get(sub)
        if part is None:
            raise invalid_value(
                field.name,
                f"unknown sub-field '{sub}' (expected {self._names()})",
                hint=did_you_mean(sub, self._by_name),
            )
        return part

    def _names(self) -> str:
        return ", ".join(part.name for part in self.parts)
