"""Webhook inputs, checked before anything is written: Twenty's create and update shapes.

    create: {id?, targetUrl!, operations!, description?, secret?}
    update: {targetUrl?, operations?, description?, secret?}

As Twenty: `targetUrl` and `description` are trimmed with inner whitespace collapsed, the URL
normalised (app.webhooks.targets), a missing `id` becomes a UUID v4 and a missing secret 32
random bytes in hex. Past Twenty, which accepts anything: every operation must be
`<object>.<action>` naming an object of the workspace (or `*`) and one of the actions
events carry (or `*`), so a typo is a 400 with a suggestion instead of a webhook that never
fires; an unknown key is refused by name.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app.errors import InvalidWebhookInput, did_you_mean
from app.metadata import webhook_events as events
from app.webhooks import targets

MAX_OPERATIONS = 100
MAX_DESCRIPTION = 1000
MAX_SECRET = 256
_CREATE_KEYS = ("id", "targetUrl", "operations", "description", "secret")
_UPDATE_KEYS = ("targetUrl", "operations", "description", "secret")


@dataclass(frozen=True, slots=True)
class WebhookCreate:
    id: UUID
    target_url: str
    operations: list[str]
    description: str | None
    secret: str


def new_secret() -> str:
    return secrets.token_hex(32)


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise InvalidWebhookInput("The webhook input must be a JSON object")
    return body


def _unknown_keys(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise InvalidWebhookInput(
                f"Unknown webhook property '{key}'. Allowed: {', '.join(allowed)}",
                hint=did_you_mean(str(key), allowed),
                field=key,
            )


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body[key]
    if not isinstance(value, str):
        raise InvalidWebhookInput(f"'{key}' must be a string", field=key)
    return value


def _description(body: Mapping[str, Any]) -> str | None:
    if body.get("description") is None:
        return None
    text = targets.collapse(_text(body, "description"))
    if len(text) > MAX_DESCRIPTION:
        raise InvalidWebhookInput(
            f"'description' must be at most {MAX_DESCRIPTION} characters", field="description"
        )
    return text


def _secret(body: Mapping[str, Any]) -> str:
    if body.get("secret") is None:
        return new_secret()
    text = _text(body, "secret")
    if not text.strip():
        return new_secret()
    if len(text) > MAX_SECRET:
        raise InvalidWebhookInput(f"'secret' must be at most {MAX_SECRET} characters")
    return text


def _operation(text: Any, objects: Collection[str]) -> str:
    if not isinstance(text, str):
        raise InvalidWebhookInput("Each operation must be a string", field="operations")
    name, dot, action = text.strip().partition(".")
    if not dot or not name or not action:
        raise InvalidWebhookInput(
            f"Invalid operation '{text}': expected '<object>.<action>', e.g. 'person.created' "
            "or '*.*'",
            field="operations",
        )
    if name == "metadata" and name not in objects:
        raise InvalidWebhookInput(
            f"Invalid operation '{text}': this server sends record events only, not Twenty's "
            "metadata events",
            field="operations",
        )
    if name != events.WILDCARD and name not in objects:
        raise InvalidWebhookInput(
            f"Invalid operation '{text}': no object '{name}' in this workspace",
            hint=did_you_mean(name, objects),
            field="operations",
        )
    if action != events.WILDCARD and action not in events.ACTIONS:
        raise InvalidWebhookInput(
            f"Invalid operation '{text}': the action must be one of "
            f"{', '.join(events.ACTIONS)} or *",
            hint=did_you_mean(action, events.ACTIONS),
            field="operations",
        )
    return f"{name}.{action}"


def _operations(body: Mapping[str, Any], objects: Collection[str]) -> list[str]:
    value = body["operations"]
    if not isinstance(value, list) or not value:
        raise InvalidWebhookInput(
            '\'operations\' must be a non-empty array, e.g. ["*.*"] or ["person.created"]',
            field="operations",
        )
    if len(value) > MAX_OPERATIONS:
        raise InvalidWebhookInput(
            f"'operations' may list at most {MAX_OPERATIONS} operations", field="operations"
        )
    return list(dict.fromkeys(_operation(item, objects) for item in value))


def _required(body: Mapping[str, Any], key: str) -> None:
    if body.get(key) is None:
        raise InvalidWebhookInput(f"'{key}' is required", field=key)


def webhook_create(body: Any, objects: Collection[str]) -> WebhookCreate:
    """`objects`: the nameSingular of every object of the workspace."""
    body = _object(body)
    _unknown_keys(body, _CREATE_KEYS)
    _required(body, "targetUrl")
    _required(body, "operations")
    webhook_id = uuid.uuid4()
    if body.get("id") is not None:
        try:
            webhook_id = UUID(str(body["id"]))
        except ValueError:
            raise InvalidWebhookInput(f"'{body['id']}' is not a valid UUID", field="id") from None
    return WebhookCreate(
        id=webhook_id,
        target_url=targets.normalise(_text(body, "targetUrl")),
        operations=_operations(body, objects),
        description=_description(body),
        secret=_secret(body),
    )


def webhook_update(body: Any, objects: Collection[str]) -> dict[str, Any]:
    """The properties to change (API names); an absent key, or null but for `description`,
    keeps the stored value."""
    body = _object(body)
    _unknown_keys(body, _UPDATE_KEYS)
    changes: dict[str, Any] = {}
    if body.get("targetUrl") is not None:
        changes["targetUrl"] = targets.normalise(_text(body, "targetUrl"))
    if body.get("operations") is not None:
        changes["operations"] = _operations(body, objects)
    if "description" in body:
        changes["description"] = _description(body)
    if body.get("secret") is not None:
        changes["secret"] = _secret(body)
    return changes
