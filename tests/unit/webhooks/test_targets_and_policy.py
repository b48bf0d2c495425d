"""Which addresses a webhook may reach (Note [webhook targets]), how events match operations,
and the retry schedule."""

from __future__ import annotations

import ipaddress
import re

import pytest

from app.errors import InvalidTargetUrl
from app.metadata import webhook_events as events
from app.webhooks import targets
from app.webhooks.worker import DeliveryPolicy


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.100.100.200", False),  # shared address space (a metadata endpoint too)
        ("0.0.0.0", False),
        ("224.0.0.1", False),  # multicast
        ("::1", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_only_public_unicast_addresses_are_targets(address: str, public: bool) -> None:
    assert targets.is_public(ipaddress.ip_address(address)) is public


async def test_a_literal_internal_address_is_refused_unless_allowed() -> None:
    with pytest.raises(InvalidTargetUrl, match=re.escape("10.0.0.8, a private address")):
        await targets.check("http://10.0.0.8/x", allow_private=False)
    await targets.check("http://10.0.0.8/x", allow_private=True)
    await targets.check("https://8.8.8.8/x", allow_private=False)


@pytest.mark.parametrize(
    ("operations", "event", "matched"),
    [
        ({"*.*"}, ("person", "created"), True),
        ({"person.*"}, ("person", "destroyed"), True),
        ({"*.restored"}, ("company", "restored"), True),
        ({"person.created"}, ("person", "created"), True),
        ({"person.created"}, ("person", "updated"), False),
        ({"company.*"}, ("person", "created"), False),
        ({"*.*"}, ("workflowRun", "updated"), False),  # Twenty: exact subscriptions only
        ({"workflowRun.updated"}, ("workflowRun", "updated"), True),
        ({"*.*"}, ("workflowRun", "created"), True),
        ({"*.*", "timelineActivity.created"}, ("timelineActivity", "created"), False),
    ],
)
def test_matching_is_twentys(operations: set[str], event: tuple[str, str], matched: bool) -> None:
    assert events.matches(operations, *event) is matched


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = DeliveryPolicy(backoff_base=10, backoff_max=3600)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (9, 2560), (10, 3600), (60, 3600)]:
        delays = [policy.retry_delay(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1
    assert policy.lease > 2 * policy.timeout
