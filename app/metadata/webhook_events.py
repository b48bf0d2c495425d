"""Webhook event names and how a webhook's `operations` match them, as Twenty has them.

An event is `<object nameSingular>.<action>` (`person.created`, `company.destroyed`). A webhook
receives it when its `operations` contain one of four patterns, compared as plain strings:

    person.created   *.created   person.*   *.*

Twenty's two exceptions are kept: `workflowRun.updated` matches only an exact subscription
(wildcards would flood receivers with run progress), and `timelineActivity` records, which
Twenty writes as a side effect of every change, never make events.
"""

from __future__ import annotations

from typing import Final

ACTIONS: Final = ("created", "updated", "deleted", "destroyed", "restored")
WILDCARD: Final = "*"
NO_EVENTS: Final = frozenset({"timelineActivity"})
EXACT_ONLY: Final = frozenset({"workflowRun.updated"})


def event_name(object_name: str, action: str) -> str:
    return f"{object_name}.{action}"


def patterns(object_name: str, action: str) -> tuple[str, ...]:
    """The subscriptions that receive `object_name.action` (none for objects without events)."""
    if object_name in NO_EVENTS:
        return ()
    name = event_name(object_name, action)
    if name in EXACT_ONLY:
        return (name,)
    return (name, f"*.{action}", f"{object_name}.*", "*.*")


def matches(operations: frozenset[str] | set[str], object_name: str, action: str) -> bool:
    return any(p in operations for p in patterns(object_name, action))
