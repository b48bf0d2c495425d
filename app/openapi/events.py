"""The core document's `webhooks` section: what a webhook receiver gets for each object's
events (spec: OpenAPI §1.7), as app/webhooks/wire.py sends it.

Twenty documents three entries per object, `"{S} Created"`, `"{S} Updated"` and
`"{S} Deleted"`; the server also sends `restored` and `destroyed` events, so these are
documented too, with our two headers beside Twenty's three (the event id a receiver
deduplicates on, and the attempt number). The timestamp is in milliseconds, as sent.
"""

from __future__ import annotations

from typing import Any

from app.metadata.model import ObjectMeta
from app.metadata.webhook_events import ACTIONS
from app.openapi.components import JSON, array, obj, schema_ref
from app.openapi.objects import pascal, schema_names

_TEXT = {"type": "string"}
_UUID = {"type": "string", "format": "uuid"}

_HEADERS = (
    (
        "X-Twenty-Webhook-Signature",
        "Hex HMAC-SHA256, keyed with the webhook's secret, of `<timestamp>:<raw body>` (the "
        "timestamp header's value, a colon, the body's bytes as received). Compare in constant "
        "time.",
    ),
    ("X-Twenty-Webhook-Timestamp", "When this attempt was signed: milliseconds since the epoch"),
    ("X-Twenty-Webhook-Nonce", "32 random hex characters (not signed)"),
    ("X-Webhook-Event-Id", "The event's id, the same on every retry and replay: deduplicate on it"),
    ("X-Webhook-Attempt", "1 on the first delivery attempt, then 2, 3, …"),
)


def webhooks_section(objects: list[ObjectMeta]) -> dict[str, Any]:
    """`{"Person Created": {post: …}, …}` for every object and event."""
    return {
        f"{pascal(o.name_singular)} {action.capitalize()}": _event(o, action)
        for o in objects
        for action in ACTIONS
    }


def _event(item: ObjectMeta, action: str) -> dict[str, Any]:
    singular = item.name_singular
    event = f"{singular}.{action}"
    properties: dict[str, Any] = {
        "targetUrl": _TEXT,
        "eventName": {"type": "string", "const": event},
        "objectMetadata": obj(
            {"id": _UUID, "nameSingular": {"type": "string", "enum": [singular]}}
        ),
        "workspaceId": _UUID,
        "webhookId": _UUID,
        "eventDate": {"type": "string", "format": "date-time"},
        "record": schema_ref(schema_names(item)[2]),
    }
    if action == "updated":
        properties["updatedFields"] = array(_TEXT)
    return {
        "post": {
            "tags": [item.name_plural],
            "summary": f"Sent to webhooks subscribed to {event} (or {singular}.*, *.{action}, *.*)",
            "security": [],
            "parameters": [
                {
                    "name": name,
                    "in": "header",
                    "required": False,
                    "description": text,
                    "schema": _TEXT,
                }
                for name, text in _HEADERS
            ],
            "requestBody": {"content": {JSON: {"schema": obj(properties)}}},
            "responses": {
                "200": {
                    "description": "Any 2xx answer marks the event delivered; anything else, "
                    "or no answer within the timeout, is retried with backoff"
                }
            },
        }
    }
