"""The core document: every active object of a workspace with the REST routes app/rest/core.py
serves, their parameters, bodies, answers and errors.

Paths, operation ids and response keys are Twenty's (spec: OpenAPI §1.3), including its quirk
`UpdateOne{S}`, except where our routes differ, which the document follows (Note [document tells
the truth]): restore is `/{plural}/{id}/restore` and `/{plural}/restore` (Twenty's document says
`/restore/{plural}/{id}`, which its router does not serve either), merge answers
`merge{Singular}`, and `/{plural}/groupBy` is listed. Every PATCH route also answers PUT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.catalog.snapshot import Catalog
from app.metadata.model import ObjectMeta
from app.openapi import parameters as p
from app.openapi.base import base_document
from app.openapi.components import (
    ERROR_SCHEMA,
    PAGE_INFO,
    array,
    envelope,
    error_responses,
    errors_for,
    json_body,
    json_response,
    obj,
    schema_ref,
)
from app.openapi.events import webhooks_section
from app.openapi.objects import object_schemas, pascal, schema_names


@dataclass(frozen=True, slots=True)
class Limits:
    """The server's page and batch sizes, which the document states."""

    default_limit: int = 60
    max_limit: int = 200
    batch_max: int = 60


def core_document(catalog: Catalog, server_url: str, limits: Limits = Limits()) -> dict[str, Any]:
    document = base_document("core", server_url)
    objects = sorted(catalog.active_objects, key=lambda o: o.name_plural)
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA, "PageInfo": PAGE_INFO}
    for item in objects:
        schemas.update(object_schemas(catalog, item))
    document["components"].update(
        schemas=schemas,
        parameters=p.core_parameters(limits),
        responses=error_responses(),
    )
    for item in objects:
        document["paths"].update(_paths(item, limits))
    document["webhooks"] = webhooks_section(objects)
    document["tags"] = [{"name": "General", "description": "This document"}] + [
        {"name": o.name_plural, "description": o.description or o.label_plural} for o in objects
    ]
    return document


