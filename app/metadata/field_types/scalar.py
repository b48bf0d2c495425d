"""Handlers for field types stored in one column (or none): scalars, options, relations, search."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.errors import InvalidFieldValue
from app.metadata.enums import FieldType
from app.metadata.field_types.coercion import coerce_filter_scalar, coerce_scalar, invalid_value
from app.metadata.field_types.defaults import invalid_default, keyword_value, unquote
from app.metadata.field_types.handler import Column, TypeHandler
from app.metadata.field_types.kinds import DUMPERS, ScalarKind
from app.metadata.model import FieldMeta

RATING_VALUES: tuple[str, ...] = tuple(f"RATING_{n}" for n in range(1, 6))


def _none() -> Any:
    return None


def _no_sub_field(field: FieldMeta, sub_field: str | None) -> None:
    if sub_field is not None:
        raise invalid_value(field.name, f"'{field.name}' has no sub-field '{sub_field}'")


class ScalarHandler(TypeHandler):
    """A field stored in one column named after it."""

    def __init__(
        self, field_type: FieldType, kind: ScalarKind, natural: Callable[[], Any] = _none
    ) -> None:
        self.type = field_type
        self.kind = kind
        self._natural = natural
        self._dump = DUMPERS[kind]

    def allowed(self, field: FieldMeta) -> tuple[str, ...] | None:
        """The option values the column accepts; None when any value of the kind goes."""
        return None

    def columns(self, field: FieldMeta) -> tuple[Column, ...]:
        return (Column(field.name, self.kind, None, self.allowed(field)),)

    def to_db(self, field: FieldMeta, value: Any) -> dict[str, Any]:
        if value is None and not field.is_nullable:
            raise invalid_value(field.name, "cannot be null")
        allowed = self.allowed(field)
        return {field.name: coerce_scalar(self.kind, value, field_name=field.name, allowed=allowed)}

    def from_db(self, field: FieldMeta, row: Mapping[str, Any]) -> Any:
        value = row.get(field.name)
        return None if value is None else self._dump(value)

    def create_defaults(self, field: FieldMeta) -> dict[str, Any]:
        raw = field.default_value
        if raw is None:
            return {field.name: self._natural()}
        value = unquote(raw)
        is_keyword, fresh = keyword_value(self.kind, value)
        if is_keyword:
            return {field.name: fresh}
        try:
            coerced = coerce_scalar(
                self.kind, value, field_name=field.name, allowed=self.allowed(field)
            )
        except InvalidFieldValue as error:
            raise invalid_default(field.name, error) from None
        return {field.name: coerced}

    def coerce_filter_value(self, field: FieldMeta, sub_field: str | None, value: Any) -> Any:
        _no_sub_field(field, sub_field)
        return coerce_filter_scalar(
            self.kind, value, field_name=field.name, allowed=self.allowed(field)
        )


class OptionsHandler(ScalarHandler):
    """SELECT and MULTI_SELECT: values restricted to the field's options."""

    def allowed(self, field: FieldMeta) -> tuple[str, ...] | None:
        return field.option_values


class RatingHandler(ScalarHandler):
    """RATING: a SELECT over RATING_1..RATING_5 unless the field lists its own options."""

    def __init__(self) -> None:
        super().__init__(FieldType.RATING, ScalarKind.SELECT)

    def allowed(self, field: FieldMeta) -> tuple[str, ...] | None:
        return field.option_values or RATING_VALUES


class TsVectorHandler(TypeHandler):
    """TS_VECTOR: a generated column; readable and searchable, never written."""

    type = FieldType.TS_VECTOR

    def columns(self, field: FieldMeta) -> tuple[Column, ...]:
        return (Column(field.name, ScalarKind.TS_VECTOR, None),)

    def to_db(self, field: FieldMeta, value: Any) -> dict[str, Any]:
        raise InvalidFieldValue(f"field '{field.name}' is read-only", field=field.name)

    def from_db(self, field: FieldMeta, row: Mapping[str, Any]) -> Any:
        value = row.get(field.name)
        return None if value is None else str(value)

    def create_defaults(self, field: FieldMeta) -> dict[str, Any]:
        return {}  # PostgreSQL computes it; an INSERT must not name a generated column.

    def coerce_filter_value(self, field: FieldMeta, sub_field: str | None, value: Any) -> Any:
        _no_sub_field(field, sub_field)
        return coerce_filter_scalar(ScalarKind.TS_VECTOR, value, field_name=field.name)


class RelationHandler(TypeHandler):
    """RELATION: a MANY_TO_ONE side owns the uuid column `<name>Id`; ONE_TO_MANY owns nothing.

    The values here are the foreign key only (a uuid string): nesting the related record is the
    query layer's business.
    """

    type = FieldType.RELATION

    def columns(self, field: FieldMeta) -> tuple[Column, ...]:
        join = field.join_column
        return () if join is None else (Column(join, ScalarKind.UUID, None),)

    def to_db(self, field: FieldMeta, value: Any) -> dict[str, Any]:
        join = self._join_or_fail(field)
        if value is None and not field.is_nullable:
            raise invalid_value(join, "cannot be null")
        return {join: coerce_scalar(ScalarKind.UUID, value, field_name=join)}

    def from_db(self, field: FieldMeta, row: Mapping[str, Any]) -> Any:
        join = field.join_column
        if join is None:
            return None
        value = row.get(join)
        return None if value is None else str(value)

    def create_defaults(self, field: FieldMeta) -> dict[str, Any]:
        join = field.join_column
        return {} if join is None else {join: None}

    def coerce_filter_value(self, field: FieldMeta, sub_field: str | None, value: Any) -> Any:
        join = self._join_or_fail(field)
        _no_sub_field(field, sub_field)
        return coerce_filter_scalar(ScalarKind.UUID, value, field_name=join)

    @staticmethod
    def _join_or_fail(field: FieldMeta) -> str:
        join = field.join_column
        if join is None:
            raise invalid_value(
                field.name,
                "a one-to-many relation has no value of its own; "
                "set the foreign key on the related records instead",
            )
        return join
