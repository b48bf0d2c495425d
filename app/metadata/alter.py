"""DDL for changing the tables of an existing workspace: add, drop and rename columns, tables,
constraints and indexes, and move data when options change.

Pure: functions return `Sql` (text and bind parameters); the metadata service runs them in its
transaction, so a failed step leaves nothing behind. Names follow Note [constraint names] in
ddl.py: a rename renames every constraint and index the column (or table) owns, so the names
stay derivable from the metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson

from app.db.sqltext import ident, literal, qualified
from app.metadata.ddl import (
    check_expression,
    column_definition,
    columns_of,
    constraint_name,
    field_indexes,
    foreign_key,
    sort_index_sql,
    sort_indexes,
    unique_column,
    unique_index,
)
from app.metadata.enums import FieldType
from app.metadata.field_types import Column, ScalarKind, handler_for
from app.metadata.model import FieldMeta, ObjectMeta
from app.metadata.options import OptionEdit

# PostgreSQL names a primary key `<table>_pkey`, cutting the table part to fit 63 bytes.
_PKEY_SUFFIX = "_pkey"


@dataclass(frozen=True, slots=True)
class Sql:
    text: str
    params: tuple[Any, ...] = ()


def _table(schema: str, obj: ObjectMeta) -> str:
    return qualified(schema, obj.table_name)


def pkey_name(table: str) -> str:
    return table[: 63 - len(_PKEY_SUFFIX)] + _PKEY_SUFFIX


def owned_names(table: str, field: FieldMeta) -> list[tuple[str, str]]:
    """("constraint" | "index", name) of everything our DDL creates for `field` on `table`."""
    owned: list[tuple[str, str]] = []
    if field.name == "id":
        owned.append(("index", constraint_name(table, "id", "live")))  # Note [live rows index]
    for column in columns_of(field):
        if column.allowed_values is not None:
            owned.append(("constraint", constraint_name(table, column.name, "check")))
    join = field.join_column
    if join is not None:
        owned.append(("index", constraint_name(table, join, "idx")))
        if field.relation_target_object_id is not None:
            owned.append(("constraint", constraint_name(table, join, "fkey")))
    if field.type is FieldType.TS_VECTOR:
        owned.append(("index", constraint_name(table, field.name, "idx")))
    if field.is_unique and field.name != "id":
        owned.append(("index", constraint_name(table, unique_column(field).name, "unique")))
    owned += [("index", name) for name, _ in sort_indexes(table, field)]
    return owned


def _rename_owned(
    schema: str, table: str, pairs: Iterable[tuple[tuple[str, str], tuple[str, str]]]
) -> list[Sql]:
    out = []
    for (kind, old), (_, new) in pairs:
        if old == new:
            continue
        if kind == "constraint":
            out.append(
                Sql(
                    f"ALTER TABLE {qualified(schema, table)} "
                    f"RENAME CONSTRAINT {ident(old)} TO {ident(new)}"
                )
            )
        else:
            out.append(Sql(f"ALTER INDEX {qualified(schema, old)} RENAME TO {ident(new)}"))
    return out


def name_not_null_constraints(schema: str, table: str) -> Sql:
    """PostgreSQL 18 names NOT NULL constraints `<table>_<column>_not_null`: after a rename,
    give the table's ones the names their table and column now imply (none before 18)."""
    target = literal(qualified(schema, table))
    wanted = f"left({literal(table + '_')} || a.attname || '_not_null', 63)"
    return Sql(
        "DO $$ DECLARE r record; BEGIN "
        f"FOR r IN SELECT c.conname, {wanted} AS wanted FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        f"WHERE c.conrelid = {target}::regclass AND c.contype = 'n' LOOP "
        "IF r.conname <> r.wanted THEN "
        f"EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', {target}, "
        "r.conname, r.wanted); END IF; END LOOP; END $$"
    )


# ---- columns -------------------------------------------------------------------------------


def _scalar_columns(field: FieldMeta) -> list[Column]:
    """The columns NOT NULL applies to: a scalar field's own column, or a join column."""
    return [
        c for c in columns_of(field) if c.sub_field is None and c.kind is not ScalarKind.TS_VECTOR
    ]


def _constant(value: Any, kind: ScalarKind) -> str | None:
    """A create-default value as an SQL constant; None when it has no constant form."""
    if isinstance(value, bool):
        return ("true" if value else "false") if kind is ScalarKind.BOOLEAN else None
    if kind in (ScalarKind.TEXT, ScalarKind.SELECT) and isinstance(value, str):
        return literal(value)
    if kind in (ScalarKind.FLOAT, ScalarKind.NUMERIC) and isinstance(value, int | float | Decimal):
        return f"{literal(str(value))}::{kind.sql_type}"
    if kind is ScalarKind.UUID and isinstance(value, UUID):
        return f"{literal(str(value))}::uuid"
    if kind in (ScalarKind.DATE, ScalarKind.DATE_TIME) and isinstance(value, date):
        return f"{literal(value.isoformat())}::{kind.sql_type}"
    if kind is ScalarKind.JSON:
        return f"{literal(orjson.dumps(value).decode())}::jsonb"
    if kind in (ScalarKind.TEXT_ARRAY, ScalarKind.MULTI_SELECT) and isinstance(value, list):
        return f"ARRAY[{', '.join(literal(str(v)) for v in value)}]::text[]"
    return None