def _paths(item: ObjectMeta, limits: Limits) -> dict[str, Any]:
    plural, singular = item.name_plural, item.name_singular
    S, P = pascal(singular), pascal(plural)  # Twenty's {S} and {P}
    create, update, response = schema_names(item)
    record = schema_ref(response)
    records = array(record)
    tag = [plural]

    def op(
        operation_id: str,
        summary: str,
        params: tuple[str, ...],
        ok: dict[str, Any],
        *,
        errors: tuple[str, ...] = (),
        **more: Any,
    ) -> dict[str, Any]:
        return {
            "tags": tag,
            "summary": summary,
            "operationId": operation_id,
            "parameters": [p.use(name) for name in params],
            **more,
            "responses": {**ok, **errors_for(*errors)},
        }

    def answer(key: str, value: dict[str, Any], status: str = "200") -> dict[str, Any]:
        return {status: json_response("Success", envelope(key, value))}

    label = item.label_plural.lower()
    page = obj(
        {
            "data": obj({plural: records}),
            "totalCount": {"type": "integer"},
            "pageInfo": schema_ref("PageInfo"),
        }
    )
    deleted = {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "properties": {f"delete{P}": records, f"destroy{P}": records},
        "description": f"`delete{P}` with soft_delete=true, `destroy{P}` otherwise",
    }
    duplicates = obj(
        {
            "totalCount": {"type": "integer"},
            f"{singular}Duplicates": records,
        }
    )
    return {
        f"/{plural}": {
            "get": op(
                f"findMany{P}",
                f"Find {label}",
                p.FIND_MANY,
                {"200": json_response("A page of records", page)},
            ),
            "post": op(
                f"createOne{S}",
                f"Create one {singular}",
                p.CREATE,
                answer(f"create{S}", record, "201"),
                requestBody=json_body(schema_ref(create)),
            ),
            "patch": op(
                f"updateMany{P}",
                f"Update the {label} a filter selects",
                p.UPDATE_MANY,
                answer(f"update{P}", records),
                requestBody=json_body(schema_ref(update)),
            ),
            "delete": op(
                f"deleteMany{P}",
                f"Delete the {label} a filter selects",
                p.DELETE_MANY,
                {"200": json_response("Success", obj({"data": deleted}))},
            ),
        },
        f"/batch/{plural}": {
            "post": op(
                f"createMany{P}",
                f"Create up to {limits.batch_max} {label}",
                p.CREATE,
                answer(f"create{P}", records, "201"),
                requestBody=json_body(
                    array(schema_ref(create), minItems=1, maxItems=limits.batch_max)
                ),
            ),
        },
        f"/{plural}/duplicates": {
            "post": op(
                f"find{S}Duplicates",
                f"Find {label} that duplicate the given ones",
                p.FIND_DUPLICATES,
                {"200": json_response("Success", obj({"data": array(duplicates)}))},
                requestBody=json_body(_DUPLICATES_BODY),
            ),
        },
        f"/{plural}/merge": {
            "patch": op(
                f"mergeMany{P}",
                f"Merge {label} into one",
                p.MERGE,
                answer(f"merge{S}", record),
                requestBody=json_body(_MERGE_BODY),
                errors=("404",),
            ),
        },
        f"/{plural}/groupBy": {
            "get": op(
                f"groupBy{P}",
                f"Group {label}, with aggregates",
                p.GROUP_BY,
                {"200": json_response("The groups (a bare array)", array(_GROUP))},
            ),
        },
        f"/{plural}/restore": {
            "patch": op(
                f"restoreMany{P}",
                f"Restore the soft-deleted {label} a filter selects",
                p.RESTORE_MANY,
                answer(f"restore{P}", records),
            ),
        },
        f"/{plural}/{{id}}": {
            "get": op(
                f"findOne{S}",
                f"Find one {singular}",
                p.FIND_ONE,
                answer(singular, record),
                errors=("404",),
            ),
            "patch": op(
                f"UpdateOne{S}",
                f"Update one {singular}",
                p.UPDATE_ONE,
                answer(f"update{S}", record),
                requestBody=json_body(schema_ref(update)),
                errors=("404",),
            ),
            "delete": op(
                f"deleteOne{S}",
                f"Delete one {singular}",
                p.DELETE_ONE,
                answer(f"delete{S}", obj({"id": {"type": "string", "format": "uuid"}})),
                errors=("404",),
            ),
        },
        f"/{plural}/{{id}}/restore": {
            "patch": op(
                f"restoreOne{S}",
                f"Restore one soft-deleted {singular}",
                p.RESTORE_ONE,
                answer(f"restore{S}", record),
                errors=("404",),
            ),
        },
    }


_DUPLICATES_BODY: dict[str, Any] = {
    "type": "object",
    "description": "Either `data` (records to look for) or `ids` (stored records to look for)",
    "properties": {
        "data": array({"type": "object"}, minItems=1),
        "ids": array({"type": "string", "format": "uuid"}),
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["data"]}, {"required": ["ids"]}],
    "example": {"ids": ["00000000-0000-0000-0000-000000000000"]},
}


_MERGE_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["ids"],
    "properties": {
        "ids": array({"type": "string", "format": "uuid"}),
        "conflictPriorityIndex": {
            "type": "integer",
            "default": 0,
            "description": "Which record's values win a conflict (an index into `ids`)",
        },
        "dryRun": {"type": "boolean", "default": False},
    },
    "additionalProperties": False,
}

_GROUP: dict[str, Any] = {
    "type": "object",
    "required": ["groupByDimensionValues"],
    "properties": {
        "groupByDimensionValues": array({}),
        "records": array({"type": "object"}),
    },
    "description": "One group: its dimension values, one key per aggregate, and with "
    "include_records_sample=true a sample of its records",
}
