"""The wire format, byte for byte: body key order, dates as JavaScript writes them, and the
signature over `<timestamp>:<body>` computed independently here."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta, timezone

from app.webhooks import wire
from app.webhooks.deliveries import Job

WORKSPACE = uuid.UUID("11111111-1111-4111-8111-111111111111")
WEBHOOK = uuid.UUID("22222222-2222-4222-8222-222222222222")
OBJECT = uuid.UUID("33333333-3333-4333-8333-333333333333")
EVENT = uuid.UUID("44444444-4444-4444-8444-444444444444")


def _job(**changes: object) -> Job:
    values: dict[str, object] = {
        "id": EVENT,
        "workspace_id": WORKSPACE,
        "webhook_id": WEBHOOK,
        "event_name": "person.updated",
        "object_metadata_id": OBJECT,
        "object_name": "person",
        "record": {"id": "r1", "name": {"firstName": "Zoë"}, "city": "Köln"},
        "updated_fields": ["city"],
        "event_date": datetime(2026, 12, 2, 10, 0, 0, 123456, tzinfo=UTC),
        "attempt": 3,
        "retry_from": datetime(2026, 12, 2, tzinfo=UTC),
        "target_url": "https://example.test/hook",
        "secret": "s3cr3t",
    }
    values.update(changes)
    return Job(**values)  # type: ignore[arg-type]


def test_body_is_compact_utf8_json_in_twentys_key_order() -> None:
    assert (
        wire.body(_job())
        == (
            '{"targetUrl":"https://example.test/hook","eventName":"person.updated",'
            '"objectMetadata":{"id":"33333333-3333-4333-8333-333333333333","nameSingular":"person"},'
            '"workspaceId":"11111111-1111-4111-8111-111111111111",'
            '"webhookId":"22222222-2222-4222-8222-222222222222",'
            '"eventDate":"2026-12-02T10:00:00.123Z",'
            '"record":{"id":"r1","name":{"firstName":"Zoë"},"city":"Köln"},"updatedFields":["city"]}'
        ).encode()
    )


def test_updated_fields_only_on_updates() -> None:
    created = wire.body(_job(event_name="person.created", updated_fields=None))
    assert b"updatedFields" not in created


def test_dates_are_utc_with_milliseconds_and_z() -> None:
    paris = timezone(timedelta(hours=1))
    assert wire.iso(datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=paris)) == "2026-01-02T02:04:05.006Z"


def test_headers_sign_timestamp_colon_body_with_the_secret() -> None:
    job = _job()
    body = wire.body(job)
    headers = wire.headers(job, body, now=1764669600.123)
    assert headers["X-Twenty-Webhook-Timestamp"] == "1764669600123"
    expected = hmac.new(b"s3cr3t", b"1764669600123:" + body, hashlib.sha256).hexdigest()
    assert headers["X-Twenty-Webhook-Signature"] == expected
    assert len(headers["X-Twenty-Webhook-Nonce"]) == 32
    assert headers["X-Webhook-Event-Id"] == str(EVENT)
    assert headers["X-Webhook-Attempt"] == "3"
    assert headers["Content-Type"] == "application/json"
    again = wire.headers(job, body, now=1764669600.123)
    assert again["X-Twenty-Webhook-Nonce"] != headers["X-Twenty-Webhook-Nonce"]
