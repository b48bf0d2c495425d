"""The error vocabulary: every failure the server reports, with a stable code and a status.

Each error is raised once, where it is detected, and rendered once per transport: REST turns it
into Twenty's envelope ``{"statusCode", "error", "messages"}`` plus our additive ``code`` and
``hint``; GraphQL puts ``graphql_code`` into ``extensions.code`` (``graphql_extensions``).

    AppError                                  (code, status, error name)
    ├── BadRequest                   400      BAD_REQUEST
    │   ├── InvalidParameter         400      INVALID_PARAMETER   a query parameter's value
    │   ├── UnknownParameter         400      UNKNOWN_PARAMETER   a query parameter we do not know
    │   ├── InvalidFilter            400      INVALID_FILTER      the `filter` grammar
    │   ├── InvalidOrderBy           400      INVALID_ORDER_BY    the `order_by` grammar
    │   ├── InvalidCursor            400      INVALID_CURSOR      starting_after / ending_before
    │   ├── InvalidPath              400      INVALID_PATH        a /rest path Twenty would refuse
    │   ├── ObjectNotFound           400      OBJECT_NOT_FOUND    unknown object in a path
    │   ├── FieldNotFound            400      FIELD_NOT_FOUND     unknown field (with a suggestion)
    │   ├── InvalidFieldValue        400      INVALID_FIELD_VALUE a value that does not fit
    │   ├── InvalidBody              400      INVALID_BODY        a request body of the wrong shape
    │   ├── DuplicateEntry           400      DUPLICATE_ENTRY     a unique constraint
    │   ├── TooManyRecords           400      TOO_MANY_RECORDS    batch size limit
    │   ├── QueryTooLarge            400      QUERY_TOO_LARGE     filter terms, `in` lists, order_by
    │   ├── MissingFilter            400      FILTER_REQUIRED     bulk write without a filter
    │   ├── PermissionDenied         400      PERMISSION_DENIED   "User does not have permission"
    │   │   └── NoRoleAssigned       400      API_KEY_NO_ROLE_ASSIGNED   a key without a role
    │   ├── RoleNotEditable          400      ROLE_NOT_EDITABLE   the Admin role (GraphQL FORBIDDEN)
    │   ├── RoleNotAssignable        400      ROLE_CANNOT_BE_ASSIGNED_TO_API_KEYS
    │   ├── RoleInUse                400      ROLE_IN_USE         still held by API keys
    │   ├── InvalidMetadataInput     400      INVALID_METADATA_INPUT   a metadata input's shape
    │   ├── MetadataMutationForbidden 400     METADATA_MUTATION_NOT_ALLOWED   standard/system
    │   ├── MetadataValidationFailed 400      METADATA_VALIDATION_FAILED   grouped problems
    │   ├── InvalidWebhookInput      400      INVALID_WEBHOOK_INPUT   operations, description…
    │   ├── InvalidTargetUrl         400      INVALID_TARGET_URL  not http(s), or a private host
    │   └── WebhookAlreadyExists     400      WEBHOOK_ALREADY_EXISTS  a create with a taken id
    ├── Unauthenticated              401      UNAUTHENTICATED     missing/bad/revoked/expired key
    ├── NotFound                     404      NOT_FOUND
    │   ├── RecordNotFound           404      RECORD_NOT_FOUND
    │   ├── MetadataNotFound         404      METADATA_NOT_FOUND  unknown object or field id
    │   └── WebhookNotFound          404      WEBHOOK_NOT_FOUND   unknown webhook or delivery
    ├── Conflict                     409      CONFLICT
    │   ├── TransientConflict        409      TRANSIENT_CONFLICT  deadlock, serialization failure
    │   └── ModelChanged             409      MODEL_CHANGED       the data model changed meanwhile
    ├── PayloadTooLarge              413      PAYLOAD_TOO_LARGE   a request body over the limit
    ├── RateLimited                  429      RATE_LIMITED
    ├── ServiceUnavailable           503      SERVICE_UNAVAILABLE the database is unreachable
    └── InternalError                500      INTERNAL_ERROR      never with a raw message

Errors that tell the client when to come back (409 transient, 429, 503) carry `headers`
(`Retry-After`), which every transport sends.

Twenty's clients read ``error`` (an exception class name such as ``BadRequestException``) and
``messages``; our clients may rely on ``code``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, ClassVar


class AppError(Exception):
    """Base of every error the server reports on purpose."""

    code: ClassVar[str] = "INTERNAL_ERROR"
    status: ClassVar[int] = 500
    error: ClassVar[str] = "InternalServerErrorException"
    graphql_code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, hint: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.context = context

    def to_rest(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "statusCode": self.status,
            "error": self.error,
            "messages": [self.message],
            "code": self.code,
        }
        if self.hint:
            body["hint"] = self.hint
        return body

    def graphql_extensions(self) -> dict[str, Any]:
        """`extensions` of the GraphQL error: Twenty's `code` (transports add our `appCode`)."""
        extensions: dict[str, Any] = {"code": self.graphql_code}
        if self.hint:
            extensions["hint"] = self.hint
        return extensions


