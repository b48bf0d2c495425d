"""Twenty's rules for one field on one object: its type, name, label, default and uniqueness.

Pure: `field_problems(field, obj)` judges a field as it would be after a change, against the
other fields of its object.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import InvalidFieldValue
from app.metadata.ddl import columns_of, sort_column
from app.metadata.enums import FieldType
from app.metadata.field_types import handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.options import OPTION_TYPES, default_problems
from app.metadata.validation import (
    MAX_IDENTIFIER,
    Problem,
    field_problem,
    name_from_label,
    name_problems,
)

# Types Twenty refuses to create through the API, in its words.
_SYSTEM_TYPES = {
    "POSITION": "Field type POSITION is a system type and cannot be created manually.",
    "TS_VECTOR": "TS Vector is not supported for field creation",
}
# Types Twenty has that this server does not store.
_UNSUPPORTED_TYPES = frozenset({"RICH_TEXT", "FILES", "MORPH_RELATION"})

# Uniqueness needs one comparable column.
_NO_UNIQUE = frozenset(
    {
        FieldType.RELATION,
        FieldType.TS_VECTOR,
        FieldType.RAW_JSON,
        FieldType.RICH_TEXT_V2,
        FieldType.ACTOR,
        FieldType.MULTI_SELECT,
        FieldType.ARRAY,
        FieldType.POSITION,
        FieldType.BOOLEAN,
    }
)


# Ordering (and so a sort index) needs one comparable column.
_NO_SORT = frozenset(
    {FieldType.TS_VECTOR, FieldType.RAW_JSON, FieldType.MULTI_SELECT, FieldType.ARRAY}
)


def type_problems(type_name: str) -> list[Problem]:
    if type_name in _SYSTEM_TYPES:
        return [field_problem(_SYSTEM_TYPES[type_name], type_name)]
    if type_name in _UNSUPPORTED_TYPES:
        return [field_problem(f"Field type {type_name} is not supported by this server", type_name)]
    return []


def _other_fields(obj: ObjectMeta, exclude: Iterable[FieldMeta]) -> list[FieldMeta]:
    skip = {f.id for f in exclude}
    return [f for f in obj.fields if f.id not in skip]


def availability_problems(
    field: FieldMeta, obj: ObjectMeta, *, also: Iterable[FieldMeta] = ()
) -> list[Problem]:
    """The name, and every column the field would own, are free on `obj` (whose fields may
    already hold `field` itself); `also` are fields being created alongside."""
    others = [*_other_fields(obj, [field]), *(f for f in also if f.id != field.id)]
    name = field.name
    taken_names = {f.name for f in others} | {f.join_column for f in others if f.join_column}
    if name in taken_names:
        message = f'Name "{name}" is not available as it is already used by another field'
        return [field_problem(message, name, code="NOT_AVAILABLE")]
    taken_columns = {c.name: f for f in others for c in columns_of(f)}
    for column in columns_of(field):
        owner = taken_columns.get(column.name)
        if owner is not None or column.name in taken_names:
            message = f'Name "{name}" is not available: column "{column.name}" is already used'
            return [field_problem(message, name, code="RESERVED_KEYWORD")]
    return []


def default_value_problems(field: FieldMeta) -> list[Problem]:
    if field.default_value is None:
        return []
    if field.type in OPTION_TYPES:
        return default_problems(field)
    if field.type is FieldType.RELATION:
        return [field_problem("A relation field cannot have a default value", field.default_value)]
    try:
        handler_for(field.type).create_defaults(field)
    except InvalidFieldValue as error:
        return [field_problem(error.message, field.default_value)]
    return []


def field_problems(
    field: FieldMeta, obj: ObjectMeta, *, check_name: bool = True, also: Iterable[FieldMeta] = ()
) -> list[Problem]:
    """Everything wrong with `field` as a field of `obj`."""
    problems: list[Problem] = []
    if check_name:
        problems += name_problems(field.name, "INVALID_FIELD_INPUT")
        problems += availability_problems(field, obj, also=also)
        for column in columns_of(field):
            if len(column.name) > MAX_IDENTIFIER and not problems:
                problems.append(field_problem("Name is too long", field.name))
        if field.is_label_synced_with_name and field.name != name_from_label(field.label):
            problems.append(field_problem("Name is not synced with label", field.name))
    if not field.label:
        problems.append(field_problem("Field label is too short", field.label))
    if field.is_unique and field.type in _NO_UNIQUE:
        problems.append(
            field_problem(f"Unique is not supported for {field.type.value} fields", True)
        )
    if field.is_indexed and (field.type in _NO_SORT or sort_column(field) is None):
        problems.append(
            field_problem(f"isIndexed is not supported for {field.type.value} fields", True)
        )
    problems += default_value_problems(field)
    return problems
