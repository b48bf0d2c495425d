"""The edge of every HTTP request: its id, its body limit, and the answer to any failure that
no route turned into an API error.

    Failures    outermost: gives the request its id (`X-Request-Id` on every response), and
                answers what escaped the routes (Note [database failures] in
                app/query/dberrors.py): an outage 503 with Retry-After, a transient conflict
                409, anything else 500 logged once with the request's id, which the response
                carries too (`requestId`). It never re-raises: the server would log the error
                a second time and close the keep-alive connection, so the client's next request
                on it would fail. A client that disconnects mid-request is no error at all.
    BodyLimit   refuses a body over `max_bytes` with 413: at once when Content-Length says so,
                else as soon as the bytes read pass the limit, before anything parses them.

A refusal is rendered in the shape of the surface asked: Twenty's REST envelope, or a GraphQL
`errors` list on /graphql and /metadata.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import correlation, encoding
from app.errors import AppError, InternalError, PayloadTooLarge, ServiceUnavailable
from app.query import dberrors

log = logging.getLogger(__name__)

GRAPHQL_PATHS = ("/graphql", "/metadata")


def error_body(path: str, error: AppError, request_id: str | None) -> dict[str, Any]:
    if path in GRAPHQL_PATHS:
        extensions = {**error.graphql_extensions(), "appCode": error.code}
        if request_id:
            extensions["requestId"] = request_id
        return {"errors": [{"message": error.message, "extensions": extensions}]}
    body = error.to_rest()
    if request_id:
        body["requestId"] = request_id
    return body


async def answer(scope: Scope, send: Send, error: AppError, request_id: str | None) -> None:
    """Send `error` as the whole response."""
    content = encoding.dumps(error_body(scope.get("path", ""), error, request_id))
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in getattr(error, "headers", {}).items()]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


class Failures:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = correlation.new()
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            log.debug("client disconnected from %s %s", scope["method"], scope["path"])
        except Exception as exc:
            where = f"{scope['method']} {scope['path']} [request {request_id}]"
            error = dberrors.classify(exc)
            if error is None:
                log.error("unhandled %s on %s", type(exc).__name__, where, exc_info=exc)
                error = InternalError("Internal server error")
            elif isinstance(error, ServiceUnavailable):
                log.warning("database unavailable (%s) on %s", type(exc).__name__, where)
            else:
                log.info("%s (%s) on %s", error.code, type(exc).__name__, where)
            if not started:
                await answer(scope, send_with_id, error, request_id)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"The request body exceeds the maximum of {self.max_bytes} bytes",
            hint="send fewer records per request (MAX_BODY_BYTES sets the limit)",
            limit=self.max_bytes,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await answer(scope, send, self._too_large(), correlation.current())
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, counted, send)
