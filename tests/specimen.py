"""`specimen`: a custom object with a field of every type the API exchanges and both relation
kinds, for the OpenAPI and contract tests.

    specimen  many-to-one `company` (inverse `specimens` on company), many-to-one `parent`
              (a self relation, inverse `children`), one field per FieldType, a NOT NULL field
              without a default (required on create) and a unique one
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace

from app.auth import api_keys
from app.catalog.snapshot import Catalog
from app.db.database import Database
from app.metadata import ddl, roles, store
from app.metadata.enums import FieldType
from app.metadata.model import ObjectMeta
from app.metadata.seeder import build_objects
from app.metadata.specs import FieldSpec, ObjectSpec, OptionSpec, RelationSpec
from app.metadata.standard_objects import STANDARD_OBJECTS
from tests.support import TEST_SECRET, WorkspaceFixture

_OPTIONS = (OptionSpec("RED", "Red"), OptionSpec("GREEN", "Green"), OptionSpec("BLUE", "Blue"))

SPECIMEN = ObjectSpec(
    name_singular="specimen",
    name_plural="specimens",
    label_singular="Specimen",
    label_plural="Specimens",
    description="One field of every type",
    search_fields=("name",),
    fields=(
        FieldSpec("name", "Name", FieldType.TEXT, default_value="''"),
        FieldSpec("code", "Code", FieldType.TEXT, is_nullable=False, is_unique=True),
        FieldSpec("count", "Count", FieldType.NUMBER, description="How many"),
        FieldSpec("price", "Price", FieldType.NUMERIC),
        FieldSpec("active", "Active", FieldType.BOOLEAN, is_nullable=False, default_value=True),
        FieldSpec("bornOn", "Born on", FieldType.DATE),
        FieldSpec("seenAt", "Seen at", FieldType.DATE_TIME),
        FieldSpec("serial", "Serial", FieldType.UUID),
        FieldSpec("specs", "Specs", FieldType.RAW_JSON),
        FieldSpec("tags", "Tags", FieldType.ARRAY),
        FieldSpec("stars", "Stars", FieldType.RATING),
        FieldSpec("color", "Color", FieldType.SELECT, options=_OPTIONS),
        FieldSpec("palette", "Palette", FieldType.MULTI_SELECT, options=_OPTIONS),
        FieldSpec("budget", "Budget", FieldType.CURRENCY),
        FieldSpec("emails", "Emails", FieldType.EMAILS),
        FieldSpec("links", "Links", FieldType.LINKS),
        FieldSpec("phones", "Phones", FieldType.PHONES),
        FieldSpec("owner", "Owner", FieldType.FULL_NAME),
        FieldSpec("address", "Address", FieldType.ADDRESS),
        FieldSpec("notes", "Notes", FieldType.RICH_TEXT_V2),
        FieldSpec(
            "company",
            "Company",
            FieldType.RELATION,
            relation=RelationSpec("company", "specimens", "Specimens"),
        ),
        FieldSpec(
            "parent",
            "Parent",
            FieldType.RELATION,
            relation=RelationSpec("specimen", "children", "Children"),
        ),
    ),
)


def specimen_objects(workspace_id: uuid.UUID) -> list[ObjectMeta]:
    """The standard objects plus `specimen` (custom, as the metadata API would make it)."""
    objects = build_objects(workspace_id, [*STANDARD_OBJECTS, SPECIMEN])
    return [
        replace(o, is_custom=True, fields=tuple(replace(f, is_custom=True) for f in o.fields))
        if o.name_singular == SPECIMEN.name_singular
        else o
        for o in objects
    ]


def specimen_catalog() -> Catalog:
    """The standard objects plus `specimen`, with no database (for unit tests)."""
    workspace_id = uuid.UUID(int=1)
    return Catalog.build(workspace_id, "workspace_test", 1, specimen_objects(workspace_id))


async def make_specimen_workspace(db: Database) -> WorkspaceFixture:
    """A new workspace with the standard objects plus `specimen`, and an admin key."""
    name = f"ws-specimen-{secrets.token_hex(4)}"
    workspace_id = uuid.uuid4()
    schema = ddl.schema_name_for(workspace_id)
    async with db.transaction() as conn:
        workspace = await store.insert_workspace(conn, workspace_id, name, schema)
        await roles.seed_roles(conn, workspace_id)
        objects = specimen_objects(workspace_id)
        await store.insert_objects(conn, objects)
        for statement in ddl.create_model(schema, objects):
            await conn.execute(statement)
        admin = await roles.role_by_label(conn, workspace_id, roles.ADMIN)
        assert admin is not None
        key, token = await api_keys.create_api_key(
            conn, secret=TEST_SECRET, workspace_id=workspace_id, name="test", role_id=admin.id
        )
    return WorkspaceFixture(workspace.id, workspace.name, workspace.schema_name, token, key.id)
