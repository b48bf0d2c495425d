"""Aggregate keys and their SQL, rendered to text (no database)."""

from __future__ import annotations

import pytest

from app.catalog.access import Access
from app.errors import InvalidParameter
from app.query import aggregate
from tests.unit.graphql.core_schema_support import catalog_of

FULL = Access.full()


def _obj(name: str):  # type: ignore[no-untyped-def]
    obj = catalog_of().by_singular(name)
    assert obj is not None
    return obj


def test_keys_follow_twenty_per_field_type() -> None:
    keys = list(aggregate.available(_obj("opportunity")))
    assert keys[0] == "totalCount"
    for key in (
        "countUniqueValuesName",
        "countEmptyName",
        "countNotEmptyName",
        "percentageEmptyName",
        "percentageNotEmptyName",
        "minCloseDate",
        "maxCloseDate",
        "minAmountAmountMicros",
        "maxAmountAmountMicros",
        "avgAmountAmountMicros",
        "sumAmountAmountMicros",
    ):
        assert key in keys
    assert not any(k.endswith("Company") or k.endswith("PointOfContact") for k in keys)
    company = aggregate.available(_obj("company"))
    assert {
        "sumEmployees",
        "countTrueIdealCustomerProfile",
        "countFalseIdealCustomerProfile",
    } <= set(company)


def test_composite_emptiness_looks_at_twentys_sub_fields() -> None:
    links = aggregate.available(_obj("company"))["countEmptyDomainName"]
    assert [c for c, _ in links.columns] == ["domainNamePrimaryLinkUrl"]
    assert aggregate.expression(links) == (
        "CASE WHEN count(*) = 0 THEN NULL ELSE count(*) - "
        "count(NULLIF(CONCAT(t.\"domainNamePrimaryLinkUrl\"), '')) END"
    )


def test_one_statement_with_positional_aliases() -> None:
    person = _obj("person")
    chosen = aggregate.pick(person, ["totalCount", "countEmptyCity"], access=FULL)
    statement = aggregate.render("ws", person, chosen, None, with_deleted=False)
    assert statement.sql == (
        'SELECT count(*) AS "__a0", CASE WHEN count(*) = 0 THEN NULL ELSE count(*) - '
        'count(NULLIF(CONCAT(t."city"), \'\')) END AS "__a1" FROM "ws"."person" t '
        'WHERE t."deletedAt" IS NULL'
    )
    assert aggregate.values(chosen, None) == {"totalCount": 0, "countEmptyCity": None}


def test_grouped_by_parent_for_nested_connections() -> None:
    person = _obj("person")
    chosen = aggregate.pick(person, ["totalCount"], access=FULL)
    statement = aggregate.render(
        "ws", person, chosen, None, with_deleted=False, parent=("companyId", ["x"])
    )
    assert statement.sql.startswith('SELECT t."companyId" AS "__parent", count(*) AS "__a0"')
    assert statement.sql.endswith('GROUP BY t."companyId"')
    assert statement.params == (["x"],)


def test_unknown_keys_are_refused_by_name() -> None:
    with pytest.raises(InvalidParameter, match="Unknown aggregate 'sumCity'"):
        aggregate.pick(_obj("person"), ["sumCity"], access=FULL)
