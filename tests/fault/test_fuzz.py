"""Property-based fuzzing (Hypothesis) of a real server process: REST parameters, record bodies
for every field type, and GraphQL documents. Whatever is sent, the server answers below 500,
within REQUEST_BOUND, and /healthz keeps answering; a write it accepts leaves the object
readable. The bounds are liveness guards (a stalled event loop), not speed assertions.

Runs derandomized with a fixed budget of examples (the `fault` profile in conftest.py)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fault.support import START_DEADLINE, free_port, serve_command, server_environment
from tests.support import WorkspaceFixture

REQUEST_BOUND = 15.0  # seconds: far above any answer, far below a stall

# ---- the server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_server(database_url: str) -> Iterator[str]:
    port = free_port()
    env = server_environment(database_url, LOG_LEVEL="critical")
    process = subprocess.Popen(serve_command(port), env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("fuzz server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def http(fuzz_server: str, workspace: WorkspaceFixture) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fuzz_server, headers=workspace.headers, timeout=REQUEST_BOUND) as c:
        yield c


def answered(response: httpx.Response, http: httpx.Client) -> None:
    """No 5xx, and the server still answers its health check (the event loop is free)."""
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert "INTERNAL_SERVER_ERROR" not in response.text, response.text[:500]
    assert http.get("/healthz", timeout=REQUEST_BOUND).status_code == 200


# ---- values ----------------------------------------------------------------------------

TRICKY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "'",
        '"',
        "\\",
        "%",
        "_",
        "[]",
        "()",
        ",",
        ":",
        "NULL",
        "NOT_NULL",
        "1e400",
        "-1e400",
        "NaN",
        "Infinity",
        "12345678901234567890.12345678901",
        "9" * 400,
        "2024-13-45",
        "0000-00-00T00:00:00Z",
        "00000000-0000-0000-0000-000000000000",
        "not-a-uuid",
        "🙂" * 10,
        "x" * 5000,
        "RATING_3",
        "NEW",
        "true",
        "false",
    ]
)
TEXT = st.one_of(TRICKY_TEXT, st.text(max_size=30))
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([2**63, 2**63 - 1, -(2**63), 2**64, 1e308, -1e308, 5e-324, 0.1]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)

# ---- REST parameters -------------------------------------------------------------------

PATHS = st.sampled_from(
    [
        "id",
        "name",
        "name.firstName",
        "emails.primaryEmail",
        "city",
        "jobTitle",
        "createdAt",
        "position",
        "company.name",
        "company.employees",
        "companyId",
        "deletedAt",
        "nope",
        "name.nope",
        "avatarUrl",
        "phones.primaryPhoneNumber",
        "searchVector",
    ]
)
OPERATORS = st.sampled_from(
    [
        "eq",
        "neq",
        "in",
        "containsAny",
        "is",
        "gt",
        "gte",
        "lt",
        "lte",
        "startsWith",
        "like",
        "ilike",
        "endsWith",
        "nope",
    ]
)


@st.composite
def conditions(draw: st.DrawFn) -> str:
    op = draw(OPERATORS)
    value = draw(TEXT).replace("&", "")
    if op in ("in", "containsAny"):
        value = "[" + ",".join(draw(st.lists(TEXT, max_size=4))) + "]"
    return f"{draw(PATHS)}[{op}]:{value}"


FILTERS = st.recursive(
    conditions(),
    lambda inner: st.builds(
        lambda kind, parts: f"{kind}({','.join(parts)})",
        st.sampled_from(["and", "or", "not"]),
        st.lists(inner, min_size=1, max_size=3),
    ),
    max_leaves=8,
)
ORDER = st.lists(
    st.builds(
        lambda p, d: f"{p}{d}",
        PATHS,
        st.sampled_from(["", "[AscNullsFirst]", "[DescNullsLast]", "[Sideways]", "["]),
    ),
    min_size=1,
    max_size=4,
).map(",".join)
PARAMETERS = st.fixed_dictionaries(
    {},
    optional={
        "filter": st.one_of(FILTERS, TEXT),
        "order_by": st.one_of(ORDER, TEXT),
        "limit": st.one_of(st.integers(-5, 10**12).map(str), TEXT),
        "depth": st.sampled_from(["0", "1", "2", "-1", "x"]),
        "fields": st.one_of(st.lists(PATHS, max_size=4).map(",".join), TEXT),
        "starting_after": TEXT,
        "ending_before": TEXT,
        "omit_null_values": st.sampled_from(["true", "false", "True", ""]),
        "soft_delete": TEXT,
        "bogus": TEXT,
    },
)


@settings(settings.get_profile("fault"), max_examples=100)
@given(params=PARAMETERS, path=st.sampled_from(["/rest/people", "/rest/companies/groupBy"]))
def test_rest_parameters_never_fail_the_server(
    http: httpx.Client, params: dict[str, str], path: str
) -> None:
    if path.endswith("groupBy"):
        params = {**params, "group_by": '[{"jobTitle": true}]'}
        params.pop("depth", None)
    answered(http.get(path, params=params), http)


# ---- record bodies, every field type ---------------------------------------------------

# (object, field) pairs covering every writable field type of the standard objects.
FIELDS = [
    ("people", "name"),  # FULL_NAME
    ("people", "emails"),  # EMAILS
    ("people", "phones"),  # PHONES
    ("people", "jobTitle"),  # TEXT
    ("people", "city"),  # TEXT
    ("people", "avatarUrl"),  # TEXT
    ("people", "position"),  # POSITION
    ("people", "companyId"),  # RELATION (join column)
    ("people", "createdBy"),  # ACTOR
    ("people", "linkedinLink"),  # LINKS
    ("companies", "employees"),  # NUMBER
    ("companies", "annualRecurringRevenue"),  # CURRENCY
    ("companies", "address"),  # ADDRESS
    ("companies", "idealCustomerProfile"),  # BOOLEAN
    ("opportunities", "stage"),  # SELECT
    ("opportunities", "closeDate"),  # DATE_TIME
    ("opportunities", "amount"),  # CURRENCY
    ("tasks", "status"),  # SELECT
    ("tasks", "bodyV2"),  # RICH_TEXT_V2
    ("tasks", "dueAt"),  # DATE_TIME
    ("timelineActivities", "properties"),  # RAW_JSON
    ("timelineActivities", "happensAt"),  # DATE_TIME
    ("workspaceMembers", "colorScheme"),  # TEXT
    ("attachments", "fileCategory"),  # SELECT
    ("people", "nope"),  # unknown
]
SUB_FIELDS = st.sampled_from(
    [
        "firstName",
        "lastName",
        "primaryEmail",
        "additionalEmails",
        "amountMicros",
        "currencyCode",
        "addressLat",
        "addressCity",
        "primaryLinkUrl",
        "secondaryLinks",
        "primaryPhoneNumber",
        "source",
        "context",
        "blocknote",
        "markdown",
        "nope",
    ]
)
VALUES = st.one_of(JSON, st.dictionaries(SUB_FIELDS, JSON, max_size=4))


@settings(settings.get_profile("fault"), max_examples=200)
@given(target=st.sampled_from(FIELDS), value=VALUES)
def test_bodies_of_every_field_type_never_fail_or_poison(
    http: httpx.Client, target: tuple[str, str], value: Any
) -> None:
    plural, field = target
    created = http.post(f"/rest/{plural}", json={field: value})
    answered(created, http)
    if created.status_code == 201:  # whatever was stored must read back
        listed = http.get(f"/rest/{plural}?limit=200")
        assert listed.status_code == 200, listed.text[:500]
        graphql = http.post(
            "/graphql", json={"query": f"{{ {plural}(first: 200) {{ totalCount }} }}"}
        )
        assert graphql.status_code == 200 and "errors" not in graphql.json(), graphql.text[:500]


# ---- GraphQL documents -----------------------------------------------------------------

NAMES = st.sampled_from(
    [
        "id",
        "name { firstName lastName }",
        "emails { primaryEmail }",
        "city",
        "createdAt",
        "company { id name employees }",
        "nope",
        "__typename",
        "position",
        "jobTitle",
        "companyId",
        "searchVector",
    ]
)


def literal(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{k}: {literal(v)}" for k, v in value.items() if k.isidentifier())
            + "}"
        )
    return str(value)


ARGUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "first": st.integers(-10, 10**9),
        "last": st.integers(-10, 300),
        "after": TEXT,
        "filter": st.dictionaries(
            st.sampled_from(["id", "city", "name", "and", "or", "not", "createdAt", "nope"]),
            st.one_of(JSON, st.dictionaries(OPERATORS, JSON, max_size=2)),
            max_size=3,
        ),
        "orderBy": st.lists(
            st.dictionaries(
                st.sampled_from(["city", "createdAt", "name", "nope"]),
                st.sampled_from(["AscNullsFirst", "DescNullsLast", "Sideways"]),
                max_size=1,
            ),
            max_size=3,
        ),
    },
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    root = draw(st.sampled_from(["people", "companies", "person", "createPerson", "nope"]))
    arguments = draw(ARGUMENTS)
    if root == "createPerson":
        keys = st.sampled_from(["city", "jobTitle", "position", "nope"])
        arguments = {"data": draw(st.dictionaries(keys, JSON, max_size=3))}
    args = ", ".join(f"{k}: {literal(v)}" for k, v in arguments.items())
    fields = " ".join(draw(st.lists(NAMES, min_size=1, max_size=5)))
    aliases = draw(st.integers(1, 3))
    if root in ("people", "companies"):
        selection = f"totalCount edges {{ node {{ {fields} }} }}"
    else:
        selection = fields
    call = f"{root}({args})" if args else root
    body = " ".join(f"a{i}: {call} {{ {selection} }}" for i in range(aliases))
    operation = "mutation" if root == "createPerson" else "query"
    return f"{operation} {{ {body} }}"


@settings(settings.get_profile("fault"), max_examples=150)
@given(document=st.one_of(documents(), TEXT))
def test_graphql_documents_never_fail_the_server(http: httpx.Client, document: str) -> None:
    answered(http.post("/graphql", json={"query": document}), http)
