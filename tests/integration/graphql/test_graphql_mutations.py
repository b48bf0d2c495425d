"""Core GraphQL writes: the same rules as REST (createdBy, batch limit, empty-filter guards)."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.graphql.helpers import data, first_error, nodes
from tests.support import WorkspaceFixture


async def test_create_one_stamps_created_by_and_returns_the_selection(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    result = await data(
        client,
        workspace,
        """mutation { createPerson(data: {name: {firstName: "Ada", lastName: "L"},
                                         emails: {primaryEmail: "ada@EXAMPLE.com"}}) {
             id name { firstName lastName } emails { primaryEmail additionalEmails }
             jobTitle createdBy { source workspaceMemberId name } deletedAt } }""",
    )
    person = result["createPerson"]
    assert person["name"] == {"firstName": "Ada", "lastName": "L"}
    assert person["emails"]["primaryEmail"] == "ada@example.com"
    assert person["jobTitle"] == ""
    assert person["createdBy"] == {"source": "API", "workspaceMemberId": None, "name": "test"}
    assert person["deletedAt"] is None


async def test_client_supplied_created_by_source_is_kept(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    result = await data(
        client,
        workspace,
        'mutation { createCompany(data: {name: "Imported", createdBy: {source: IMPORT}}) {'
        " createdBy { source } } }",
    )
    assert result["createCompany"]["createdBy"] == {"source": "IMPORT"}


async def test_create_many_refuses_more_records_than_the_batch_limit(
    client: httpx.AsyncClient, workspace: WorkspaceFixture
) -> None:
    error = await first_error(
        client,
        workspace,
        "mutation($d: [CompanyCreateInput!]!) { createCompanies(data: $d) { id } }",
        {"d": [{"name": f"c{i}"} for i in range(61)]},
    )
    assert error["message"] == "Maximum number of records to upsert is 60."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["appCode"] == "TOO_MANY_RECORDS"


async def test_create_many_returns_records_with_their_relations_in_input_order(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    company = await data(
        client, fresh_workspace, 'mutation { createCompany(data: {name: "Acme"}) { id } }'
    )
    result = await data(
        client,
        fresh_workspace,
        """mutation($c: UUID) { createPeople(data: [{city: "A", companyId: $c}, {city: "B"}]) {
             city company { name people { totalCount } } } }""",
        {"c": company["createCompany"]["id"]},
    )
    assert result["createPeople"] == [
        {"city": "A", "company": {"name": "Acme", "people": {"totalCount": 1}}},
        {"city": "B", "company": None},
    ]


async def test_upsert_on_id_and_on_a_named_unique_field(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await data(
        client,
        fresh_workspace,
        'mutation { createPerson(data: {city: "Old", emails: {primaryEmail: "u@x.io"}}) { id } }',
    )
    person_id = created["createPerson"]["id"]
    by_id = await data(
        client,
        fresh_workspace,
        f'mutation {{ createPerson(data: {{id: "{person_id}", city: "New"}}, upsert: true) {{'
        " id city } }",
    )
    assert by_id["createPerson"] == {"id": person_id, "city": "New"}
    by_email = await data(
        client,
        fresh_workspace,
        """mutation { createPeople(data: [{emails: {primaryEmail: "u@x.io"}, city: "Newer"},
                                         {emails: {primaryEmail: "v@x.io"}, city: "Fresh"}],
                                   upsert: true, upsertOn: "emails.primaryEmail") { id city } }""",
    )
    assert by_email["createPeople"][0] == {"id": person_id, "city": "Newer"}
    assert by_email["createPeople"][1]["id"] != person_id
    total = await data(client, fresh_workspace, "{ people { totalCount } }")
    assert total["people"]["totalCount"] == 2


async def test_update_one_and_many(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    created = await data(
        client,
        fresh_workspace,
        'mutation { createPeople(data: [{city: "Lyon"}, {city: "Lyon"}, {city: "Nice"}]) { id } }',
    )
    first = created["createPeople"][0]["id"]
    one = await data(
        client,
        fresh_workspace,
        f'mutation {{ updatePerson(id: "{first}", data: {{jobTitle: "CEO"}}) {{'
        " id jobTitle city } }",
    )
    assert one["updatePerson"] == {"id": first, "jobTitle": "CEO", "city": "Lyon"}
    many = await data(
        client,
        fresh_workspace,
        'mutation { updatePeople(filter: {city: {eq: "Lyon"}}, data: {city: "Lille"}) {'
        " id city } }",
    )
    assert sorted(p["city"] for p in many["updatePeople"]) == ["Lille", "Lille"]
    missing = await first_error(
        client,
        fresh_workspace,
        'mutation { updatePerson(id: "00000000-0000-4000-8000-000000000000", data: {city: "X"}) {'
        " id } }",
    )
    assert missing["extensions"]["code"] == "NOT_FOUND"
    assert missing["message"] == "Record not found"


@pytest.mark.parametrize(
    "mutation",
    [
        'updatePeople(filter: {}, data: {city: "X"}) { id }',
        "deletePeople(filter: {}) { id }",
        "destroyPeople(filter: {}) { id }",
        "restorePeople(filter: {}) { id }",
        "destroyPeople(filter: {and: [], or: []}) { id }",
    ],
)
async def test_bulk_writes_refuse_an_empty_filter(
    client: httpx.AsyncClient, workspace: WorkspaceFixture, mutation: str
) -> None:
    error = await first_error(client, workspace, f"mutation {{ {mutation} }}")
    assert error["message"] == "A non-empty filter is required"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["subCode"] == "INVALID_QUERY_INPUT"
    assert error["extensions"]["appCode"] == "FILTER_REQUIRED"


async def test_delete_restore_and_destroy_lifecycle(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    created = await data(
        client, ws, 'mutation { createPeople(data: [{city: "A"}, {city: "B"}]) { id } }'
    )
    a, b = (p["id"] for p in created["createPeople"])
    deleted = await data(
        client, ws, 'mutation { deletePeople(filter: {city: {in: ["A", "B"]}}) { id deletedAt } }'
    )
    assert {p["id"] for p in deleted["deletePeople"]} == {a, b}
    assert all(p["deletedAt"] for p in deleted["deletePeople"])
    assert (await data(client, ws, "{ people { totalCount } }"))["people"]["totalCount"] == 0

    restored = await data(
        client, ws, f'mutation {{ restorePerson(id: "{a}") {{ id deletedAt city }} }}'
    )
    assert restored["restorePerson"] == {"id": a, "deletedAt": None, "city": "A"}
    again = await data(
        client, ws, 'mutation { restorePeople(filter: {city: {eq: "B"}}) { id deletedAt } }'
    )
    assert again["restorePeople"] == [{"id": b, "deletedAt": None}]

    destroyed = await data(client, ws, f'mutation {{ destroyPerson(id: "{a}") {{ id city }} }}')
    assert destroyed["destroyPerson"] == {"id": a, "city": "A"}
    await data(client, ws, f'mutation {{ deletePerson(id: "{b}") {{ id }} }}')
    gone = await data(
        client,
        ws,
        "mutation { destroyPeople(filter: {deletedAt: {is: NOT_NULL}}) { id } }",
    )
    assert gone["destroyPeople"] == [{"id": b}]
    after = await data(
        client, ws, "{ people(filter: {not: {deletedAt: {is: NULL}}}) { totalCount } }"
    )
    assert after["people"]["totalCount"] == 0
    missing = await first_error(client, ws, f'mutation {{ deletePerson(id: "{a}") {{ id }} }}')
    assert missing["extensions"]["code"] == "NOT_FOUND"


async def test_duplicates_and_merge(
    client: httpx.AsyncClient, fresh_workspace: WorkspaceFixture
) -> None:
    ws = fresh_workspace
    created = await data(
        client,
        ws,
        """mutation { createPeople(data: [
             {name: {firstName: "John", lastName: "Doe"}, city: "Paris"},
             {name: {firstName: "John", lastName: "Doe"}, jobTitle: "CTO"},
             {name: {firstName: "Jane", lastName: "Roe"}}]) { id } }""",
    )
    john, twin, _jane = (p["id"] for p in created["createPeople"])
    found = await data(
        client,
        ws,
        f"""{{ personDuplicates(ids: ["{john}"]) {{ totalCount edges {{ node {{ id }} }} }}
              byData: personDuplicates(data: [{{name: {{firstName: "Jane", lastName: "Roe"}}}}]) {{
                totalCount }} }}""",
    )
    assert found["personDuplicates"] == [{"totalCount": 1, "edges": [{"node": {"id": twin}}]}]
    assert found["byData"] == [{"totalCount": 1}]
    preview = await data(
        client,
        ws,
        f'mutation {{ mergePeople(ids: ["{john}", "{twin}"], conflictPriorityIndex: 0, '
        "dryRun: true) { id city jobTitle } }",
    )
    assert preview["mergePeople"]["id"] not in (john, twin)
    assert preview["mergePeople"]["jobTitle"] == "CTO"
    merged = await data(
        client,
        ws,
        f'mutation {{ mergePeople(ids: ["{john}", "{twin}"], conflictPriorityIndex: 0) {{'
        " id city jobTitle } }",
    )
    assert merged["mergePeople"] == {"id": john, "city": "Paris", "jobTitle": "CTO"}
    left = await data(client, ws, "{ people { totalCount } }")
    assert left["people"]["totalCount"] == 2


async def test_custom_object_crud(client: httpx.AsyncClient, db: object) -> None:
    from app.db.database import Database
    from tests.integration.graphql.helpers import make_pet_workspace

    assert isinstance(db, Database)
    ws = await make_pet_workspace(db)
    owner = await data(client, ws, 'mutation { createPetOwner(data: {name: "Ann"}) { id } }')
    owner_id = owner["createPetOwner"]["id"]
    pet = await data(
        client,
        ws,
        f"""mutation {{ createPet(data: {{name: "Rex", species: DOG, traits: [CALM, LOUD],
                                         ownerId: "{owner_id}",
                                         price: {{amountMicros: 1500000, currencyCode: "USD"}}}}) {{
             id name species traits price {{ amountMicros currencyCode }} owner {{ name }} }} }}""",
    )
    created = pet["createPet"]
    assert created["species"] == "DOG"
    assert created["traits"] == ["CALM", "LOUD"]
    assert created["price"] == {"amountMicros": 1500000, "currencyCode": "USD"}
    assert created["owner"] == {"name": "Ann"}
    updated = await data(
        client,
        ws,
        f'mutation {{ updatePet(id: "{created["id"]}", data: {{species: CAT}}) {{ species }} }}',
    )
    assert updated["updatePet"] == {"species": "CAT"}
    owners = await data(
        client, ws, "{ petOwners { edges { node { name pets { edges { node { name } } } } } } }"
    )
    assert nodes(owners["petOwners"])[0]["pets"]["edges"] == [{"node": {"name": "Rex"}}]
    destroyed = await data(
        client,
        ws,
        f'mutation {{ destroyPets(filter: {{id: {{eq: "{created["id"]}"}}}}) {{ id }} }}',
    )
    assert destroyed["destroyPets"] == [{"id": created["id"]}]
