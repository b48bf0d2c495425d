"""JSON responses rendered with orjson (UUIDs, datetimes and Decimals handled natively)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import JSONResponse, Response


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(content: Any) -> bytes:
    return orjson.dumps(content, default=_default, option=orjson.OPT_UTC_Z)


def json_text(text: str, status: int = 200) -> Response:
    """A response whose body is JSON text built elsewhere (by PostgreSQL), sent as it is."""
    return Response(text.encode(), status, media_type="application/json")


class FastJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