class BadRequest(AppError):
    code = "BAD_REQUEST"
    status = 400
    error = "BadRequestException"
    graphql_code = "BAD_USER_INPUT"


class InvalidParameter(BadRequest):
    code = "INVALID_PARAMETER"


class UnknownParameter(BadRequest):
    code = "UNKNOWN_PARAMETER"


class InvalidFilter(BadRequest):
    code = "INVALID_FILTER"


class InvalidOrderBy(BadRequest):
    code = "INVALID_ORDER_BY"


class InvalidCursor(BadRequest):
    code = "INVALID_CURSOR"


class InvalidPath(BadRequest):
    code = "INVALID_PATH"


class ObjectNotFound(BadRequest):
    code = "OBJECT_NOT_FOUND"


class FieldNotFound(BadRequest):
    code = "FIELD_NOT_FOUND"


class InvalidFieldValue(BadRequest):
    code = "INVALID_FIELD_VALUE"


class InvalidBody(BadRequest):
    code = "INVALID_BODY"


class DuplicateEntry(BadRequest):
    code = "DUPLICATE_ENTRY"


class TooManyRecords(BadRequest):
    code = "TOO_MANY_RECORDS"


class MissingFilter(BadRequest):
    code = "FILTER_REQUIRED"


class QueryTooLarge(BadRequest):
    """A query beyond a bound of app.query.bounds: too many filter terms, too long an `in`
    list, too many order_by terms, conditions nested too deep, too many records touched."""

    code = "QUERY_TOO_LARGE"


class PermissionDenied(BadRequest):
    """Twenty's REST answers 400 here and its clients expect it; GraphQL says FORBIDDEN."""

    code = "PERMISSION_DENIED"
    graphql_code = "FORBIDDEN"


class RoleNotEditable(BadRequest):
    """A seeded role Twenty never lets anyone change (Admin): "Role is not editable"."""

    code = "ROLE_NOT_EDITABLE"
    graphql_code = "FORBIDDEN"


class RoleNotAssignable(BadRequest):
    """A role whose `canBeAssignedToApiKeys` is false, given to an API key."""

    code = "ROLE_CANNOT_BE_ASSIGNED_TO_API_KEYS"


class RoleInUse(BadRequest):
    """A role deleted, or closed to API keys, while keys still hold it."""

    code = "ROLE_IN_USE"


class NoRoleAssigned(PermissionDenied):
    """A key whose role is gone (deleted: the key's role_id is NULL) or not of its workspace.
    Twenty's ApiKeyException API_KEY_NO_ROLE_ASSIGNED: REST 400 (no status of its own), GraphQL
    FORBIDDEN."""

    code = "API_KEY_NO_ROLE_ASSIGNED"


class InvalidMetadataInput(BadRequest):
    """A metadata input of the wrong shape, refused before validation (Twenty's DTO checks:
    "nameSingular should not be empty"). REST lists every problem, as class-validator does."""

    code = "INVALID_METADATA_INPUT"

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages), messages=messages)

    def to_rest(self) -> dict[str, Any]:
        body = super().to_rest()
        body["messages"] = list(self.context["messages"])
        return body


class MetadataMutationForbidden(BadRequest):
    """A change Twenty never allows on standard or system metadata."""

    code = "METADATA_MUTATION_NOT_ALLOWED"
    graphql_code = "FORBIDDEN"


