"""DDL for live changes, rendered to text (app.metadata.alter)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from app.metadata import alter
from app.metadata.enums import FieldType, OnDelete, RelationType
from app.metadata.model import FieldMeta, FieldOption, ObjectMeta
from app.metadata.options import OptionEdit

SCHEMA = "workspace_x"


def make_object(*fields: FieldMeta) -> ObjectMeta:
    return ObjectMeta(
        uuid.uuid4(), uuid.uuid4(), "pet", "pets", "Pet", "Pets", fields, is_custom=True
    )


def make_field(name: str, field_type: FieldType, **kwargs: object) -> FieldMeta:
    return FieldMeta(uuid.uuid4(), uuid.uuid4(), name, name, field_type, **kwargs)  # type: ignore[arg-type]


def texts(statements: list[alter.Sql]) -> list[str]:
    return [s.text for s in statements]


def test_renaming_a_composite_renames_each_sub_column() -> None:
    old = make_field("vet", FieldType.FULL_NAME)
    new = replace(old, name="doctor")
    statements = texts(alter.rename_field(SCHEMA, make_object(old), old, new))
    assert statements[:2] == [
        'ALTER TABLE "workspace_x"."_pet" RENAME COLUMN "vetFirstName" TO "doctorFirstName"',
        'ALTER TABLE "workspace_x"."_pet" RENAME COLUMN "vetLastName" TO "doctorLastName"',
    ]
    assert statements[2].startswith("DO $$")  # PostgreSQL 18's named NOT NULL constraints


def test_renaming_a_relation_renames_its_join_column_index_and_key() -> None:
    old = make_field(
        "owner",
        FieldType.RELATION,
        relation_type=RelationType.MANY_TO_ONE,
        relation_target_object_id=uuid.uuid4(),
        on_delete=OnDelete.SET_NULL,
    )
    statements = texts(
        alter.rename_field(SCHEMA, make_object(old), old, replace(old, name="keeper"))
    )
    assert statements[:3] == [
        'ALTER TABLE "workspace_x"."_pet" RENAME COLUMN "ownerId" TO "keeperId"',
        'ALTER INDEX "workspace_x"."_pet_ownerId_idx" RENAME TO "_pet_keeperId_idx"',
        'ALTER TABLE "workspace_x"."_pet" RENAME CONSTRAINT "_pet_ownerId_fkey" '
        'TO "_pet_keeperId_fkey"',
    ]


def test_adding_a_field_gives_existing_rows_its_default_without_a_rewrite() -> None:
    field = make_field("code", FieldType.TEXT, is_nullable=False, default_value="'X'")
    assert texts(alter.add_field(SCHEMA, make_object(), field)) == [
        'ALTER TABLE "workspace_x"."_pet" ADD COLUMN "code" text DEFAULT \'X\'',
        'ALTER TABLE "workspace_x"."_pet" ALTER COLUMN "code" DROP DEFAULT',
        'ALTER TABLE "workspace_x"."_pet" ALTER COLUMN "code" SET NOT NULL',
    ]


def test_initial_values_are_constants_of_each_kind() -> None:
    currency = make_field(
        "price", FieldType.CURRENCY, default_value={"amountMicros": 5, "currencyCode": "'EUR'"}
    )
    assert alter.initial_values(currency) == {
        "priceAmountMicros": "'5'::numeric",
        "priceCurrencyCode": "'EUR'",
    }
    tags = make_field("tags", FieldType.ARRAY)
    assert alter.initial_values(tags) == {"tags": "ARRAY[]::text[]"}
    flag = make_field("flag", FieldType.BOOLEAN, default_value=True)
    assert alter.initial_values(flag) == {"flag": "true"}
    assert alter.initial_values(make_field("when", FieldType.DATE, default_value="now")) == {
        "when": "current_date"
    }
    assert alter.initial_values(make_field("ref", FieldType.UUID, default_value="uuid")) == {
        "ref": "gen_random_uuid()"
    }
    assert alter.initial_values(make_field("n", FieldType.NUMBER)) == {}


def test_an_option_edit_drops_moves_and_rebuilds_the_check() -> None:
    options = tuple(
        FieldOption(id=str(i), label=v, value=v, color="", position=i)
        for i, v in enumerate(["DOG", "CAT"])
    )
    old = make_field("kind", FieldType.SELECT, options=options)
    new = replace(old, options=(replace(options[0], value="HOUND"),))
    edit = OptionEdit(renamed={"DOG": "HOUND"}, removed=("CAT",))
    statements = alter.edit_options(SCHEMA, make_object(old), old, new, edit, None)
    assert [s.text for s in statements] == [
        'ALTER TABLE "workspace_x"."_pet" DROP CONSTRAINT IF EXISTS "_pet_kind_check"',
        'UPDATE "workspace_x"."_pet" SET "kind" = CASE "kind" WHEN $1::text THEN $2::text '
        'WHEN $3::text THEN $4::text END WHERE "kind" = ANY($5::text[])',
        'ALTER TABLE "workspace_x"."_pet" ADD CONSTRAINT "_pet_kind_check" '
        "CHECK (\"kind\" IN ('HOUND'))",
    ]
    assert statements[1].params == ("DOG", "HOUND", "CAT", None, ["DOG", "CAT"])


def test_renaming_a_table_renames_everything_named_after_it() -> None:
    unique = make_field("serial", FieldType.TEXT, is_unique=True)
    old = make_object(unique)
    new = replace(old, name_singular="cat", name_plural="cats")
    statements = texts(alter.rename_table(SCHEMA, old, new))
    assert statements[:3] == [
        'ALTER TABLE "workspace_x"."_pet" RENAME TO "_cat"',
        'ALTER TABLE "workspace_x"."_cat" RENAME CONSTRAINT "_pet_pkey" TO "_cat_pkey"',
        'ALTER INDEX "workspace_x"."_pet_serial_unique" RENAME TO "_cat_serial_unique"',
    ]
