"""Twenty's metadata validation rules (spec §3.5), and the report that groups their failures.

Rules are pure functions returning `Problem`s; a change collects them per entity in a `Report`
and raises one `MetadataValidationFailed` naming every problem, the way Twenty's workspace
migration builder reports a whole change at once:

    report = Report("creating object")
    report.object("create_object", obj, object_name_problems(singular, plural))
    report.raise_if_failed()
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app.errors import MetadataValidationFailed
from app.metadata.model import FieldMeta, ObjectMeta

MAX_IDENTIFIER = 63  # PostgreSQL's identifier limit, and Twenty's for names and labels

INVALID_NAME = (
    "Name is not valid: it must start with lowercase letter and contain only alphanumeric letters"
)
RESERVED_NAME = (
    'This name is reserved. Use a different name or the system will add "Custom" suffix.'
)
IDENTICAL_NAMES = "The singular and plural names cannot be the same for an object"
IDENTICAL_LABELS = "The singular and plural labels cannot be the same for an object"

_CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")

_CORE_OBJECT_NAMES = (
    "approvedAccessDomain",
    "appToken",
    "billingCustomer",
    "billingEntitlement",
    "billingMeter",
    "billingProduct",
    "billingSubscription",
    "billingSubscriptionItem",
    "featureFlag",
    "job",
    "keyValuePair",
    "pageLayout",
    "pageLayoutTab",
    "pageLayoutWidget",
    "postgresCredential",
    "twoFactorMethod",
    "user",
    "userWorkspace",
    "workspace",
    "role",
    "userWorkspaceRole",
)

# twenty-shared's RESERVED_METADATA_NAME_KEYWORDS.
RESERVED_NAMES = frozenset(
    (
        *_CORE_OBJECT_NAMES,
        *(f"{name}s" for name in _CORE_OBJECT_NAMES),
        "plan",
        "plans",
        "event",
        "events",
        "field",
        "fields",
        "link",
        "links",
        "currency",
        "currencies",
        "fullNames",
        "address",
        "addresses",
        "type",
        "types",
        "object",
        "objects",
        "index",
        "relation",
        "relations",
        "aggregate",
    )
)

_NO_VALUE = object()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one entity: Twenty's `{code, message, userFriendlyMessage, value}`."""

    code: str
    message: str
    value: Any = _NO_VALUE
    user_friendly_message: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.user_friendly_message is not None:
            out["userFriendlyMessage"] = self.user_friendly_message
        if self.value is not _NO_VALUE:
            out["value"] = self.value
        return out


def object_problem(message: str, value: Any = _NO_VALUE) -> Problem:
    return Problem("INVALID_OBJECT_INPUT", message, value)


def field_problem(
    message: str, value: Any = _NO_VALUE, code: str = "INVALID_FIELD_INPUT"
) -> Problem:
    return Problem(code, message, value)


class Report:
    """The failures of one metadata change, grouped by entity kind (Twenty's
    `extensions.errors`: `objectMetadata`, `fieldMetadata`, `index`)."""

    def __init__(self, action: str) -> None:
        self.action = action  # "creating object", "updating field", ...
        self._groups: dict[str, list[dict[str, Any]]] = {
            "objectMetadata": [],
            "fieldMetadata": [],
            "index": [],
        }

    def object(self, kind: str, obj: ObjectMeta, problems: Iterable[Problem]) -> None:
        info = {"id": str(obj.id), "nameSingular": obj.name_singular, "namePlural": obj.name_plural}
        self._add("objectMetadata", kind, info, problems)

    def field(self, kind: str, field: FieldMeta, problems: Iterable[Problem]) -> None:
        info = {"id": str(field.id), "name": field.name, "objectMetadataId": str(field.object_id)}
        self._add("fieldMetadata", kind, info, problems)

    def _add(
        self, group: str, kind: str, info: dict[str, Any], problems: Iterable[Problem]
    ) -> None:
        items = [p.to_json() for p in problems]
        if items:
            self._groups[group].append(
                {
                    "type": kind,
                    "status": "fail",
                    "errors": items,
                    "flatEntityMinimalInformation": info,
                }
            )

    @property
    def failed(self) -> bool:
        return any(self._groups.values())

    def error(self) -> MetadataValidationFailed:
        objects = len(self._groups["objectMetadata"])
        fields = len(self._groups["fieldMetadata"])
        return MetadataValidationFailed(
            f"Multiple validation errors occurred while {self.action}",
            errors={kind: list(items) for kind, items in self._groups.items()},
            summary=f"Validation failed for {objects} object(s) and {fields} field(s)",
        )

    def raise_if_failed(self) -> None:
        if self.failed:
            raise self.error()


# ---- names and labels ----------------------------------------------------------------------


def clean_label(text: str) -> str:
    """Trimmed, with runs of whitespace collapsed (Twenty's input sanitising)."""
    return " ".join(text.split())


def name_problems(name: str, code: str = "INVALID_OBJECT_INPUT") -> list[Problem]:
    """Twenty's METADATA_NAME_VALIDATORS, in its order; `name` is already trimmed."""
    problems = []
    if len(name) > MAX_IDENTIFIER:
        problems.append(Problem(code, "Name is too long", name))
    if len(name) < 1:
        problems.append(Problem(code, "Name is too short", name))
    if not _CAMEL_CASE.match(name):
        problems.append(Problem(code, INVALID_NAME, name))
    if name in RESERVED_NAMES:
        problems.append(Problem(code, RESERVED_NAME, name))
    return problems


def object_name_problems(singular: str, plural: str) -> list[Problem]:
    problems = [*name_problems(singular), *name_problems(plural)]
    if singular.lower() == plural.lower():
        problems.append(object_problem(IDENTICAL_NAMES, plural))
    return problems


def object_label_problems(singular: str, plural: str) -> list[Problem]:
    problems = []
    for label in (singular, plural):
        if len(label) < 1:
            problems.append(object_problem("Object label is too short", label))
        if len(label) > MAX_IDENTIFIER:
            problems.append(object_problem("Object label is too long", label))
    if singular.lower() == plural.lower():
        problems.append(object_problem(IDENTICAL_LABELS, singular))
    return problems


def object_uniqueness_problems(
    singular: str, plural: str, objects: Iterable[ObjectMeta], *, exclude: UUID | None = None
) -> list[Problem]:
    """Both names are free across every other object's singular and plural names."""
    for other in objects:
        if other.id == exclude:
            continue
        taken = {other.name_singular, other.name_plural}
        if singular in taken or plural in taken:
            return [Problem("OBJECT_ALREADY_EXISTS", "Object already exists", singular)]
    return []


_WORDS = re.compile(r"[a-z]+|[0-9]+")


def name_from_label(label: str) -> str:
    """Twenty's computeMetadataNameFromLabel: transliterated, camelCased, 'n' before a digit."""
    text = label.strip()
    if text[:1].isdigit():
        text = "n" + text
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words: list[str] = _WORDS.findall(ascii_text)
    if not words:
        return ""
    return words[0] + "".join(word[:1].upper() + word[1:] for word in words[1:])