def initial_values(field: FieldMeta) -> dict[str, str]:
    """Column -> the SQL expression existing rows get when the field is added: its default, as a
    column default would give it. A constant (or `now()`) costs no table rewrite (PostgreSQL
    stores it once as the column's missing value); only `uuid` writes every row."""
    columns = {c.name: c for c in columns_of(field)}
    raw = field.default_value
    if not handler_for(field.type).is_composite and raw in ("uuid", "now") and columns:
        (column,) = columns.values()
        if column.kind is ScalarKind.DATE:
            return {column.name: "current_date"}
        return {column.name: "gen_random_uuid()" if raw == "uuid" else "now()"}
    out = {}
    for name, value in handler_for(field.type).create_defaults(field).items():
        target = columns.get(name)
        if value is not None and target is not None:
            constant = _constant(value, target.kind)
            if constant is not None:
                out[name] = constant
    return out


def add_field(
    schema: str, obj: ObjectMeta, field: FieldMeta, target: ObjectMeta | None = None
) -> list[Sql]:
    """Columns (with their CHECKs and existing rows' defaults), NOT NULL, indexes and the FK.
    The defaults stay in the table only for the ALTER: new rows get theirs from the API."""
    table = obj.table_name
    loose = replace(field, is_nullable=True)
    initial = initial_values(field)
    definitions = []
    for column in columns_of(field):
        definition = column_definition(table, loose, column, obj)
        if column.name in initial:
            definition += f" DEFAULT {initial[column.name]}"
        definitions.append(definition)
    if not definitions:
        return []
    out = [
        Sql(
            f"ALTER TABLE {_table(schema, obj)} {', '.join(f'ADD COLUMN {d}' for d in definitions)}"
        )
    ]
    if initial:
        drops = ", ".join(f"ALTER COLUMN {ident(name)} DROP DEFAULT" for name in initial)
        out.append(Sql(f"ALTER TABLE {_table(schema, obj)} {drops}"))
    if not field.is_nullable:
        out += set_nullable(schema, obj, field, nullable=False)
    out += [Sql(text) for text in field_indexes(schema, obj, field)]
    if field.join_column is not None and target is not None:
        out.append(Sql(foreign_key(schema, obj, field, target)))
    return out


def drop_field(schema: str, obj: ObjectMeta, field: FieldMeta) -> list[Sql]:
    """Its columns; PostgreSQL drops their constraints and indexes with them."""
    columns = columns_of(field)
    if not columns:
        return []
    drops = ", ".join(f"DROP COLUMN {ident(c.name)}" for c in columns)
    return [Sql(f"ALTER TABLE {_table(schema, obj)} {drops}")]


def rename_field(schema: str, obj: ObjectMeta, old: FieldMeta, new: FieldMeta) -> list[Sql]:
    """Every column (each sub-column of a composite, the join column of a relation), then every
    constraint and index they own. Data stays where it is."""
    out = [
        Sql(
            f"ALTER TABLE {_table(schema, obj)} "
            f"RENAME COLUMN {ident(before.name)} TO {ident(after.name)}"
        )
        for before, after in zip(columns_of(old), columns_of(new), strict=True)
        if before.name != after.name
    ]
    table = obj.table_name
    pairs = zip(owned_names(table, old), owned_names(table, new), strict=True)
    return [*out, *_rename_owned(schema, table, pairs), name_not_null_constraints(schema, table)]


def set_nullable(schema: str, obj: ObjectMeta, field: FieldMeta, *, nullable: bool) -> list[Sql]:
    action = "DROP NOT NULL" if nullable else "SET NOT NULL"
    return [
        Sql(f"ALTER TABLE {_table(schema, obj)} ALTER COLUMN {ident(c.name)} {action}")
        for c in _scalar_columns(field)
    ]


def fill_nulls(schema: str, obj: ObjectMeta, field: FieldMeta) -> list[Sql]:
    """Before NOT NULL: rows without a value get the field's default, when it has one."""
    defaults = handler_for(field.type).create_defaults(field)
    out = []
    for column in _scalar_columns(field):
        value = defaults.get(column.name)
        if value is not None:
            out.append(
                Sql(
                    f"UPDATE {_table(schema, obj)} SET {ident(column.name)} = "
                    f"$1::{column.kind.sql_type} WHERE {ident(column.name)} IS NULL",
                    (value,),
                )
            )
    return out


