"""The fault suite: hostile and unlucky conditions, each bounded in time.

Every test here is marked `fault` (select with `-m fault`, skip with `-m "not fault"`); `make
test` runs them. Hypothesis runs derandomized with a fixed example budget (the `fault`
settings profile), so a run is repeatable and its length known.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fault",
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/fault/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.fault)
