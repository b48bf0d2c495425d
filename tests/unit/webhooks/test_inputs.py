"""Webhook inputs: Twenty's normalisation, and the checks that make a typo a 400."""

from __future__ import annotations

import re

import pytest

from app.errors import InvalidTargetUrl, InvalidWebhookInput
from app.metadata import webhook_events as events
from app.webhooks import inputs, targets

OBJECTS = ["person", "company", "opportunity"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://Example.COM", "https://example.com/"),
        ("  http://example.com:80/a   b ", "http://example.com/a%20b"),
        ("HTTPS://x.io/hook?a=1#f", "https://x.io/hook?a=1#f"),
        ("http://[::1]:9/x", "http://[::1]:9/x"),
    ],
)
def test_target_urls_are_normalised_as_new_url_to_string(given: str, stored: str) -> None:
    assert targets.normalise(given) == stored


@pytest.mark.parametrize("bad", ["", "   ", "not a url", "ftp://x.io/", "mailto:a@b.c", "x" * 3000])
def test_only_http_urls_are_targets(bad: str) -> None:
    with pytest.raises(InvalidTargetUrl):
        targets.normalise(bad)


def test_create_fills_id_and_secret_and_dedupes_operations() -> None:
    spec = inputs.webhook_create(
        {"targetUrl": "https://x.io", "operations": ["person.*", " person.* ", "*.*"]}, OBJECTS
    )
    assert spec.operations == ["person.*", "*.*"]
    assert re.fullmatch(r"[0-9a-f]{64}", spec.secret)
    assert spec.id.version == 4
    assert spec.description is None
    blank = inputs.webhook_create(
        {"targetUrl": "https://x.io", "operations": ["*.*"], "secret": "  "}, OBJECTS
    )
    assert len(blank.secret) == 64


@pytest.mark.parametrize(
    ("operation", "hint"),
    [
        ("persn.created", "Did you mean 'person'?"),
        ("person.upserted", "Did you mean 'updated'?"),
        ("person.delete", "Did you mean 'deleted'?"),
        ("*", None),
        (".created", None),
        (5, None),
        ("metadata.object.created", None),
    ],
)
def test_operations_name_an_object_and_an_action(operation: object, hint: str | None) -> None:
    with pytest.raises(InvalidWebhookInput) as raised:
        inputs.webhook_create({"targetUrl": "https://x.io", "operations": [operation]}, OBJECTS)
    assert raised.value.hint == hint
    assert raised.value.context["field"] == "operations"
    if operation == "metadata.object.created":
        assert "record events only" in raised.value.message


def test_every_action_and_wildcard_is_accepted() -> None:
    operations = [f"person.{a}" for a in events.ACTIONS] + ["*.created", "company.*", "*.*"]
    spec = inputs.webhook_create({"targetUrl": "https://x.io", "operations": operations}, OBJECTS)
    assert spec.operations == operations


def test_update_keeps_what_is_absent_and_clears_a_null_description() -> None:
    assert inputs.webhook_update({}, OBJECTS) == {}
    assert inputs.webhook_update({"description": None, "targetUrl": None}, OBJECTS) == {
        "description": None
    }
    with pytest.raises(InvalidWebhookInput, match="Unknown webhook property 'id'"):
        inputs.webhook_update({"id": "x"}, OBJECTS)