def add_unique(schema: str, obj: ObjectMeta, field: FieldMeta) -> list[Sql]:
    return [Sql(unique_index(schema, obj, field))]


def drop_unique(schema: str, obj: ObjectMeta, field: FieldMeta) -> list[Sql]:
    name = constraint_name(obj.table_name, unique_column(field).name, "unique")
    return [Sql(f"DROP INDEX IF EXISTS {qualified(schema, name)}")]


def change_sort_indexes(schema: str, obj: ObjectMeta, old: FieldMeta, new: FieldMeta) -> list[Sql]:
    """Drop and create what `isIndexed` changed (Note [sort indexes]); nothing otherwise."""
    before = dict(sort_indexes(obj.table_name, old))
    after = dict(sort_indexes(obj.table_name, new))
    out = [Sql(f"DROP INDEX {qualified(schema, name)}") for name in before if name not in after]
    out += [
        Sql(sort_index_sql(schema, obj, name, keys))
        for name, keys in after.items()
        if name not in before
    ]
    return out


def replace_foreign_key(
    schema: str, obj: ObjectMeta, field: FieldMeta, target: ObjectMeta
) -> list[Sql]:
    join = field.join_column
    assert join is not None
    name = constraint_name(obj.table_name, join, "fkey")
    return [
        Sql(f"ALTER TABLE {_table(schema, obj)} DROP CONSTRAINT IF EXISTS {ident(name)}"),
        Sql(foreign_key(schema, obj, field, target)),
    ]


# ---- options (Note [option edits] in options.py) ----------------------------------------------


def edit_options(
    schema: str, obj: ObjectMeta, old: FieldMeta, new: FieldMeta, edit: OptionEdit, fill: Any
) -> list[Sql]:
    """Drop the CHECK, move the data (renamed values follow, removed ones become `fill`, or
    leave a MULTI_SELECT list), rebuild the CHECK."""
    table = obj.table_name
    (before,) = columns_of(old)
    (after,) = columns_of(new)
    name = constraint_name(table, after.name, "check")
    out = [Sql(f"ALTER TABLE {_table(schema, obj)} DROP CONSTRAINT IF EXISTS {ident(name)}")]
    if edit.moves_data:
        out.append(_move_values(schema, obj, after, edit, fill))
    expression = check_expression(after)
    if expression is not None:
        add = f"ADD CONSTRAINT {ident(name)} CHECK ({expression})"
        out.append(Sql(f"ALTER TABLE {_table(schema, obj)} {add}"))
    assert before.name == after.name
    return out


def _move_values(schema: str, obj: ObjectMeta, column: Column, edit: OptionEdit, fill: Any) -> Sql:
    params: list[Any] = []

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}::text"

    col = ident(column.name)
    affected = [*edit.renamed, *edit.removed]
    if column.kind is ScalarKind.MULTI_SELECT:
        cases = " ".join(f"WHEN {param(a)} THEN {param(b)}" for a, b in edit.renamed.items())
        element = f"CASE e {cases} ELSE e END" if cases else "e"
        params.append(list(edit.removed))
        removed = f"${len(params)}::text[]"
        params.append(affected)
        return Sql(
            f"UPDATE {_table(schema, obj)} SET {col} = ARRAY(SELECT {element} "
            f"FROM unnest({col}) WITH ORDINALITY AS u(e, n) WHERE NOT (e = ANY({removed})) "
            f"ORDER BY n) WHERE {col} && ${len(params)}::text[]",
            tuple(params),
        )
    cases = " ".join(f"WHEN {param(a)} THEN {param(b)}" for a, b in edit.renamed.items())
    cases += "".join(f" WHEN {param(value)} THEN {param(fill)}" for value in edit.removed)
    params.append(affected)
    return Sql(
        f"UPDATE {_table(schema, obj)} SET {col} = CASE {col} {cases} END "
        f"WHERE {col} = ANY(${len(params)}::text[])",
        tuple(params),
    )


# ---- tables --------------------------------------------------------------------------------


def rename_table(schema: str, old: ObjectMeta, new: ObjectMeta) -> list[Sql]:
    """The table, its primary key, and every constraint and index named after it."""
    before, after = old.table_name, new.table_name
    if before == after:
        return []
    out = [
        Sql(f"ALTER TABLE {qualified(schema, before)} RENAME TO {ident(after)}"),
        Sql(
            f"ALTER TABLE {qualified(schema, after)} "
            f"RENAME CONSTRAINT {ident(pkey_name(before))} TO {ident(pkey_name(after))}"
        ),
    ]
    for field in old.fields:
        pairs = zip(owned_names(before, field), owned_names(after, field), strict=True)
        out += _rename_owned(schema, after, pairs)
    return [*out, name_not_null_constraints(schema, after)]


def drop_table(schema: str, obj: ObjectMeta) -> list[Sql]:
    return [Sql(f"DROP TABLE {_table(schema, obj)} CASCADE")]
