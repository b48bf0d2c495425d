"""OpenAPI 3.1 documents generated from a workspace's catalog: pure code, no web framework.

    core_document(catalog, server_url, limits)  -> dict   the record API (/rest/…)
    metadata_document(server_url)               -> dict   the metadata API (/rest/metadata/…)
    base_document(kind, server_url)             -> dict   what a caller without a valid key gets
    DocumentCache                                         rendered documents per catalog version

Note [document tells the truth]: a document describes what this server does, not what Twenty's
document says. Every parameter a route reads is listed (the REST layer refuses any other); an
input schema admits every value the server accepts, and a response schema every value it
writes; where the server refuses something the schema could express (an unknown body key, an
empty update, a duplicate option), the schema refuses it too. The contract tests
(tests/contract/) hold both sides to it.
"""

from app.openapi.base import Kind, base_document
from app.openapi.cache import DocumentCache
from app.openapi.core import Limits, core_document
from app.openapi.metadata import metadata_document

__all__ = [
    "DocumentCache",
    "Kind",
    "Limits",
    "base_document",
    "core_document",
    "metadata_document",
]
