"""One core document per field type, compared with a stored snapshot (sorted keys, so the text is
stable). Regenerate after a deliberate change with `UPDATE_SNAPSHOTS=1 pytest tests/unit/openapi`
and review the diff."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from app.catalog.snapshot import Catalog
from app.metadata.enums import FieldType
from app.metadata.seeder import build_objects
from app.metadata.specs import FieldSpec, ObjectSpec, OptionSpec, RelationSpec
from app.openapi import Limits, core_document

SNAPSHOTS = Path(__file__).parent / "snapshots"
_OPTIONS = (OptionSpec("RED", "Red"), OptionSpec("BLUE", "Blue"))


def _spec(field_type: FieldType) -> ObjectSpec:
    extra: dict[str, object] = {}
    if field_type in (FieldType.SELECT, FieldType.MULTI_SELECT):
        extra["options"] = _OPTIONS
    if field_type is FieldType.RELATION:
        extra["relation"] = RelationSpec("thing", "children", "Children")
    if field_type is FieldType.TS_VECTOR:
        extra["settings"] = {"searchFields": ["id"]}
    return ObjectSpec(
        name_singular="thing",
        name_plural="things",
        label_singular="Thing",
        label_plural="Things",
        label_identifier=None,
        has_position=False,
        has_created_by=False,
        fields=(FieldSpec("value", "Value", field_type, **extra),),  # type: ignore[arg-type]
    )


def document_for(field_type: FieldType) -> str:
    objects = build_objects(uuid.UUID(int=1), [_spec(field_type)], is_custom=True)
    catalog = Catalog.build(uuid.UUID(int=1), "workspace_test", 1, objects)
    document = core_document(catalog, "http://localhost:3000", Limits())
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("field_type", list(FieldType), ids=str)
def test_core_document_matches_its_snapshot(field_type: FieldType) -> None:
    text = document_for(field_type)
    path = SNAPSHOTS / f"{field_type.value}.json"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot for {field_type}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(), f"{path.name} differs: run with UPDATE_SNAPSHOTS=1 and review"
