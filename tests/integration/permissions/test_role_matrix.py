"""Role x operation x transport: what each role may do over REST, /graphql and the metadata APIs
(Note [permission rules] in app/catalog/access.py).

Roles: Admin (everything), Member (records, but no metadata changes), and custom roles written
to the database: no read on company; read but no update on person; `person.city` unreadable;
`person.jobTitle` not updatable; no destroy on opportunity. Each case states the answer; a
refused one must carry no data and change nothing (`census` before and after).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.metadata.helpers import create_object
from tests.integration.permissions.helpers import key_for, make_role, member_key
from tests.integration.rest.helpers import create_many
from tests.support import WorkspaceFixture, make_workspace

DENIED = "User does not have permission"

ROLES: dict[str, dict[str, Any]] = {
    "no_company_read": {"objects": {"company": {"read": False}}},
    "person_read_only": {"objects": {"person": {"update": False}}},
    "city_hidden": {"fields": {"person.city": {"read": False}}},
    "job_title_read_only": {"fields": {"person.jobTitle": {"update": False}}},
    "opportunity_no_destroy": {"objects": {"opportunity": {"destroy": False}}},
}


@dataclass
class World:
    client: httpx.AsyncClient
    keys: dict[str, WorkspaceFixture]
    ids: dict[str, str]

    async def fresh(self, plural: str, body: dict[str, Any]) -> str:
        [record] = await create_many(self.client, self.keys["admin"], plural, [body])
        record_id: str = record["id"]
        return record_id

    async def fill(self, text: str) -> str:
        """`{person}` and friends: the shared records; `{fresh_x}`: a new record of x."""
        if "{fresh_person}" in text:
            text = text.replace("{fresh_person}", await self.fresh("people", {"city": "Tmp"}))
        if "{fresh_opportunity}" in text:
            fresh = await self.fresh("opportunities", {"name": "Tmp"})
            text = text.replace("{fresh_opportunity}", fresh)
        for name, value in self.ids.items():
            text = text.replace("{" + name + "}", value)
        return text

    async def census(self) -> dict[str, Any]:
        """What a refused request must leave as it was, read with the Admin key."""
        response = await self.client.post(
            "/graphql",
            json={
                "query": await self.fill(
                    """{ people { totalCount } companies { totalCount }
                       opportunities { totalCount }
                       person(filter: {id: {eq: "{person}"}}) { city jobTitle deletedAt }
                       company(filter: {id: {eq: "{company}"}}) { name }
                       opportunity(filter: {id: {eq: "{opportunity}"}}) { name } }"""
                )
            },
            headers=self.keys["admin"].headers,
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body

    async def metadata_state(self) -> dict[str, Any]:
        response = await self.client.get(
            f"/rest/metadata/objects/{self.ids['custom_object']}",
            headers=self.keys["admin"].headers,
        )
        obj: dict[str, Any] = response.json()["data"]["object"]
        return {"label": obj["labelSingular"], "fields": len(obj["fields"])}


@pytest.fixture(scope="module")
async def world(db: Database, module_client: httpx.AsyncClient) -> World:
    admin = await make_workspace(db)
    keys = {"admin": admin, "member": await member_key(db, admin)}
    for label, grants in ROLES.items():
        keys[label] = await key_for(db, admin, await make_role(db, admin, label, **grants))
    [company] = await create_many(module_client, admin, "companies", [{"name": "Acme"}])
    people = await create_many(
        module_client,
        admin,
        "people",
        [
            {"city": "Paris", "jobTitle": "CTO", "companyId": company["id"]},
            {"city": "Oslo", "jobTitle": "CFO"},
        ],
    )
    [opportunity] = await create_many(
        module_client,
        admin,
        "opportunities",
        [{"name": "Deal", "companyId": company["id"], "pointOfContactId": people[0]["id"]}],
    )
    custom = await create_object(module_client, admin)
    ids = {
        "company": company["id"],
        "person": people[0]["id"],
        "person2": people[1]["id"],
        "opportunity": opportunity["id"],
        "custom_object": custom["id"],
    }
    return World(module_client, keys, ids)


# ---- REST ---------------------------------------------------------------------------------

OK, REFUSED = "ok", "refused"
PERSON = "/rest/people/{person}"
NEW_FIELD = {"objectMetadataId": "{custom_object}", "name": "extra", "label": "X", "type": "TEXT"}


def rest(
    role: str,
    method: str,
    path: str,
    body: Any = None,
    expect: str = OK,
    *,
    field: str | None = None,
    hidden: tuple[str, ...] = (),
    shown: tuple[str, ...] = (),
) -> Any:
    """One REST case: `hidden` keys must be absent from every record answered, `shown` present;
    a refusal names `field` when given."""
    return pytest.param(
        role, method, path, body, expect, field, hidden, shown, id=f"{role}:{method} {path}"
    )


REST_CASES = [
    # Admin: everything, metadata changes included.
    rest("admin", "GET", "/rest/companies/{company}", shown=("name",)),
    rest("admin", "GET", PERSON, shown=("city", "jobTitle")),
    rest("admin", "DELETE", "/rest/opportunities/{fresh_opportunity}"),
    rest("admin", "PATCH", "/rest/metadata/objects/{custom_object}", {"labelSingular": "Thing"}),
    # Member: records yes, metadata reads yes, metadata changes no.
    rest("member", "GET", PERSON, shown=("city", "jobTitle")),
    rest("member", "POST", "/rest/people", {"city": "Lyon", "jobTitle": "Dev"}),
    rest("member", "DELETE", "/rest/opportunities/{fresh_opportunity}"),
    rest("member", "GET", "/rest/metadata/objects"),
    rest("member", "GET", "/rest/metadata/objects/{custom_object}"),
    rest(
        "member", "PATCH", "/rest/metadata/objects/{custom_object}", {"labelSingular": "M"}, REFUSED
    ),
    rest("member", "POST", "/rest/metadata/fields", NEW_FIELD, REFUSED),
    rest("member", "DELETE", "/rest/metadata/objects/{custom_object}", None, REFUSED),
    # No read on company: every company operation, and any path into companies.
    rest("no_company_read", "GET", "/rest/companies", None, REFUSED),
    rest("no_company_read", "GET", "/rest/companies/{company}", None, REFUSED),
    rest("no_company_read", "POST", "/rest/companies", {"name": "X"}, REFUSED),
    rest("no_company_read", "PATCH", "/rest/companies/{company}", {"name": "X"}, REFUSED),
    rest("no_company_read", "DELETE", "/rest/companies/{company}", None, REFUSED),
    rest(
        "no_company_read", "GET", '/rest/companies/groupBy?group_by=[{"name":true}]', None, REFUSED
    ),
    rest("no_company_read", "POST", "/rest/companies/duplicates", {"ids": ["{company}"]}, REFUSED),
    rest("no_company_read", "GET", "/rest/people?filter=company.name[eq]:Acme", None, REFUSED),
    rest("no_company_read", "GET", PERSON + "?depth=1", hidden=("company",), shown=("companyId",)),
    rest(
        "no_company_read",
        "GET",
        "/rest/opportunities/{opportunity}?depth=1",
        hidden=("company",),
        shown=("pointOfContact",),
    ),
    # Read but no update on person.
    rest("person_read_only", "GET", PERSON, shown=("city",)),
    rest("person_read_only", "POST", "/rest/people", {"city": "X"}, REFUSED),
    rest("person_read_only", "POST", "/rest/batch/people", [{"city": "X"}], REFUSED),
    rest("person_read_only", "POST", "/rest/people?upsert=true", {"id": "{person}"}, REFUSED),
    rest("person_read_only", "PATCH", PERSON, {"city": "X"}, REFUSED),
    rest("person_read_only", "PATCH", "/rest/people?filter=city[eq]:Paris", {"city": "X"}, REFUSED),
    rest("person_read_only", "PATCH", PERSON + "/restore", None, REFUSED),
    rest(
        "person_read_only",
        "PATCH",
        "/rest/people/merge",
        {"ids": ["{person}", "{person2}"], "dryRun": True},
        REFUSED,
    ),
    rest("person_read_only", "DELETE", "/rest/people/{fresh_person}?soft_delete=true"),
    # `person.city` unreadable: left out of every record, refused wherever it is named.
    rest("city_hidden", "GET", PERSON, hidden=("city",), shown=("jobTitle",)),
    rest("city_hidden", "GET", "/rest/people", hidden=("city",), shown=("jobTitle",)),
    rest(
        "city_hidden",
        "GET",
        "/rest/opportunities/{opportunity}?depth=1",
        hidden=("pointOfContact.city",),
        shown=("pointOfContact.jobTitle",),
    ),
    rest("city_hidden", "POST", "/rest/people", {"jobTitle": "New"}, hidden=("city",)),
    rest("city_hidden", "PATCH", PERSON, {"jobTitle": "CTO"}, hidden=("city",)),
    rest("city_hidden", "POST", "/rest/people", {"city": "X"}, REFUSED, field="city"),
    rest("city_hidden", "GET", "/rest/people?filter=city[eq]:Paris", None, REFUSED, field="city"),
    rest("city_hidden", "GET", "/rest/people?order_by=city", None, REFUSED, field="city"),
    rest("city_hidden", "GET", "/rest/people?fields=city", None, REFUSED, field="city"),
    rest(
        "city_hidden",
        "GET",
        '/rest/people/groupBy?group_by=[{"city":true}]',
        None,
        REFUSED,
        field="city",
    ),
    rest(
        "city_hidden",
        "GET",
        '/rest/people/groupBy?group_by=[{"jobTitle":true}]&aggregate=["countEmptyCity"]',
        None,
        REFUSED,
        field="city",
    ),
    # `person.jobTitle` not updatable: every write naming it is refused, others pass.
    rest("job_title_read_only", "GET", PERSON, shown=("jobTitle",)),
    rest("job_title_read_only", "PATCH", PERSON, {"city": "Paris"}, shown=("jobTitle",)),
    rest(
        "job_title_read_only", "POST", "/rest/people", {"jobTitle": "X"}, REFUSED, field="jobTitle"
    ),
    rest(
        "job_title_read_only",
        "POST",
        "/rest/batch/people",
        [{"city": "A"}, {"jobTitle": "X"}],
        REFUSED,
        field="jobTitle",
    ),
    rest(
        "job_title_read_only",
        "POST",
        "/rest/people?upsert=true",
        {"id": "{person}", "jobTitle": "X"},
        REFUSED,
        field="jobTitle",
    ),
    rest("job_title_read_only", "PATCH", PERSON, {"jobTitle": "X"}, REFUSED, field="jobTitle"),
    rest(
        "job_title_read_only",
        "PATCH",
        "/rest/people?filter=city[eq]:Paris",
        {"jobTitle": "X"},
        REFUSED,
        field="jobTitle",
    ),
    # No destroy on opportunity: soft delete still works.
    rest("opportunity_no_destroy", "DELETE", "/rest/opportunities/{opportunity}", None, REFUSED),
    rest(
        "opportunity_no_destroy",
        "DELETE",
        "/rest/opportunities?filter=name[eq]:Deal",
        None,
        REFUSED,
    ),
    rest(
        "opportunity_no_destroy",
        "DELETE",
        "/rest/opportunities/{fresh_opportunity}?soft_delete=true",
    ),
]


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every record in a REST answer: `data.<key>` is one record or a list of them."""
    data = body.get("data")
    if isinstance(data, list):  # findDuplicates
        return []
    values = list(data.values()) if isinstance(data, dict) else []
    out: list[dict[str, Any]] = []
    for value in values:
        out.extend(value if isinstance(value, list) else [value])
    return [record for record in out if isinstance(record, dict)]


