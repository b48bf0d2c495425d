"""The composite types of spec §4: their sub-fields, in column order, and their input rules.

Normalisation follows Twenty's record transformers: email domains are lower-cased, link URLs
get a lower-case scheme and host and lose one trailing slash.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from app.metadata.enums import ActorSource, FieldType
from app.metadata.field_types.coercion import describe, invalid_value
from app.metadata.field_types.composite import CompositeHandler, Part, empty_list
from app.metadata.field_types.kinds import ScalarKind

TEXT = ScalarKind.TEXT
NUMERIC = ScalarKind.NUMERIC
JSON = ScalarKind.JSON


# -- normalisers: (value already coerced to the part's kind, "field.sub") -> stored value ------


MICROS_MIN, MICROS_MAX = -(2**63), 2**63 - 1  # BIGINT's range, as Twenty's clients assume


def whole_micros(value: Decimal, label: str) -> Decimal:
    if value != value.to_integral_value():
        raise invalid_value(label, f"expected a whole number of micros, got {value}")
    if not MICROS_MIN <= value <= MICROS_MAX:
        raise invalid_value(
            label,
            f"expected a whole number of micros between {MICROS_MIN} and {MICROS_MAX}, "
            f"got {format(value, 'f')}",
        )
    return value


def email(value: str, label: str) -> str:
    """'' stays ''; otherwise one '@' with text on both sides, and a lower-case domain."""
    if value == "":
        return value
    local, _, domain = value.partition("@")
    if not local or not domain or "@" in domain:
        raise invalid_value(label, f"expected an email address, got {describe(value)}")
    return f"{local}@{domain.lower()}"


def email_list(value: Any, label: str) -> list[str]:
    if not isinstance(value, list):
        raise invalid_value(label, f"expected a list of email addresses, got {describe(value)}")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or item == "":
            raise invalid_value(label, f"expected a list of email addresses, got {describe(item)}")
        out.append(email(item, label))
    return out


def url(value: str, label: str = "") -> str:
    """Twenty's `lowercaseUrlOriginAndRemoveTrailingSlash`, minus its path re-encoding."""
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme and parts.netloc and "@" not in parts.netloc:
        origin = f"{parts.scheme}://{parts.netloc}"
        value = origin.lower() + value[len(origin) :]
    return value[:-1] if value.endswith("/") else value


def _objects(value: Any, label: str, keys: tuple[str, ...], what: str) -> list[dict[str, Any]]:
    """A list of objects whose only keys are `keys`, each a string or null."""
    expected = f"a list of {what} objects with keys {', '.join(keys)}"
    if not isinstance(value, list):
        raise invalid_value(label, f"expected {expected}, got {describe(value)}")
    out: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict):
            raise invalid_value(label, f"expected {expected}, got {describe(item)}")
        for key, sub_value in item.items():
            if key not in keys:
                raise invalid_value(label, f"unknown key '{key}' in {what} (expected {expected})")
            if sub_value is not None and not isinstance(sub_value, str):
                raise invalid_value(label, f"'{key}' must be text, got {describe(sub_value)}")
        out.append(dict(item))
    return out


def links(value: Any, label: str) -> list[dict[str, Any]]:
    out = _objects(value, label, ("url", "label"), "link")
    for link in out:
        if link.get("url"):
            link["url"] = url(link["url"])
    return out


def phones(value: Any, label: str) -> list[dict[str, Any]]:
    return _objects(value, label, ("number", "countryCode", "callingCode"), "phone")


def json_object(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_value(label, f"expected an object, got {describe(value)}")
    return value


# -- the types ------------------------------------------------------------------------------

COMPOSITES: tuple[CompositeHandler, ...] = (
    CompositeHandler(
        FieldType.CURRENCY,
        (Part("amountMicros", NUMERIC, normalize=whole_micros), Part("currencyCode", TEXT)),
    ),
    CompositeHandler(
        FieldType.EMAILS,
        (
            Part("primaryEmail", TEXT, normalize=email),
            Part("additionalEmails", JSON, normalize=email_list, empty=empty_list),
        ),
    ),
    CompositeHandler(
        FieldType.LINKS,
        (
            Part("primaryLinkUrl", TEXT, normalize=url),
            Part("primaryLinkLabel", TEXT),
            Part("secondaryLinks", JSON, normalize=links, empty=empty_list),
        ),
    ),
    CompositeHandler(
        FieldType.PHONES,
        (
            Part("primaryPhoneNumber", TEXT),
            Part("primaryPhoneCountryCode", TEXT),
            Part("primaryPhoneCallingCode", TEXT),
            Part("additionalPhones", JSON, normalize=phones, empty=empty_list),
        ),
    ),
    CompositeHandler(FieldType.FULL_NAME, (Part("firstName", TEXT), Part("lastName", TEXT))),
    CompositeHandler(
        FieldType.ADDRESS,
        (
            Part("addressStreet1", TEXT),
            Part("addressStreet2", TEXT),
            Part("addressCity", TEXT),
            Part("addressState", TEXT),
            Part("addressCountry", TEXT),
            Part("addressPostcode", TEXT),
            Part("addressLat", NUMERIC),
            Part("addressLng", NUMERIC),
        ),
    ),
    CompositeHandler(
        FieldType.ACTOR,
        (
            Part("source", TEXT, allowed=tuple(source.value for source in ActorSource)),
            Part("workspaceMemberId", ScalarKind.UUID),
            Part("name", TEXT),
            Part("context", JSON, normalize=json_object),
        ),
    ),
    CompositeHandler(FieldType.RICH_TEXT_V2, (Part("blocknote", TEXT), Part("markdown", TEXT))),
)
