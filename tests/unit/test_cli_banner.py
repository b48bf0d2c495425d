"""`crm up` prints where the playgrounds and OpenAPI documents are (README's newcomer path)."""

from __future__ import annotations

from app.cli import _playground_banner


def test_banner_names_every_playground_and_document() -> None:
    text = _playground_banner("http://127.0.0.1:3000")
    assert "http://127.0.0.1:3000/playground/rest?doc=core" in text
    assert "http://127.0.0.1:3000/playground/graphql?endpoint=graphql" in text
    assert "http://127.0.0.1:3000/rest/open-api/core" in text
    assert "http://127.0.0.1:3000/rest/open-api/metadata" in text
