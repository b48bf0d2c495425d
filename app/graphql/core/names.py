"""Every name the generated core schema uses: operations, arguments and types (spec §2.1-2.2).

The one place a generated name is spelled. For an object `person`/`people`:

    people  person  personDuplicates  peopleGroupBy                         (Query)
    createPerson  createPeople  updatePerson  updatePeople  deletePerson  deletePeople
    destroyPerson  destroyPeople  restorePerson  restorePeople  mergePeople (Mutation)
    Person  PersonConnection  PersonEdge  PersonGroupByConnection
    PersonFilterInput  PersonOrderByInput  PersonCreateInput  PersonUpdateInput
    PersonGroupByInput  PersonOrderByWithGroupByInput  PersonOrderByWithGroupByAggregateInput
    PersonJobTitleEnum                          (SELECT, MULTI_SELECT and RATING fields)

Composite types are named after their field type: FULL_NAME -> `FullName`,
`FullNameCreateInput`, `FullNameUpdateInput`, `FullNameFilterInput`, `FullNameOrderByInput`,
`FullNameGroupByInput`; an enum sub-field is `ActorSourceEnum` (filter `ActorSourceEnumFilter`).
"""

from __future__ import annotations

from app.metadata.enums import FieldType
from app.metadata.model import FieldMeta, ObjectMeta

UPSERT_ON_ARGUMENT = "upsertOn"  # ours: upsert on a named unique field (DESIGN §9)


def pascal(name: str) -> str:
    """`person` -> `Person`, `workspaceMember` -> `WorkspaceMember` (Twenty's pascalCase of a
    camelCase name)."""
    return name[:1].upper() + name[1:]


def type_pascal(field_type: FieldType) -> str:
    """`FULL_NAME` -> `FullName`, `RICH_TEXT_V2` -> `RichTextV2`."""
    return "".join(part.capitalize() for part in field_type.value.split("_"))


class Names:
    """Names for one object; composite and shared names are static."""

    def __init__(self, obj: ObjectMeta) -> None:
        self.obj = obj
        self.singular = obj.name_singular
        self.plural = obj.name_plural
        self.type = pascal(obj.name_singular)
        self._plural_pascal = pascal(obj.name_plural)

    # ---- operations ------------------------------------------------------------------------

    @property
    def find_many(self) -> str:
        return self.plural

    @property
    def find_one(self) -> str:
        return self.singular

    @property
    def find_duplicates(self) -> str:
        return f"{self.singular}Duplicates"

    @property
    def group_by(self) -> str:
        return f"{self.plural}GroupBy"

    @property
    def create_one(self) -> str:
        return f"create{self.type}"

    @property
    def create_many(self) -> str:
        return f"create{self._plural_pascal}"

    @property
    def update_one(self) -> str:
        return f"update{self.type}"

    @property
    def update_many(self) -> str:
        return f"update{self._plural_pascal}"

    @property
    def delete_one(self) -> str:
        return f"delete{self.type}"

    @property
    def delete_many(self) -> str:
        return f"delete{self._plural_pascal}"

    @property
    def destroy_one(self) -> str:
        return f"destroy{self.type}"

    @property
    def destroy_many(self) -> str:
        return f"destroy{self._plural_pascal}"

    @property
    def restore_one(self) -> str:
        return f"restore{self.type}"

    @property
    def restore_many(self) -> str:
        return f"restore{self._plural_pascal}"

    @property
    def merge_many(self) -> str:
        return f"merge{self._plural_pascal}"

    # ---- types -----------------------------------------------------------------------------

    @property
    def connection(self) -> str:
        return f"{self.type}Connection"

    @property
    def edge(self) -> str:
        return f"{self.type}Edge"

    @property
    def group_by_connection(self) -> str:
        return f"{self.type}GroupByConnection"

    def input(self, kind: str) -> str:
        """`Filter`, `OrderBy`, `Create`, `Update`, `GroupBy`, `OrderByWithGroupBy`,
        `OrderByWithGroupByAggregate` -> `Person<kind>Input`."""
        return f"{self.type}{kind}Input"

    def enum(self, field: FieldMeta) -> str:
        return f"{self.type}{pascal(field.name)}Enum"

    # ---- shared ----------------------------------------------------------------------------

    @staticmethod
    def composite(field_type: FieldType) -> str:
        return type_pascal(field_type)

    @staticmethod
    def composite_input(field_type: FieldType, kind: str) -> str:
        return f"{type_pascal(field_type)}{kind}Input"

    @staticmethod
    def composite_enum(field_type: FieldType, sub_field: str) -> str:
        return f"{type_pascal(field_type)}{pascal(sub_field)}Enum"

    @staticmethod
    def enum_filter(enum_name: str) -> str:
        return f"{enum_name}Filter"
