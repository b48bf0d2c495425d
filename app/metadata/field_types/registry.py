"""The registry: one handler per FieldType."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.metadata.enums import FieldType
from app.metadata.field_types.composite import empty_list, empty_text
from app.metadata.field_types.composite_types import COMPOSITES
from app.metadata.field_types.handler import TypeHandler
from app.metadata.field_types.kinds import ScalarKind
from app.metadata.field_types.scalar import (
    OptionsHandler,
    RatingHandler,
    RelationHandler,
    ScalarHandler,
    TsVectorHandler,
)


def _build() -> dict[FieldType, TypeHandler]:
    handlers: list[TypeHandler] = [
        ScalarHandler(FieldType.TEXT, ScalarKind.TEXT, empty_text),  # '' as Twenty (spec §1.9)
        ScalarHandler(FieldType.UUID, ScalarKind.UUID),
        ScalarHandler(FieldType.NUMBER, ScalarKind.FLOAT),
        ScalarHandler(FieldType.NUMERIC, ScalarKind.NUMERIC),
        ScalarHandler(FieldType.POSITION, ScalarKind.FLOAT),
        ScalarHandler(FieldType.BOOLEAN, ScalarKind.BOOLEAN),
        ScalarHandler(FieldType.DATE, ScalarKind.DATE),
        ScalarHandler(FieldType.DATE_TIME, ScalarKind.DATE_TIME),
        ScalarHandler(FieldType.RAW_JSON, ScalarKind.JSON),
        ScalarHandler(FieldType.ARRAY, ScalarKind.TEXT_ARRAY, empty_list),
        OptionsHandler(FieldType.SELECT, ScalarKind.SELECT),
        OptionsHandler(FieldType.MULTI_SELECT, ScalarKind.MULTI_SELECT),
        RatingHandler(),
        RelationHandler(),
        TsVectorHandler(),
        *COMPOSITES,
    ]
    return {handler.type: handler for handler in handlers}


HANDLERS: Mapping[FieldType, TypeHandler] = MappingProxyType(_build())


def handler_for(field_type: FieldType) -> TypeHandler:
    return HANDLERS[field_type]
