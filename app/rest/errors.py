"""Renders every error as Twenty's REST envelope `{statusCode, error, messages}` plus `code`.

A database error never reaches a client raw: constraint and type errors are turned into
AppErrors by the query engine; anything unexpected is answered by app/edge.py (a 500 with a
generic message, logged once with the request's id, or a 503 for a database outage).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError, BadRequest, NotFound
from app.rest.responses import FastJSONResponse

_STATUS_NAMES = {
    400: "BadRequestException",
    401: "UnauthorizedException",
    403: "ForbiddenException",
    404: "NotFoundException",
    405: "MethodNotAllowedException",
    409: "ConflictException",
    413: "PayloadTooLargeException",
    415: "UnsupportedMediaTypeException",
    422: "UnprocessableEntityException",
    429: "TooManyRequestsException",
    500: "InternalServerErrorException",
}


def render(error: AppError, headers: dict[str, str] | None = None) -> FastJSONResponse:
    return FastJSONResponse(error.to_rest(), status_code=error.status, headers=headers)


async def _app_error(_request: Request, exc: Exception) -> FastJSONResponse:
    assert isinstance(exc, AppError)
    return render(exc, getattr(exc, "headers", None))


async def _http_error(_request: Request, exc: Exception) -> FastJSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return render(NotFound("Cannot find the requested route"))
    body = {
        "statusCode": exc.status_code,
        "error": _STATUS_NAMES.get(exc.status_code, "HttpException"),
        "messages": [str(exc.detail)],
        "code": "HTTP_ERROR",
    }
    return FastJSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> FastJSONResponse:
    assert isinstance(exc, RequestValidationError)
    messages = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        messages.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
    error = BadRequest(messages[0] if messages else "Invalid request")
    body = error.to_rest()
    body["messages"] = messages or body["messages"]
    return FastJSONResponse(body, status_code=400)


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
