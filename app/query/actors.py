"""Who a write is attributed to: the `createdBy` value the engine stamps on new records."""

from __future__ import annotations

from typing import Any


def api_key_actor(key_name: str) -> dict[str, Any]:
    """createdBy for API-key traffic (Twenty: source API, no workspace member)."""
    return {"source": "API", "workspaceMemberId": None, "name": key_name, "context": {}}
