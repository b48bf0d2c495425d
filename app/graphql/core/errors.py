"""GraphQL errors in Twenty's shape: `message`, `locations`, `path` and `extensions.code`.

AppError raised by the engine   -> code = AppError.graphql_code (BAD_USER_INPUT, NOT_FOUND,
                                   FORBIDDEN, …), appCode = our stable AppError.code,
                                   hint when there is one; a missing bulk filter adds
                                   subCode INVALID_QUERY_INPUT (spec §2.7)
syntax error                    -> GRAPHQL_PARSE_FAILED
document invalid for the schema -> GRAPHQL_VALIDATION_FAILED (depth and complexity limits
                                   too, with appCode QUERY_TOO_DEEP / QUERY_TOO_COMPLEX)
variables that do not fit       -> BAD_USER_INPUT
a database outage or transient
conflict in a resolver          -> SERVICE_UNAVAILABLE / CONFLICT (the endpoint answers 503)
anything else                   -> INTERNAL_SERVER_ERROR, message "Internal server error",
                                   extensions.requestId; the real error is logged with that
                                   id, never sent
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from app import correlation
from app.errors import AppError, MissingFilter
from app.query import dberrors

log = logging.getLogger(__name__)

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL = "INTERNAL_SERVER_ERROR"

_SUB_CODES: dict[type[AppError], str] = {MissingFilter: "INVALID_QUERY_INPUT"}


def app_error_extensions(error: AppError) -> dict[str, Any]:
    """The error's own GraphQL extensions (app.errors), plus `appCode`; where Twenty has a
    `subCode` of its own for the error, that one."""
    extensions = {**error.graphql_extensions(), "appCode": error.code}
    sub_code = _SUB_CODES.get(type(error))
    if sub_code is not None:
        extensions["subCode"] = sub_code
    return extensions


def format_error(error: GraphQLError, default_code: str) -> dict[str, Any]:
    """One entry of a response's `errors`; `default_code` is the phase's code."""
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, AppError):
        formatted["message"] = original.message
        formatted["extensions"] = app_error_extensions(original)
        return formatted
    if original is not None and not isinstance(original, GraphQLError):
        known = dberrors.classify(original)
        if known is not None:  # an outage, a transient conflict (Note [database failures])
            formatted["message"] = known.message
            formatted["extensions"] = app_error_extensions(known)
            return formatted
        request_id = correlation.current()
        log.error(
            "unhandled %s in GraphQL execution [request %s]",
            type(original).__name__,
            request_id,
            exc_info=original,
        )
        formatted["message"] = "Internal server error"
        formatted["extensions"] = {
            "code": INTERNAL,
            "appCode": "INTERNAL_ERROR",
            "requestId": request_id,
        }
        return formatted
    extensions = dict(formatted.get("extensions") or {})
    extensions.setdefault("code", default_code)
    formatted["extensions"] = extensions
    return formatted


def error_body(error: AppError) -> dict[str, Any]:
    """A response for a request refused before execution (authentication, request shape)."""
    return {"errors": [{"message": error.message, "extensions": app_error_extensions(error)}]}
