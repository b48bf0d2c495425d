"""schemathesis over the generated OpenAPI documents, against a live server on the test database.

Bounded and repeatable: hypothesis runs derandomized (a fixed seed per test), a few positive and
a few negative examples per operation, and the core document is cut to the objects that cover
every field type and both relation kinds (specimens, people, companies). Every case must pass
these checks (none excluded):

    not_a_server_error            no 5xx
    status_code_conformance       every status the server answers is documented
    content_type_conformance      and with the documented content type
    response_schema_conformance   the body matches the documented schema
    negative_data_rejection       a request the document calls invalid is refused (4xx)

(schemathesis' pytest integration does not run under this pytest version, so the operations
are driven here with hypothesis directly; every failure is collected and reported together.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.browser.conftest import LiveServer
from tests.contract.conftest import fetch_document
from tests.support import WorkspaceFixture

pytestmark = pytest.mark.contract

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 6}  # per operation
CORE_OBJECTS = r"^/(batch/)?(specimens|people|companies)(/|$)"


def _exercise(operation: Any, mode: GenerationMode, base_url: str, headers: dict[str, str]) -> Any:
    """A hypothesis test sending `EXAMPLES[mode]` cases of `operation`; `.sent` counts them."""

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case: Any) -> None:
        exercise.sent += 1  # type: ignore[attr-defined]
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    exercise.sent = 0  # type: ignore[attr-defined]
    return exercise


def run_document(
    schema: Any, server: LiveServer, workspace: WorkspaceFixture
) -> tuple[int, list[str]]:
    """(requests sent, failures) over every operation of `schema`, in both generation modes."""
    sent = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # the document's own route has its own server (the root); the rest live under `servers`
        own_route = operation.path.startswith("/open-api/")
        base_url = server.url if own_route else schema.raw_schema["servers"][0]["url"]
        for mode in EXAMPLES:
            exercise = _exercise(operation, mode, base_url, workspace.headers)
            try:
                exercise()
            except Unsatisfiable:
                pass  # nothing to make invalid (an operation without inputs)
            except (Exception, BaseExceptionGroup) as exc:  # collected: each operation runs
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
            sent += exercise.sent
    return sent, failures


# The key is the test's, never generated: a mangled Authorization is a 401 for any input, which
# would let every negative case pass without testing the input.
CONFIG = {"generation": {"with-security-parameters": False}}


def _schema(server: LiveServer, workspace: WorkspaceFixture, kind: str) -> Any:
    config = schemathesis.Config.from_dict(CONFIG)
    return schemathesis.openapi.from_dict(fetch_document(server, workspace, kind), config=config)


def test_core_api_keeps_its_document(
    live_server: LiveServer, contract_workspace: WorkspaceFixture
) -> None:
    schema = _schema(live_server, contract_workspace, "core").include(path_regex=CORE_OBJECTS)
    sent, failures = run_document(schema, live_server, contract_workspace)
    print(f"core: {sent} requests")
    assert not failures, "\n\n".join(failures)
    assert sent >= 100


def test_metadata_api_keeps_its_document(
    live_server: LiveServer, contract_workspace: WorkspaceFixture
) -> None:
    schema = _schema(live_server, contract_workspace, "metadata")
    sent, failures = run_document(schema, live_server, contract_workspace)
    print(f"metadata: {sent} requests")
    assert not failures, "\n\n".join(failures)
    assert sent >= 50
