"""JSON responses rendered by app.encoding (orjson; numbers exact, Note [exact numbers])."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from app.encoding import dumps as dumps  # re-exported: the REST modules render with it


class FastJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
