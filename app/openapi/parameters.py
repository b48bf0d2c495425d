"""Query and path parameters of the core routes, as `components.parameters`, and which route
reads which (the same sets app/rest/params.py enforces: a test keeps them equal, since the REST
layer refuses any other parameter with 400 UNKNOWN_PARAMETER).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.openapi.components import ref

if TYPE_CHECKING:
    from app.openapi.core import Limits

# Component key -> wire name, for the parameters the route tables below use.
WIRE_NAMES = {
    "idPath": "id",
    "filter": "filter",
    "orderBy": "order_by",
    "limit": "limit",
    "depth": "depth",
    "startingAfter": "starting_after",
    "endingBefore": "ending_before",
    "fields": "fields",
    "omitNullValues": "omit_null_values",
    "upsert": "upsert",
    "upsertOn": "upsert_on",
    "softDelete": "soft_delete",
    "groupBy": "group_by",
    "aggregate": "aggregate",
    "groupOrderBy": "order_by",
    "orderByForRecords": "order_by_for_records",
    "groupLimit": "limit",
    "includeRecordsSample": "include_records_sample",
    "viewId": "view_id",
    "viewIdCamel": "viewId",
}

_READ = ("depth", "fields", "omitNullValues")
FIND_MANY = ("filter", "orderBy", "limit", "startingAfter", "endingBefore", *_READ)
FIND_ONE = ("idPath", *_READ)
CREATE = (*_READ, "upsert", "upsertOn")
UPDATE_ONE = ("idPath", *_READ)
UPDATE_MANY = ("filter", *_READ)
DELETE_ONE = ("idPath", "softDelete", *_READ)
DELETE_MANY = ("filter", "softDelete", *_READ)
RESTORE_ONE = ("idPath", *_READ)
RESTORE_MANY = ("filter", *_READ)
FIND_DUPLICATES = ("depth", "fields")
MERGE = ("depth", "fields")
GROUP_BY = (
    *("groupBy", "aggregate", "filter", "groupOrderBy", "orderByForRecords", "groupLimit"),
    *("includeRecordsSample", "viewId", "viewIdCamel", "omitNullValues"),
)


def use(name: str) -> dict[str, str]:
    return ref("parameters", name)


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": WIRE_NAMES[name],
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


_TEXT = {"type": "string"}
_FLAG = {"type": "boolean", "default": False}


def core_parameters(limits: Limits) -> dict[str, Any]:
    return {
        "idPath": {
            "name": "id",
            "in": "path",
            "required": True,
            "description": "The record's id",
            "schema": {"type": "string", "format": "uuid"},
        },
        "filter": _query(
            "filter",
            _TEXT,
            "Twenty's filter grammar: `field[op]:value`, combined with and(…), or(…), not(…); "
            "dotted names reach composite sub-fields and many-to-one relations.",
            examples={
                "simple": {"value": 'createdAt[gte]:"2023-01-01"'},
                "composite": {"value": "emails.primaryEmail[eq]:ada@example.com"},
                "complex": {"value": 'or(name[like]:"%ada%",not(id[is]:NULL))'},
            },
        ),
        "orderBy": _query(
            "orderBy",
            _TEXT,
            "Comma-separated fields, each optionally followed by [AscNullsFirst], "
            "[AscNullsLast], [DescNullsFirst] or [DescNullsLast].",
            example="createdAt[DescNullsLast],id",
        ),
        "limit": _query(
            "limit",
            {"type": "integer", "minimum": 0, "default": limits.default_limit},
            f"Records per page; values above {limits.max_limit} are read as {limits.max_limit}.",
            allowEmptyValue=True,
        ),
        "depth": _query(
            "depth",
            {"type": "integer", "enum": [0, 1], "default": 0},
            "1 embeds the records each many-to-one relation points to.",
            allowEmptyValue=True,
        ),
        "startingAfter": _query("startingAfter", _TEXT, "A cursor from `pageInfo.endCursor`."),
        "endingBefore": _query("endingBefore", _TEXT, "A cursor from `pageInfo.startCursor`."),
        "fields": _query(
            "fields",
            _TEXT,
            "Comma-separated fields to return (`id` always is); may be repeated.",
            example="id,name",
        ),
        "omitNullValues": _query("omitNullValues", _FLAG, "Leave out fields whose value is null."),
        "upsert": _query(
            "upsert", _FLAG, "Update the record that has the same id or unique value instead."
        ),
        "upsertOn": _query(
            "upsertOn",
            _TEXT,
            "With upsert=true: the unique field (dotted for a sub-field) to match on.",
            example="emails.primaryEmail",
        ),
        "softDelete": _query(
            "softDelete", _FLAG, "true: set deletedAt (restorable); false: destroy the record."
        ),
        "groupBy": {
            **_query(
                "groupBy",
                _TEXT,
                "A JSON array of dimensions.",
                example='[{"city": true}]',
            ),
            "required": True,
        },
        "aggregate": _query(
            "aggregate", _TEXT, "A JSON array of aggregate names.", example='["totalCount"]'
        ),
        "groupOrderBy": _query(
            "groupOrderBy",
            _TEXT,
            "A JSON array ordering the groups.",
            example='[{"aggregate": {"totalCount": "DescNullsLast"}}]',
        ),
        "orderByForRecords": _query(
            "orderByForRecords", _TEXT, "Orders the sampled records (order_by grammar)."
        ),
        "groupLimit": _query(
            "groupLimit",
            {"type": "integer", "minimum": 0},
            "Groups returned (and records sampled per group).",
            allowEmptyValue=True,
        ),
        "includeRecordsSample": _query(
            "includeRecordsSample", _FLAG, "Add a sample of each group's records."
        ),
        "viewId": _query("viewId", _TEXT, "Accepted for Twenty's clients; not used."),
        "viewIdCamel": _query("viewIdCamel", _TEXT, "Accepted for Twenty's clients; not used."),
    }
