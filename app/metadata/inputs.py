"""Metadata inputs: a JSON body (REST) or a GraphQL input (as a dict) to typed, checked values.

These are Twenty's DTO checks, which run before any metadata rule: an empty required string,
a value of the wrong JSON type, an unknown property. They fail with `InvalidMetadataInput`
listing every problem in class-validator's words ("nameSingular should not be empty"). The
names themselves are judged later, by `validation`, against the workspace's model.

Keys are the API's (camelCase). Update inputs keep only the keys the client sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from app.errors import InvalidFieldValue, InvalidMetadataInput
from app.metadata.enums import RelationType
from app.metadata.field_types.coercion import check_json

# Twenty's FieldMetadataType: what the API accepts as a type name (we create a subset).
FIELD_TYPE_NAMES = (
    "ACTOR",
    "ADDRESS",
    "ARRAY",
    "BOOLEAN",
    "CURRENCY",
    "DATE",
    "DATE_TIME",
    "EMAILS",
    "FILES",
    "FULL_NAME",
    "LINKS",
    "MORPH_RELATION",
    "MULTI_SELECT",
    "NUMBER",
    "NUMERIC",
    "PHONES",
    "POSITION",
    "RATING",
    "RAW_JSON",
    "RELATION",
    "RICH_TEXT",
    "RICH_TEXT_V2",
    "SELECT",
    "TEXT",
    "TS_VECTOR",
    "UUID",
)

_STRING, _BOOL, _UUID, _ANY, _TYPE = "string", "boolean", "uuid", "any", "type"

# Twenty's CreateObjectInput / UpdateObjectPayload / CreateFieldInput / UpdateFieldInput.
# Properties we accept but do not model are listed as _ANY and ignored.
CREATE_OBJECT = {
    "nameSingular": _STRING,
    "namePlural": _STRING,
    "labelSingular": _STRING,
    "labelPlural": _STRING,
    "description": _STRING,
    "icon": _STRING,
    "shortcut": _STRING,
    "color": _STRING,
    "skipNameField": _BOOL,
    "isRemote": _BOOL,
    "primaryKeyColumnType": _ANY,
    "primaryKeyFieldMetadataSettings": _ANY,
    "isLabelSyncedWithName": _BOOL,
}
UPDATE_OBJECT = {
    "labelSingular": _STRING,
    "labelPlural": _STRING,
    "nameSingular": _STRING,
    "namePlural": _STRING,
    "description": _STRING,
    "icon": _STRING,
    "shortcut": _STRING,
    "color": _STRING,
    "isActive": _BOOL,
    "labelIdentifierFieldMetadataId": _UUID,
    "imageIdentifierFieldMetadataId": _UUID,
    "isLabelSyncedWithName": _BOOL,
    "isSearchable": _BOOL,
    "openRecordIn": _ANY,
    "readability": _ANY,
    "translations": _ANY,
}
_FIELD_COMMON = {
    "name": _STRING,
    "label": _STRING,
    "description": _STRING,
    "icon": _STRING,
    "isActive": _BOOL,
    "isSystem": _BOOL,
    "isUIEditable": _ANY,
    "isUIReadOnly": _BOOL,
    "isNullable": _BOOL,
    "isUnique": _BOOL,
    "isSearchable": _ANY,
    "isAuditLogged": _ANY,
    "defaultValue": _ANY,
    "options": _ANY,
    "settings": _ANY,
    "isLabelSyncedWithName": _BOOL,
    "isIndexed": _BOOL,  # ours: Note [sort indexes] in app/metadata/ddl.py
}
CREATE_FIELD = {
    **_FIELD_COMMON,
    "type": _TYPE,
    "objectMetadataId": _UUID,
    "isRemoteCreation": _ANY,
    "relationCreationPayload": _ANY,
    "morphRelationsCreationPayload": _ANY,
}
UPDATE_FIELD = {
    **_FIELD_COMMON,
    "universalIdentifier": _ANY,
    "objectMetadataId": _UUID,
    "morphRelationsUpdatePayload": _ANY,
    "translations": _ANY,
}

_REQUIRED_OBJECT = ("nameSingular", "namePlural", "labelSingular", "labelPlural")
_REQUIRED_FIELD = ("name", "label", "type", "objectMetadataId")


class _Checker:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def body(self, raw: Any, allowed: Mapping[str, str]) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            self.messages.append("The input must be a JSON object")
            return {}
        out: dict[str, Any] = {}
        for key, value in raw.items():
            kind = allowed.get(key)
            if kind is None:
                self.messages.append(f"property {key} should not exist")
            elif self._fits(key, kind, value):
                out[key] = UUID(value) if kind == _UUID and value is not None else value
        return out

    def _fits(self, key: str, kind: str, value: Any) -> bool:
        try:
            check_json(value, key)  # no NUL, bounded depth (Note [value ranges])
        except InvalidFieldValue as error:
            self.messages.append(f"{key}: {error.context['detail']}")
            return False
        if value is None or kind == _ANY:
            return True
        if kind == _STRING and not isinstance(value, str):
            self.messages.append(f"{key} must be a string")
        elif kind == _BOOL and not isinstance(value, bool):
            self.messages.append(f"{key} must be a boolean value")
        elif kind == _UUID and not _is_uuid(value):
            self.messages.append(f"{key} must be a UUID")
        elif kind == _TYPE and value not in FIELD_TYPE_NAMES:
            self.messages.append(
                f"{key} must be one of the following values: {', '.join(FIELD_TYPE_NAMES)}"
            )
        else:
            return True
        return False

    def required(self, values: Mapping[str, Any], keys: tuple[str, ...]) -> None:
        for key in keys:
            value = values.get(key)
            if value is None or value == "":
                self.messages.append(f"{key} should not be empty")

    def not_empty(self, values: Mapping[str, Any], keys: tuple[str, ...]) -> None:
        for key in keys:
            if key in values and (values[key] is None or values[key] == ""):
                self.messages.append(f"{key} should not be empty")

    def done(self) -> None:
        if self.messages:
            raise InvalidMetadataInput(list(dict.fromkeys(self.messages)))


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        UUID(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class ObjectCreate:
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    description: str | None = None
    icon: str | None = None
    shortcut: str | None = None
    color: str | None = None
    is_label_synced_with_name: bool = False
    skip_name_field: bool = False


@dataclass(frozen=True, slots=True)
class RelationPayload:
    type: RelationType
    target_object_id: UUID
    target_field_label: str
    target_field_icon: str | None
    target_field_name: str | None


@dataclass(frozen=True, slots=True)
class FieldCreate:
    object_id: UUID
    type: str
    name: str
    label: str
    values: Mapping[str, Any] = field(default_factory=dict)  # every key sent, checked
    relation: RelationPayload | None = None
    relation_problem: str | None = None  # a malformed relationCreationPayload, reported later


@dataclass(frozen=True, slots=True)
class Update:
    """An update: the keys the client sent, with values of the right JSON type."""

    changes: Mapping[str, Any]


def object_create(raw: Any) -> ObjectCreate:
    check = _Checker()
    values = check.body(raw, CREATE_OBJECT)
    check.required(values, _REQUIRED_OBJECT)
    check.done()
    return ObjectCreate(
        name_singular=values["nameSingular"].strip(),
        name_plural=values["namePlural"].strip(),
        label_singular=values["labelSingular"].strip(),
        label_plural=values["labelPlural"].strip(),
        description=values.get("description"),
        icon=values.get("icon"),
        shortcut=values.get("shortcut"),
        color=values.get("color"),
        is_label_synced_with_name=bool(values.get("isLabelSyncedWithName")),
        skip_name_field=bool(values.get("skipNameField")),
    )


def object_update(raw: Any) -> Update:
    check = _Checker()
    values = check.body(raw, UPDATE_OBJECT)
    check.not_empty(values, _REQUIRED_OBJECT)
    check.done()
    return Update({k: v.strip() if k in _REQUIRED_OBJECT else v for k, v in values.items()})


def field_create(raw: Any) -> FieldCreate:
    check = _Checker()
    values = check.body(raw, CREATE_FIELD)
    check.required(values, _REQUIRED_FIELD)
    check.done()
    relation, problem = _relation_payload(values.get("relationCreationPayload"))
    return FieldCreate(
        object_id=values["objectMetadataId"],
        type=values["type"],
        name=values["name"].strip(),
        label=values["label"].strip(),
        values=values,
        relation=relation,
        relation_problem=problem,
    )


def field_update(raw: Any) -> Update:
    check = _Checker()
    values = check.body(raw, UPDATE_FIELD)
    check.not_empty(values, ("name", "label"))
    check.done()
    return Update({k: v.strip() if k in ("name", "label") else v for k, v in values.items()})


def _relation_payload(raw: Any) -> tuple[RelationPayload | None, str | None]:
    if raw is None:
        return None, None
    invalid = "Relation creation payload is invalid"
    if not isinstance(raw, Mapping):
        return None, invalid
    kind = raw.get("type")
    target = raw.get("targetObjectMetadataId")
    label = raw.get("targetFieldLabel")
    icon = raw.get("targetFieldIcon")
    name = raw.get("targetFieldName")
    if (
        kind not in (RelationType.MANY_TO_ONE.value, RelationType.ONE_TO_MANY.value)
        or not _is_uuid(target)
        or not isinstance(label, str)
        or not label.strip()
        or not isinstance(icon, str | None)
        or not isinstance(name, str | None)
    ):
        return None, invalid
    return (
        RelationPayload(
            type=RelationType(kind),
            target_object_id=UUID(target),
            target_field_label=" ".join(label.split()),
            target_field_icon=icon,
            target_field_name=name.strip() if name else None,
        ),
        None,
    )
