"""The playground pages and their static assets:

    GET /playground                              links to the four playgrounds
    GET /playground/rest?doc=core|metadata       Scalar over /rest/open-api/{doc}
    GET /playground/graphql?endpoint=graphql|metadata   GraphiQL over /{endpoint}
    GET /playground/static/…                     our scripts and the vendored assets

The pages need no key to load: the key is typed into the page (app/playground/static/
session.js). A Content-Security-Policy keeps every request on this origin, whatever the
vendored code would like to fetch.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, FastAPI, Query
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).parent
STATIC = HERE / "static"

_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

router = APIRouter(prefix="/playground", include_in_schema=False)


@cache
def _page(name: str) -> str:
    return (HERE / "pages" / f"{name}.html").read_text(encoding="utf-8")


def _html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers=_HEADERS)


def _active(chosen: str, option: str) -> str:
    return "active" if chosen == option else ""


@router.get("")
async def index() -> HTMLResponse:
    return _html(_page("index"))


@router.get("/rest")
async def rest(doc: Literal["core", "metadata"] = Query("core")) -> HTMLResponse:
    return _html(
        _page("rest").format(
            doc=doc,
            core_active=_active(doc, "core"),
            metadata_active=_active(doc, "metadata"),
            graphql_endpoint="graphql" if doc == "core" else "metadata",
        )
    )


@router.get("/graphql")
async def graphql(endpoint: Literal["graphql", "metadata"] = Query("graphql")) -> HTMLResponse:
    return _html(
        _page("graphql").format(
            endpoint=endpoint,
            graphql_active=_active(endpoint, "graphql"),
            metadata_active=_active(endpoint, "metadata"),
            rest_doc="core" if endpoint == "graphql" else "metadata",
        )
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/playground/static", StaticFiles(directory=STATIC), name="playground-static")
