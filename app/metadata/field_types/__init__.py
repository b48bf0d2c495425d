"""The field-type registry: for every FieldType, its columns, sub-fields, input and output rules.

    handler = handler_for(field.type)
    handler.columns(field)                     -> (Column("nameFirstName", TEXT, "firstName"), ...)
    handler.to_db(field, api_value)            -> {"nameFirstName": "Ada"}       (PATCH semantics)
    handler.from_db(field, row)                -> {"firstName": "Ada", "lastName": ""}
    handler.create_defaults(field)             -> {"nameFirstName": "", "nameLastName": ""}
    handler.coerce_filter_value(field, "firstName", "Ada") -> "Ada"

Modules: `kinds` (column kinds, output shapes: Note [API value shapes]), `coercion` (input
rules), `defaults` (Twenty's quoted default notation), `handler` (the contract), `scalar` and
`composite` (the two families), `composite_types` (spec §4's table), `registry`.
"""

from app.metadata.field_types.coercion import coerce_filter_scalar, coerce_scalar
from app.metadata.field_types.composite import CompositeHandler
from app.metadata.field_types.handler import Column, SubField, TypeHandler, column_name
from app.metadata.field_types.kinds import ScalarKind, dump_scalar
from app.metadata.field_types.registry import HANDLERS, handler_for
from app.metadata.field_types.scalar import RATING_VALUES

__all__ = [
    "HANDLERS",
    "RATING_VALUES",
    "Column",
    "CompositeHandler",
    "ScalarKind",
    "SubField",
    "TypeHandler",
    "coerce_filter_scalar",
    "coerce_scalar",
    "column_name",
    "dump_scalar",
    "handler_for",
]
