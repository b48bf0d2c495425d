"""The `filter` parameter end to end: every REST operator on every field type it applies to.

One workspace is seeded once per module (companies, people, opportunities) and only read. A case
is `(object, filter, expected labels)`; `{acme}`-style placeholders are replaced by the ids of the
seeded records. Spec §1.3 and §2.3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.db.database import Database
from tests.integration.rest.helpers import assert_error, create_many, find_many, records_of
from tests.support import WorkspaceFixture, make_workspace

COMPANIES = [
    {
        "name": "Acme",
        "employees": 150,
        "idealCustomerProfile": True,
        "domainName": {
            "primaryLinkUrl": "https://acme.com",
            "primaryLinkLabel": "Acme",
            "secondaryLinks": [{"url": "https://blog.acme.com", "label": "blog"}],
        },
        "annualRecurringRevenue": {"amountMicros": 5_000_000_000, "currencyCode": "USD"},
        "address": {
            "addressStreet1": "1 Rue de Rivoli",
            "addressCity": "Paris",
            "addressCountry": "France",
            "addressPostcode": "75001",
            "addressLat": 48.8566,
            "addressLng": 2.3522,
        },
    },
    {
        "name": "Globex",
        "employees": 20,
        "idealCustomerProfile": False,
        "domainName": {"primaryLinkUrl": "https://globex.io"},
        "annualRecurringRevenue": {"amountMicros": 1_000_000, "currencyCode": "EUR"},
        "address": {
            "addressCity": "Springfield",
            "addressCountry": "United States",
            "addressLat": 39.78,
        },
    },
    {"name": "Initech"},
]


def people(company: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": {"firstName": "Ada", "lastName": "Lovelace"},
            "emails": {"primaryEmail": "ada@acme.com", "additionalEmails": ["ada@home.org"]},
            "city": "London",
            "jobTitle": "Engineer",
            "phones": {
                "primaryPhoneNumber": "612345678",
                "primaryPhoneCountryCode": "FR",
                "primaryPhoneCallingCode": "+33",
            },
            "linkedinLink": {"primaryLinkUrl": "https://linkedin.com/in/ada"},
            "companyId": company["Acme"],
            "position": 1,
        },
        {
            "name": {"firstName": "Alan", "lastName": "Turing"},
            "emails": {"primaryEmail": "alan@globex.io"},
            "city": "Manchester",
            "jobTitle": "Mathematician",
            "phones": {
                "primaryPhoneNumber": "7700900123",
                "primaryPhoneCountryCode": "GB",
                "primaryPhoneCallingCode": "+44",
            },
            "companyId": company["Globex"],
            "position": 2,
            "createdBy": {"source": "EMAIL"},
        },
        {
            "name": {"firstName": "Grace", "lastName": "Hopper"},
            "emails": {"primaryEmail": "grace@acme.com"},
            "city": "New York, NY",
            "jobTitle": "Rear Admiral",
            "phones": {
                "additionalPhones": [
                    {"number": "5551234", "countryCode": "US", "callingCode": "+1"}
                ]
            },
            "companyId": company["Acme"],
            "position": 3,
        },
        {
            "name": {"firstName": "Linus", "lastName": "Torvalds"},
            "city": None,
            "companyId": company["Initech"],
            "position": 4,
        },
        {
            "name": {"firstName": "Connor", "lastName": "O'Brien"},
            "emails": {"primaryEmail": "connor@example.org"},
            "city": "Dublin",
            "jobTitle": "100% engineer",
        },
    ]


def opportunities(company: dict[str, str], person: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": "Deal A",
            "closeDate": "2024-01-15T10:00:00.000Z",
            "stage": "NEW",
            "amount": {"amountMicros": 1_000_000, "currencyCode": "USD"},
            "companyId": company["Acme"],
            "pointOfContactId": person["Ada"],
        },
        {
            "name": "Deal B",
            "closeDate": "2024-06-01T00:00:00.000Z",
            "stage": "SCREENING",
            "amount": {"amountMicros": 50_000_000, "currencyCode": "EUR"},
            "companyId": company["Globex"],
        },
        {"name": "Deal C", "stage": "CUSTOMER"},
    ]


@dataclass(frozen=True)
class Seeded:
    workspace: WorkspaceFixture
    ids: dict[str, str]  # label -> id, over every object

    def fill(self, text: str) -> str:
        return text.format(**self.ids)


@pytest.fixture(scope="module")
async def seeded(module_client: httpx.AsyncClient, db: Database) -> Seeded:
    workspace = await make_workspace(db)
    companies = await create_many(module_client, workspace, "companies", COMPANIES)
    company = {c["name"]: c["id"] for c in companies}
    persons = await create_many(module_client, workspace, "people", people(company))
    person = {p["name"]["firstName"]: p["id"] for p in persons}
    deals = await create_many(
        module_client, workspace, "opportunities", opportunities(company, person)
    )
    ids = {**company, **person, **{d["name"].replace(" ", ""): d["id"] for d in deals}}
    return Seeded(workspace, {k.lower(): v for k, v in ids.items()})


def label(plural: str, record: dict[str, Any]) -> str:
    return record["name"]["firstName"] if plural == "people" else record["name"]


async def matching(client: httpx.AsyncClient, seeded: Seeded, plural: str, filter: str) -> set[str]:
    body = await find_many(client, seeded.workspace, plural, filter=seeded.fill(filter))
    records = records_of(body, plural)
    assert body["totalCount"] == len(records)
    return {label(plural, r) for r in records}


EVERYONE = {"Ada", "Alan", "Grace", "Linus", "Connor"}

PEOPLE_CASES = [
    # TEXT
    ('city[eq]:"London"', {"Ada"}),
    ("city[eq]:London", {"Ada"}),
    ("city[eq]:'London'", {"Ada"}),
    ('city[neq]:"London"', {"Alan", "Grace", "Connor"}),
    ('city[in]:["London","Dublin"]', {"Ada", "Connor"}),
    ("city[in]:[London,Dublin]", {"Ada", "Connor"}),
    ('city[eq]:"New York, NY"', {"Grace"}),
    ('city[in]:["New York, NY","Dublin"]', {"Grace", "Connor"}),
    ("city[is]:NULL", {"Linus"}),
    ('city[is]:"NOT_NULL"', EVERYONE - {"Linus"}),
    ('city[gt]:"Lz"', {"Alan", "Grace"}),
    ('city[lt]:"Lz"', {"Ada", "Connor"}),
    ('city[gte]:"Manchester"', {"Alan", "Grace"}),
    ('city[lte]:"London"', {"Ada", "Connor"}),
    ('jobTitle[startsWith]:"Math"', {"Alan"}),
    ('jobTitle[endsWith]:"Admiral"', {"Grace"}),
    ('jobTitle[like]:"%ngineer"', {"Ada", "Connor"}),
    ('jobTitle[like]:"%ENGINEER%"', set()),
    ('jobTitle[ilike]:"%ENGINEER%"', {"Ada", "Connor"}),
    ('jobTitle[startsWith]:"100%"', {"Connor"}),
    ('jobTitle[startsWith]:"1_0"', set()),
    ('jobTitle[eq]:""', {"Linus"}),
    # FULL_NAME
    ('name.firstName[eq]:"Ada"', {"Ada"}),
    ('name.lastName[ilike]:"%o%"', {"Ada", "Grace", "Linus", "Connor"}),
    ('name.lastName[eq]:"O\'Brien"', {"Connor"}),
    ("name.lastName[eq]:O'Brien", {"Connor"}),
    ('name.firstName[in]:["Ada","Alan"]', {"Ada", "Alan"}),
    # EMAILS
    ('emails.primaryEmail[eq]:"ada@acme.com"', {"Ada"}),
    ('emails.primaryEmail[endsWith]:"@acme.com"', {"Ada", "Grace"}),
    ('emails.primaryEmail[eq]:""', {"Linus"}),
    ('emails.additionalEmails[like]:"%home.org%"', {"Ada"}),
    # LINKS
    ('linkedinLink.primaryLinkUrl[startsWith]:"https://linkedin.com"', {"Ada"}),
    # PHONES
    ('phones.primaryPhoneCallingCode[eq]:"+44"', {"Alan"}),
    ("phones.primaryPhoneCountryCode[in]:[FR,GB]", {"Ada", "Alan"}),
    ('phones.additionalPhones[ilike]:"%5551234%"', {"Grace"}),
    # POSITION
    ("position[lte]:2", {"Ada", "Alan"}),
    ("position[gt]:2.5", {"Grace", "Linus"}),
    ("position[is]:NULL", {"Connor"}),
    # UUID: the primary key and a many-to-one join column
    ("id[eq]:{ada}", {"Ada"}),
    ('id[in]:["{ada}","{alan}"]', {"Ada", "Alan"}),
    ("id[neq]:{ada}", EVERYONE - {"Ada"}),
    ("companyId[eq]:{acme}", {"Ada", "Grace"}),
    ("companyId[in]:[{acme},{globex}]", {"Ada", "Alan", "Grace"}),
    ("companyId[neq]:{acme}", {"Alan", "Linus"}),
    ("companyId[is]:NULL", {"Connor"}),
    # ACTOR
    ("createdBy.source[eq]:EMAIL", {"Alan"}),
    ("createdBy.source[eq]:API", EVERYONE - {"Alan"}),
    ("createdBy.source[in]:[EMAIL,MANUAL]", {"Alan"}),
    ("createdBy.workspaceMemberId[is]:NULL", EVERYONE),
    # DATE_TIME on a system field
    ('createdAt[gt]:"2000-01-01"', EVERYONE),
    ("deletedAt[is]:NULL", EVERYONE),
    # conjunctions
    ('city[eq]:"London",jobTitle[eq]:"Engineer"', {"Ada"}),
    ('city[eq]:"London",jobTitle[eq]:"Nope"', set()),
    ('or(city[eq]:"London",city[eq]:"Dublin")', {"Ada", "Connor"}),
    ('and(companyId[eq]:{acme},not(name.firstName[eq]:"Ada"))', {"Grace"}),
    ("not(city[is]:NULL)", EVERYONE - {"Linus"}),
    ('not(city[eq]:"London")', EVERYONE - {"Ada"}),
    (
        'or(and(city[eq]:"London",position[eq]:1),and(city[eq]:"Dublin",position[is]:NULL))',
        {"Ada", "Connor"},
    ),
    # The spec's worked example, on person: and(text[gt]:"val,ue",or(number[is]:…,not(…)))
    ('and(city[gt]:"Lz,z",or(position[is]:NULL,not(city[startsWith]:"Man")))', {"Grace"}),
    (
        'and(city[gt]:"Lz,z",or(position[is]:NOT_NULL,not(city[startsWith]:"Man")))',
        {"Alan", "Grace"},
    ),
]


@pytest.mark.parametrize(("filter", "expected"), PEOPLE_CASES)
async def test_people_filter(
    client: httpx.AsyncClient, seeded: Seeded, filter: str, expected: set[str]
) -> None:
    assert await matching(client, seeded, "people", filter) == expected


COMPANY_CASES = [
    # NUMBER
    ("employees[eq]:20", {"Globex"}),
    ("employees[neq]:20", {"Acme"}),
    ("employees[gt]:100", {"Acme"}),
    ("employees[gte]:150", {"Acme"}),
    ("employees[lt]:150", {"Globex"}),
    ("employees[lte]:20", {"Globex"}),
    ("employees[in]:[20,150]", {"Acme", "Globex"}),
    ("employees[is]:NULL", {"Initech"}),
    ("employees[is]:NOT_NULL", {"Acme", "Globex"}),
    # BOOLEAN
    ("idealCustomerProfile[eq]:true", {"Acme"}),
    ("idealCustomerProfile[eq]:false", {"Globex", "Initech"}),
    ('idealCustomerProfile[eq]:"true"', {"Acme"}),
    ("idealCustomerProfile[neq]:true", {"Globex", "Initech"}),
    ("idealCustomerProfile[is]:NOT_NULL", {"Acme", "Globex", "Initech"}),
    # LINKS
    ('domainName.primaryLinkUrl[eq]:"https://globex.io"', {"Globex"}),
    ('domainName.primaryLinkLabel[eq]:"Acme"', {"Acme"}),
    ('domainName.secondaryLinks[like]:"%blog%"', {"Acme"}),
    # CURRENCY
    ("annualRecurringRevenue.amountMicros[gt]:1000000", {"Acme"}),
    ("annualRecurringRevenue.amountMicros[gte]:1000000", {"Acme", "Globex"}),
    ("annualRecurringRevenue.amountMicros[eq]:5000000000", {"Acme"}),
    ("annualRecurringRevenue.amountMicros[is]:NULL", {"Initech"}),
    ("annualRecurringRevenue.currencyCode[eq]:EUR", {"Globex"}),
    ("annualRecurringRevenue.currencyCode[in]:[EUR,USD]", {"Acme", "Globex"}),
    # ADDRESS
    ('address.addressCity[eq]:"Paris"', {"Acme"}),
    ('address.addressCountry[startsWith]:"United"', {"Globex"}),
    ('address.addressPostcode[ilike]:"75%"', {"Acme"}),
    ("address.addressLat[gt]:40", {"Acme"}),
    ("address.addressLat[lt]:40", {"Globex"}),
    ("address.addressLng[is]:NULL", {"Globex", "Initech"}),
    # TEXT on company
    ('name[in]:["Acme","Initech"]', {"Acme", "Initech"}),
]


@pytest.mark.parametrize(("filter", "expected"), COMPANY_CASES)
async def test_company_filter(
    client: httpx.AsyncClient, seeded: Seeded, filter: str, expected: set[str]
) -> None:
    assert await matching(client, seeded, "companies", filter) == expected


OPPORTUNITY_CASES = [
    # DATE_TIME
    ('closeDate[gt]:"2024-03-01T00:00:00Z"', {"Deal B"}),
    ('closeDate[lt]:"2024-03-01"', {"Deal A"}),
    ('closeDate[gte]:"2024-06-01T00:00:00.000Z"', {"Deal B"}),
    ('closeDate[lte]:"2024-01-15T10:00:00Z"', {"Deal A"}),
    ('closeDate[eq]:"2024-01-15T11:00:00+01:00"', {"Deal A"}),
    ('closeDate[neq]:"2024-01-15T10:00:00Z"', {"Deal B"}),
    ('closeDate[in]:["2024-01-15T10:00:00Z","2024-06-01T00:00:00Z"]', {"Deal A", "Deal B"}),
    ("closeDate[is]:NULL", {"Deal C"}),
    # SELECT
    ("stage[eq]:NEW", {"Deal A"}),
    ('stage[eq]:"NEW"', {"Deal A"}),
    ("stage[neq]:NEW", {"Deal B", "Deal C"}),
    ('stage[in]:[NEW,"SCREENING"]', {"Deal A", "Deal B"}),
    ("stage[is]:NOT_NULL", {"Deal A", "Deal B", "Deal C"}),
    # CURRENCY and a second join column
    ("amount.amountMicros[lt]:2000000", {"Deal A"}),
    ("amount.currencyCode[eq]:EUR", {"Deal B"}),
    ("pointOfContactId[eq]:{ada}", {"Deal A"}),
    ("pointOfContactId[is]:NULL", {"Deal B", "Deal C"}),
]


@pytest.mark.parametrize(("filter", "expected"), OPPORTUNITY_CASES)
async def test_opportunity_filter(
    client: httpx.AsyncClient, seeded: Seeded, filter: str, expected: set[str]
) -> None:
    assert await matching(client, seeded, "opportunities", filter) == expected


# ---- refusals ------------------------------------------------------------------------------

INVALID_VALUES = [
    ("companies", "employees[eq]:abc", "employees"),
    ("companies", "employees[gt]:1e400", "employees"),
    ("companies", "idealCustomerProfile[eq]:maybe", "idealCustomerProfile"),
    ("opportunities", 'closeDate[eq]:"not-a-date"', "closeDate"),
    ("opportunities", 'closeDate[gt]:"2024-02-30"', "closeDate"),
    ("opportunities", "stage[eq]:BOGUS", "enum value 'BOGUS' not available in 'stage'"),
    ("opportunities", "stage[in]:[NEW,BOGUS]", "enum value 'BOGUS' not available in 'stage'"),
    ("people", "id[eq]:not-a-uuid", "id"),
    ("people", "companyId[in]:[not-a-uuid]", "companyId"),
    ("people", "createdBy.source[eq]:NOPE", "createdBy.source"),
    ("companies", "annualRecurringRevenue.amountMicros[gt]:lots", "amountMicros"),
]


@pytest.mark.parametrize(("plural", "filter", "named"), INVALID_VALUES)
async def test_filter_value_of_the_wrong_type_returns_400_naming_the_field(
    client: httpx.AsyncClient, seeded: Seeded, plural: str, filter: str, named: str
) -> None:
    response = await client.get(
        f"/rest/{plural}", params={"filter": filter}, headers=seeded.workspace.headers
    )
    body = assert_error(response, 400, code="INVALID_FIELD_VALUE")
    assert named in body["messages"][0]


OPERATOR_NOT_FOR_TYPE = [
    ("companies", "employees[like]:1%"),
    ("companies", "employees[startsWith]:1"),
    ("companies", "idealCustomerProfile[gt]:true"),
    ("companies", "idealCustomerProfile[in]:[true]"),
    ("opportunities", 'closeDate[ilike]:"2024%"'),
    ("opportunities", "stage[gt]:NEW"),
    ("opportunities", "stage[containsAny]:[NEW]"),
    ("people", "id[like]:abc%"),
    ("people", "city[containsAny]:[London]"),
]


@pytest.mark.parametrize(("plural", "filter"), OPERATOR_NOT_FOR_TYPE)
async def test_operator_not_defined_for_the_field_type_returns_400(
    client: httpx.AsyncClient, seeded: Seeded, plural: str, filter: str
) -> None:
    response = await client.get(
        f"/rest/{plural}", params={"filter": filter}, headers=seeded.workspace.headers
    )
    body = assert_error(response, 400, code="INVALID_FILTER")
    operator = filter.split("[")[1].split("]")[0]
    assert f"'{operator}' cannot be used on" in body["messages"][0]


async def test_filter_on_unknown_field_returns_400_with_suggestion(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(
        "/rest/people", params={"filter": 'cty[eq]:"London"'}, headers=seeded.workspace.headers
    )
    body = assert_error(response, 400, code="FIELD_NOT_FOUND")
    assert "'cty'" in body["messages"][0]
    assert body["hint"] == "Did you mean 'city'?"


async def test_filter_on_unknown_composite_sub_field_returns_400_with_suggestion(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(
        "/rest/people",
        params={"filter": 'name.firstname[eq]:"Ada"'},
        headers=seeded.workspace.headers,
    )
    body = assert_error(response, 400, code="FIELD_NOT_FOUND")
    assert "name.firstname" in body["messages"][0]
    assert body["hint"] == "Did you mean 'firstName'?"


async def test_filter_on_a_composite_without_sub_field_returns_400(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(
        "/rest/people", params={"filter": 'name[eq]:"Ada"'}, headers=seeded.workspace.headers
    )
    body = assert_error(response, 400, code="FIELD_NOT_FOUND")
    assert "name.firstName" in body["messages"][0]


@pytest.mark.parametrize(
    "filter",
    ["company[eq]:{acme}", "pointOfContactForOpportunitiesId[eq]:{acme}", "people[is]:NULL"],
)
async def test_filter_on_a_relation_name_or_a_one_to_many_id_returns_400(
    client: httpx.AsyncClient, seeded: Seeded, filter: str
) -> None:
    plural = "companies" if filter.startswith("people") else "people"
    response = await client.get(
        f"/rest/{plural}", params={"filter": seeded.fill(filter)}, headers=seeded.workspace.headers
    )
    body = assert_error(response, 400, code="FIELD_NOT_FOUND")
    assert filter.split("[")[0] in body["messages"][0]


async def test_regex_comparator_is_refused_with_twentys_message(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(
        "/rest/people", params={"filter": "city[regex]:Lon.*"}, headers=seeded.workspace.headers
    )
    body = assert_error(response, 400, code="INVALID_FILTER", contains="comparator regex not in")
    assert body["error"] == "BadRequestException"


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        ("and(city[eq]:x", "'filter' invalid. 1 close bracket is missing in the query"),
        ("city[eq]:x)", "'filter' invalid. 1 open bracket is missing in the query"),
        (
            "not(city[eq]:x,city[eq]:y)",
            "'filter' invalid. 'not' conjunction should contain only 1 condition. "
            "eg: not(field[eq]:1)",
        ),
        ("city", "'filter' invalid for 'city'. eg: price[gte]:10"),
        (
            "city[in]:London",
            "'filter' invalid for 'in' operator. Received 'London' but array value expected "
            "eg: 'field[in]:[value_1,value_2]'",
        ),
    ],
)
async def test_malformed_filter_returns_twentys_message(
    client: httpx.AsyncClient, seeded: Seeded, filter: str, message: str
) -> None:
    response = await client.get(
        "/rest/people", params={"filter": filter}, headers=seeded.workspace.headers
    )
    assert_error(response, 400, code="INVALID_FILTER", message=message)


async def test_pattern_with_a_nul_character_returns_400_naming_the_field(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(
        "/rest/people",
        params={"filter": "jobTitle[startsWith]:a\x00b"},
        headers=seeded.workspace.headers,
    )
    assert_error(response, 400, code="INVALID_FIELD_VALUE", contains="'jobTitle'")
