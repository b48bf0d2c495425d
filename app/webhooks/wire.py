"""What a receiver gets: Twenty's webhook body and signature headers, byte for byte.

    POST <targetUrl>
    Content-Type: application/json
    X-Twenty-Webhook-Timestamp: 1764662400123            (milliseconds since the epoch)
    X-Twenty-Webhook-Signature: hex HMAC-SHA256(secret, "<timestamp>:<body>")
    X-Twenty-Webhook-Nonce: 32 hex characters             (not signed)
    X-Webhook-Event-Id: <uuid>                            (ours: the same on every retry)
    X-Webhook-Attempt: 1                                  (ours)

    {"targetUrl":…,"eventName":"person.updated","objectMetadata":{"id":…,"nameSingular":…},
     "workspaceId":…,"webhookId":…,"eventDate":"2026-12-02T10:00:00.123Z","record":{…},
     "updatedFields":[…]}

The body is serialised once, compactly, in Twenty's key order, and those exact bytes are both
signed and sent, so a receiver written for Twenty (which signs `JSON.stringify(payload)`)
verifies ours unchanged. Each attempt is signed afresh with a new timestamp and nonce.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import orjson

from app.webhooks.deliveries import Job

EVENT_ID_HEADER = "X-Webhook-Event-Id"
ATTEMPT_HEADER = "X-Webhook-Attempt"


def iso(moment: datetime) -> str:
    """JavaScript's Date.toISOString(): UTC, milliseconds, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def body(job: Job) -> bytes:
    payload: dict[str, Any] = {
        "targetUrl": job.target_url,
        "eventName": job.event_name,
        "objectMetadata": {"id": str(job.object_metadata_id), "nameSingular": job.object_name},
        "workspaceId": str(job.workspace_id),
        "webhookId": str(job.webhook_id),
        "eventDate": iso(job.event_date),
        "record": job.record,
    }
    if job.updated_fields is not None:
        payload["updatedFields"] = job.updated_fields
    return orjson.dumps(payload)


def signature(secret: str, timestamp: str, content: bytes) -> str:
    message = timestamp.encode() + b":" + content
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(job: Job, content: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int((time.time() if now is None else now) * 1000))
    out = {"Content-Type": "application/json"}
    if job.secret:
        out["X-Twenty-Webhook-Timestamp"] = timestamp
        out["X-Twenty-Webhook-Signature"] = signature(job.secret, timestamp, content)
        out["X-Twenty-Webhook-Nonce"] = secrets.token_hex(16)
    out[EVENT_ID_HEADER] = str(job.id)
    out[ATTEMPT_HEADER] = str(job.attempt)
    return out