class MetadataValidationFailed(BadRequest):
    """Every problem a metadata change has, grouped by entity kind as Twenty reports them.

    `errors` is Twenty's `extensions.errors`: {"objectMetadata": [failure, ...], ...}, each
    failure `{type, status, errors: [{code, message, ...}], flatEntityMinimalInformation}`.
    REST lists every problem's message in `messages`.
    """

    code = "METADATA_VALIDATION_FAILED"
    graphql_code = "METADATA_VALIDATION_FAILED"

    def __init__(
        self, message: str, *, errors: dict[str, list[dict[str, Any]]], summary: str
    ) -> None:
        super().__init__(message)
        self.errors = errors
        self.summary = summary

    @property
    def problems(self) -> list[str]:
        return [
            problem["message"]
            for failures in self.errors.values()
            for failure in failures
            for problem in failure["errors"]
        ]

    def to_rest(self) -> dict[str, Any]:
        body = super().to_rest()
        body["messages"] = self.problems or [self.message]
        body["errors"] = self.errors
        return body

    def graphql_extensions(self) -> dict[str, Any]:
        counts = {f"invalid{kind[:1].upper()}{kind[1:]}": len(v) for kind, v in self.errors.items()}
        counts["totalErrors"] = len(self.problems)
        return {
            "code": self.graphql_code,
            "errors": self.errors,
            "summary": counts,
            "message": self.summary,
            "userFriendlyMessage": self.summary,
        }


class InvalidWebhookInput(BadRequest):
    """A webhook input Twenty's validation would refuse (its WebhookExceptionCode)."""

    code = "INVALID_WEBHOOK_INPUT"


class InvalidTargetUrl(BadRequest):
    """A webhook `targetUrl` that is not http(s), or whose host is loopback, private,
    link-local or a metadata address (unless the operator allows such targets)."""

    code = "INVALID_TARGET_URL"


class WebhookAlreadyExists(BadRequest):
    code = "WEBHOOK_ALREADY_EXISTS"


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"
    status = 401
    error = "UNAUTHENTICATED"
    graphql_code = "UNAUTHENTICATED"


class NotFound(AppError):
    code = "NOT_FOUND"
    status = 404
    error = "NotFoundException"
    graphql_code = "NOT_FOUND"


class RecordNotFound(NotFound):
    code = "RECORD_NOT_FOUND"


class MetadataNotFound(NotFound):
    code = "METADATA_NOT_FOUND"


class WebhookNotFound(NotFound):
    code = "WEBHOOK_NOT_FOUND"


class Conflict(AppError):
    code = "CONFLICT"
    status = 409
    error = "ConflictException"
    graphql_code = "CONFLICT"


class TransientConflict(Conflict):
    """The database gave up on the transaction to let a concurrent one finish (a deadlock, a
    serialization failure): nothing was written, and the same request may be sent again."""

    code = "TRANSIENT_CONFLICT"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class ModelChanged(Conflict):
    """The workspace's data model changed while the request ran (a field it reads was renamed
    or removed) and a retry with the new model failed too."""

    code = "MODEL_CHANGED"


class PayloadTooLarge(AppError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413
    error = "PayloadTooLargeException"
    graphql_code = "BAD_REQUEST"


class RateLimited(AppError):
    code = "RATE_LIMITED"
    status = 429
    error = "TooManyRequestsException"
    graphql_code = "LIMIT_REACHED"

    def to_rest(self) -> dict[str, Any]:
        """Adds the budget that ran out (`limit`, `retryAfterSeconds`), as Twenty's newer 429s."""
        return {**super().to_rest(), **self.context}


class ServiceUnavailable(AppError):
    code = "SERVICE_UNAVAILABLE"
    status = 503
    error = "ServiceUnavailableException"
    graphql_code = "SERVICE_UNAVAILABLE"
    retry_after = 5  # seconds: reconnecting to a restarted PostgreSQL takes about that

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class InternalError(AppError):
    pass


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest valid name to `name`, for "did you mean" hints; None when nothing is close."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    best = suggest(name, candidates)
    return f"Did you mean '{best}'?" if best else None