def _has(record: dict[str, Any], dotted: str) -> bool:
    head, _, rest_path = dotted.partition(".")
    if head not in record:
        return False
    return not rest_path or (isinstance(record[head], dict) and _has(record[head], rest_path))


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "expect", "field", "hidden", "shown"), REST_CASES
)
async def test_rest(
    world: World,
    role: str,
    method: str,
    path: str,
    body: Any,
    expect: str,
    field: str | None,
    hidden: tuple[str, ...],
    shown: tuple[str, ...],
) -> None:
    url = await world.fill(path)
    payload = json.loads(await world.fill(json.dumps(body))) if body is not None else None
    before = (await world.census(), await world.metadata_state())
    response = await world.client.request(
        method, url, json=payload, headers=world.keys[role].headers
    )
    answer = response.json()
    if expect == REFUSED:
        assert response.status_code == 400, answer
        assert answer["code"] == "PERMISSION_DENIED"
        assert answer["messages"][0].startswith(DENIED), answer
        if field is not None:
            assert f'field "{field}"' in answer["messages"][0]
        assert "data" not in answer
        assert (await world.census(), await world.metadata_state()) == before
        return
    assert response.status_code in (200, 201), answer
    records = _records(answer)
    assert records or not (hidden or shown), answer
    for record in records:
        assert not any(_has(record, key) for key in hidden), record
        assert all(_has(record, key) for key in shown), record


