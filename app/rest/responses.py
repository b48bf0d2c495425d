"""JSON responses rendered by app.encoding (orjson; numbers exact, Note [exact numbers])."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from app.encoding import dumps as dumps  # re-exported: the REST modules render with it


def json_text(text: str, status: int = 200) -> Response:
    """A response whose body is JSON text built elsewhere (by PostgreSQL), sent as it is."""
    return Response(text.encode(), status, media_type="application/json")


class FastJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
