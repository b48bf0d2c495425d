"""The fast path answers a read-only query exactly as graphql-core's executor does.

Each document runs twice against the same data: through app/graphql/core/fast.py (the JSON
PostgreSQL builds) and through graphql-core's `execute` with the resolvers (the path every
other document takes). The two `data` must be equal, and the fast path must have answered
(not declined).
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from graphql import parse, validate

from app.catalog.access import Access
from app.catalog.store import load_catalog
from app.db.database import Database
from app.graphql.core import fast
from app.graphql.core.builder import build_core_schema
from app.graphql.core.endpoint import _execute
from app.graphql.core.resolvers import CoreContext
from app.query.json_sql import Limits
from tests.integration.graphql.helpers import data
from tests.support import WorkspaceFixture, make_workspace

PERSON = "fragment P on Person { id nm: name { f: firstName l: lastName __typename } city }"
DOCUMENTS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "list with company": (
        """{ people(first: 5, orderBy: [{createdAt: DescNullsLast}]) {
              edges { node { id name { firstName lastName } company { name } } } } }""",
        None,
    ),
    "aliases, typenames, fragments, page info": (
        """query Q($n: Int) { __typename a: people(first: $n, orderBy: [{position: AscNullsFirst}])
              { __typename totalCount
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
                edges { cursor __typename node { ...P
                  ... on Person { emails { primaryEmail } } } } } }"""
        + PERSON,
        {"n": 4},
    ),
    "nested pages with their own order and counts": (
        """{ companies(orderBy: [{name: AscNullsFirst}]) { edges { node { name
              people(first: 2, orderBy: [{position: DescNullsLast}]) {
                totalCount pageInfo { hasNextPage }
                edges { node { name { firstName } company { name } } } } } } } }""",
        None,
    ),
    "find one, and a miss": (
        """{ hit: person(filter: {name: {firstName: {eq: "Big1"}}}) { id city company { name } }
             miss: person(filter: {city: {eq: "Nowhere"}}) { id } }""",
        None,
    ),
    "aggregates": (
        """{ people(filter: {city: {eq: "Paris"}}) { totalCount countUniqueValuesCity
              percentageEmptyCity minCreatedAt countNotEmptyName } }""",
        None,
    ),
    "skip and include": (
        """query($s: Boolean!) { people(first: 3) { edges { node { id
              city @skip(if: $s) name @include(if: $s) { firstName } } } } }""",
        {"s": True},
    ),
    "filters through relations, offsets and backward pages": (
        """{ people(filter: {company: {employees: {gte: 100}}}, offset: 2, first: 3,
              orderBy: [{name: {firstName: AscNullsLast}}]) {
              edges { node { name { firstName } } } pageInfo { hasPreviousPage hasNextPage } }
             back: people(last: 2, orderBy: [{position: AscNullsLast}]) {
              edges { cursor node { position } } pageInfo { hasNextPage hasPreviousPage } } }""",
        None,
    ),
}


@pytest.fixture(scope="module")
async def crm(db: Database, module_client: httpx.AsyncClient) -> WorkspaceFixture:
    workspace = await make_workspace(db)
    companies = await data(
        module_client,
        workspace,
        """mutation { createCompanies(data: [
            {name: "Big", employees: 500}, {name: "Mid", employees: 120},
            {name: "Tiny", employees: 3}]) { id name } }""",
    )
    people = [
        {
            "name": {"firstName": f"{company['name']}{i}", "lastName": "X"},
            "companyId": company["id"],
            "position": i,
            "city": "Paris" if i % 2 else "Rome",
        }
        for company in companies["createCompanies"]
        for i in range(4)
    ]
    await data(
        module_client,
        workspace,
        "mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }",
        {"d": people},
    )
    return workspace


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
async def test_fast_path_answers_as_graphql_core_does(
    db: Database, crm: WorkspaceFixture, name: str
) -> None:
    query, variables = DOCUMENTS[name]
    async with db.connection() as conn:
        catalog = await load_catalog(conn, crm.id)
    schema = build_core_schema(catalog)
    document = parse(query)
    assert validate(schema, document) == []
    context = CoreContext(
        db=db,
        catalog=catalog,
        access=Access.full(),
        actor_name="test",
        limits=Limits(),
        batch_max_records=60,
    )
    answered = await fast.answer(schema, document, variables, None, context)
    assert answered is not None, "the fast path declined the document"
    executed, _, _ = await _execute(schema, document, variables, None, context)
    assert "errors" not in executed, executed
    assert orjson.loads(answered) == {"data": executed["data"]}


async def test_fast_path_declines_what_it_does_not_cover(
    db: Database, crm: WorkspaceFixture
) -> None:
    async with db.connection() as conn:
        catalog = await load_catalog(conn, crm.id)
    schema = build_core_schema(catalog)
    context = CoreContext(db, catalog, Access.full(), "test", Limits(), 60)
    for query in (
        'mutation { createPerson(data: {city: "X"}) { id } }',
        "{ __schema { queryType { name } } }",
        '{ people { edges { node { id } } } __type(name: "Person") { name } }',
        "{ people(first: 1) { a: edges { node { id } } b: edges { node { city } } } }",
    ):
        assert await fast.answer(schema, parse(query), None, None, context) is None, query