# ---- GraphQL ------------------------------------------------------------------------------


def gql(role: str, document: str, expect: str = OK, *, endpoint: str = "/graphql") -> Any:
    return pytest.param(role, endpoint, document, expect, id=f"{role}:{document[:60]}")


PEOPLE_BY_ID = 'filter: {id: {eq: "{person}"}}'
UPDATE_OBJECT = (
    'mutation { updateOneObject(input: {id: "{custom_object}", update: {labelSingular: "G"}}) '
    "{ id } }"
)

GRAPHQL_CASES = [
    gql("admin", "{ companies { edges { node { id name } } } }"),
    gql("admin", UPDATE_OBJECT, endpoint="/metadata"),
    gql("member", "{ people { totalCount edges { node { city jobTitle } } } }"),
    gql("member", "{ objects(paging: {first: 3}) { totalCount } }", endpoint="/metadata"),
    gql("member", UPDATE_OBJECT, REFUSED, endpoint="/metadata"),
    gql(
        "member",
        'mutation { deleteOneField(input: {id: "' + str(uuid.uuid4()) + '"}) { id } }',
        REFUSED,
        endpoint="/metadata",
    ),
    gql("no_company_read", "{ companies { totalCount } }", REFUSED),
    gql("no_company_read", '{ company(filter: {id: {eq: "{company}"}}) { id } }', REFUSED),
    gql("no_company_read", "{ people { edges { node { id company { name } } } } }", REFUSED),
    gql("no_company_read", "{ people { edges { node { id companyId } } } }"),
    gql(
        "no_company_read",
        '{ people(filter: {company: {name: {eq: "A"}}}) { totalCount } }',
        REFUSED,
    ),
    gql("no_company_read", 'mutation { createCompany(data: {name: "X"}) { id } }', REFUSED),
    gql("no_company_read", "{ companiesGroupBy(groupBy: [{name: true}]) { totalCount } }", REFUSED),
    gql("no_company_read", '{ companyDuplicates(ids: ["{company}"]) { totalCount } }', REFUSED),
    gql("person_read_only", "{ people { edges { node { city jobTitle } } } }"),
    gql("person_read_only", 'mutation { createPerson(data: {city: "X"}) { id } }', REFUSED),
    gql("person_read_only", 'mutation { createPeople(data: [{city: "X"}]) { id } }', REFUSED),
    gql(
        "person_read_only",
        'mutation { updatePerson(id: "{person}", data: {city: "X"}) { id } }',
        REFUSED,
    ),
    gql(
        "person_read_only",
        "mutation { updatePeople(" + PEOPLE_BY_ID + ', data: {city: "X"}) { id } }',
        REFUSED,
    ),
    gql("person_read_only", 'mutation { restorePerson(id: "{person}") { id } }', REFUSED),
    gql(
        "person_read_only",
        'mutation { mergePeople(ids: ["{person}", "{person2}"], conflictPriorityIndex: 0, '
        "dryRun: true) { id } }",
        REFUSED,
    ),
    gql("city_hidden", "{ people { edges { node { id jobTitle } } } }"),
    gql("city_hidden", "{ people { edges { node { city } } } }", REFUSED),
    gql("city_hidden", "{ people { countEmptyCity } }", REFUSED),
    gql("city_hidden", '{ people(filter: {city: {eq: "Paris"}}) { totalCount } }', REFUSED),
    gql("city_hidden", "{ people(orderBy: [{city: AscNullsFirst}]) { totalCount } }", REFUSED),
    gql(
        "city_hidden",
        "{ companies { edges { node { people { edges { node { city } } } } } } }",
        REFUSED,
    ),
    gql("city_hidden", "{ peopleGroupBy(groupBy: [{city: true}]) { totalCount } }", REFUSED),
    gql("city_hidden", 'mutation { createPerson(data: {jobTitle: "X"}) { id city } }', REFUSED),
    gql("job_title_read_only", 'mutation { createPerson(data: {city: "Rome"}) { id jobTitle } }'),
    gql("job_title_read_only", 'mutation { createPerson(data: {jobTitle: "X"}) { id } }', REFUSED),
    gql(
        "job_title_read_only",
        'mutation { updatePerson(id: "{person}", data: {jobTitle: "X"}) { id } }',
        REFUSED,
    ),
    gql(
        "job_title_read_only",
        "mutation { updatePeople(" + PEOPLE_BY_ID + ', data: {jobTitle: "X"}) { id } }',
        REFUSED,
    ),
    gql(
        "opportunity_no_destroy",
        'mutation { destroyOpportunity(id: "{opportunity}") { id } }',
        REFUSED,
    ),
    gql(
        "opportunity_no_destroy",
        'mutation { destroyOpportunities(filter: {id: {eq: "{opportunity}"}}) { id } }',
        REFUSED,
    ),
    gql(
        "opportunity_no_destroy", 'mutation { deleteOpportunity(id: "{fresh_opportunity}") { id } }'
    ),
]


@pytest.mark.parametrize(("role", "endpoint", "document", "expect"), GRAPHQL_CASES)
async def test_graphql(world: World, role: str, endpoint: str, document: str, expect: str) -> None:
    query = await world.fill(document)
    before = (await world.census(), await world.metadata_state())
    response = await world.client.post(
        endpoint, json={"query": query}, headers=world.keys[role].headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    if expect == OK:
        assert "errors" not in body, body
        assert all(value is not None for value in body["data"].values()), body
        return
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN", error
    assert error["message"].startswith(DENIED), error
    assert body["data"] is None or all(value is None for value in body["data"].values()), body
    assert (await world.census(), await world.metadata_state()) == before
