"""Core REST transport: Twenty's /rest/{plural} routes over the query engine.

One parametric router: the object is looked up in the workspace catalog per request, nothing
is registered at run time. Routes are declared most specific first (Twenty's order).

Note [record routes first]: the record routes are the ones clients call all day, so the app
includes this router before the metadata, key, webhook and document routers, and the `plural`
path segment uses a convertor that refuses those routers' first segments (`/rest/metadata/…`,
`/rest/apiKeys…`, `/rest/webhooks…`, `/rest/open-api/…`): Starlette tries routes in order, one
regular expression each, so a record request no longer walks past every other route first. The
catch-all for invalid paths is a router of its own (`fallback`), included last.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from starlette.convertors import Convertor, register_url_convertor

from app import encoding
from app.auth.api_keys import Principal
from app.errors import (
    InvalidBody,
    InvalidParameter,
    InvalidPath,
    RecordNotFound,
    TooManyRecords,
)
from app.query import duplicates, engine, layout, merge, reader
from app.query import group_by as grouping
from app.query.ast import Filter
from app.query.json_sql import Limits
from app.query.tree import ConnectionRead, RecordRead
from app.rest import filter_grammar, params, retry
from app.rest.deps import PrincipalDep
from app.rest.responses import FastJSONResponse, json_text
from app.rest.target import Target, TargetDep


class PluralConvertor(Convertor[str]):
    """One path segment that is not another router's first segment (Note [record routes
    first])."""

    regex = r"(?!(?:metadata|apiKeys|webhooks|open-api)(?:/|$))[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("plural", PluralConvertor())

router = APIRouter(prefix="/rest")
fallback = APIRouter(prefix="/rest")

PATH_EXAMPLES = "Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies"


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def parse_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidPath(f"'{text}' is not a valid UUID") from None


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise InvalidBody("A JSON request body is required")
    try:
        return encoding.loads(raw)
    except encoding.JSONError as exc:
        raise InvalidBody(f"The request body is not valid JSON: {exc}") from None


def read_options(target: Target) -> engine.ReadOptions:
    query = target.query
    return engine.ReadOptions(
        depth=params.parse_depth(query.get("depth")),
        fields=params.parse_fields(query.getlist("fields") or None),
        omit_nulls=params.parse_bool_flag("omit_null_values", query.get("omit_null_values")),
    )


def parse_filter(target: Target) -> Filter | None:
    text = target.query.get("filter")
    return filter_grammar.parse_filter(text) if text else None


def actor_for(principal: Principal) -> dict[str, Any]:
    """createdBy for API-key traffic (Twenty: source API, no workspace member)."""
    return {"source": "API", "workspaceMemberId": None, "name": principal.name, "context": {}}


def ok(body: Any, status: int = 200) -> FastJSONResponse:
    return FastJSONResponse(body, status_code=status)


# ---- create ----------------------------------------------------------------------------


async def _create(target: Target, bodies: list[Any]) -> list[dict[str, Any]]:
    params.check_known_params(target.query, params.CREATE)
    upsert_on = target.query.get("upsert_on")
    upsert = params.parse_bool_flag("upsert", target.query.get("upsert"))
    if upsert_on is not None and not upsert:
        raise InvalidBody("'upsert_on' only applies with upsert=true", parameter="upsert_on")
    options = read_options(target)
    async with target.state.db.transaction() as conn:
        return await engine.create(
            conn,
            target.catalog,
            target.obj,
            bodies,
            actor=actor_for(target.principal),
            options=options,
            access=target.access,
            upsert=upsert,
            upsert_on=tuple(upsert_on.split(".")) if upsert_on else None,
        )


@router.post("/batch/{plural:plural}", status_code=201)
async def create_many(target: TargetDep) -> FastJSONResponse:
    body = await read_json(target.request)
    if not isinstance(body, list):
        raise InvalidBody("Body must be an array")
    if not body:
        raise InvalidBody("Input must not be empty")
    maximum = target.state.settings.batch_max_records
    if len(body) > maximum:
        raise TooManyRecords(f"Maximum number of records to upsert is {maximum}.")
    records = await _create(target, body)
    return ok({"data": {f"create{pascal(target.obj.name_plural)}": records}}, 201)


@router.post("/{plural:plural}", status_code=201)
async def create_one(target: TargetDep) -> FastJSONResponse:
    body = await read_json(target.request)
    if not isinstance(body, dict):
        raise InvalidBody("Body must be a JSON object (use /rest/batch/… for several records)")
    records = await _create(target, [body])
    return ok({"data": {f"create{pascal(target.obj.name_singular)}": records[0]}}, 201)


@router.post("/{plural:plural}/duplicates")
async def find_duplicates(target: TargetDep) -> FastJSONResponse:
    params.check_known_params(target.query, params.FIND_DUPLICATES)
    body = await read_json(target.request)
    if not isinstance(body, dict):
        raise InvalidBody('Body must be an object with "data" or "ids"')
    unknown = set(body) - {"data", "ids"}
    if unknown:
        raise InvalidBody(f"Unknown key '{sorted(unknown)[0]}' in body: expected data or ids")
    data, raw_ids = body.get("data"), body.get("ids")
    if data is not None and not isinstance(data, list):
        raise InvalidBody("'data' must be an array of records")
    if raw_ids is not None and not isinstance(raw_ids, list):
        raise InvalidBody("'ids' must be an array of ids")
    maximum = target.state.settings.batch_max_records
    if len(data or raw_ids or ()) > maximum:
        raise TooManyRecords(f"Maximum number of records to find duplicates of is {maximum}.")
    ids = [parse_id(str(i)) for i in raw_ids] if raw_ids is not None else None
    async with target.state.db.connection() as conn:
        results = await duplicates.find_duplicates(
            conn,
            target.catalog,
            target.obj,
            data=data,
            ids=ids,
            options=read_options(target),
            access=target.access,
            max_inputs=target.state.settings.batch_max_records,
        )
    key = f"{target.obj.name_singular}Duplicates"
    return ok({"data": [{"totalCount": total, key: records} for total, records in results]})


# ---- read ------------------------------------------------------------------------------


@router.get("/{plural:plural}/groupBy")
async def group_by(target: TargetDep) -> FastJSONResponse:
    """A bare JSON array of groups, as Twenty answers (no envelope)."""
    return await retry.read_fresh(target, _group_by)


async def _group_by(target: Target) -> FastJSONResponse:
    query = target.query
    params.check_known_params(query, params.GROUP_BY)
    records_order = query.get("order_by_for_records")
    async with target.state.db.connection() as conn:
        groups = await grouping.group_by(
            conn,
            target.catalog,
            target.obj,
            dimensions_spec=params.parse_json_param(
                "group_by", query.get("group_by"), required=True
            ),
            aggregate_keys=params.parse_json_param("aggregate", query.get("aggregate")),
            filter=parse_filter(target),
            order_spec=params.parse_json_param("order_by", query.get("order_by")),
            records_order=params.parse_order_by(records_order) if records_order else (),
            include_records=params.parse_bool_flag(
                "include_records_sample", query.get("include_records_sample")
            ),
            limit=params.parse_limit(
                query.get("limit"),
                default=params.GROUP_BY_DEFAULT_LIMIT,
                maximum=target.state.settings.query_max_limit,
            ),
            options=read_options(target),
            access=target.access,
        )
    return ok(groups)


def _list_layout(plural: str) -> layout.Obj:
    """Twenty's REST list: `{"data": {"<plural>": [...]}, "totalCount", "pageInfo"}`."""
    return layout.Obj(
        (
            ("data", layout.Obj(((plural, layout.Each(layout.RECORD)),))),
            ("totalCount", layout.TOTAL_COUNT),
            ("pageInfo", layout.page_info()),
        )
    )


def _limits(target: Target) -> Limits:
    settings = target.state.settings
    return Limits(default=settings.query_default_limit, maximum=settings.query_max_limit)


@router.get("/{plural:plural}")
async def find_many(target: TargetDep) -> Response:
    return await retry.read_fresh(target, _find_many)


async def _find_many(target: Target) -> Response:
    query, settings = target.query, target.state.settings
    params.check_known_params(query, params.FIND_MANY)

    def build() -> ConnectionRead:
        order_text = query.get("order_by")
        after, before = query.get("starting_after") or None, query.get("ending_before") or None
        if after is not None and before is not None:
            raise InvalidParameter("Use either 'starting_after' or 'ending_before', not both")
        return ConnectionRead(
            filter=parse_filter(target),
            order_by=params.parse_order_by(order_text) if order_text else (),
            first=params.parse_limit(
                query.get("limit"),
                default=settings.query_default_limit,
                maximum=settings.query_max_limit,
            ),
            after=after,
            before=before,
            records=reader.selection_read(
                target.catalog, target.obj, read_options(target), target.access
            ),
            layout=_list_layout(target.obj.name_plural),
        )

    async with target.state.db.connection() as conn:
        text = await reader.read_kept_page(
            conn,
            target.catalog,
            target.obj,
            target.request.url.query,  # everything `build` reads (Note [kept statements])
            build,
            access=target.access,
            limits=_limits(target),
            counts=target.state.counts,
        )
    return json_text(text)


@router.get("/{plural:plural}/{record_id}")
async def find_one(record_id: str, target: TargetDep) -> Response:
    params.check_known_params(target.query, params.FIND_ONE)
    parsed = parse_id(record_id)

    async def read(target: Target) -> Response:
        def build() -> RecordRead:
            options = read_options(target)
            return reader.selection_read(target.catalog, target.obj, options, target.access)

        async with target.state.db.connection() as conn:
            text = await reader.read_record_json(
                conn,
                target.catalog,
                target.obj,
                parsed,
                target.request.url.query,  # everything `build` reads
                build,
                access=target.access,
            )
        if text == "null":
            raise RecordNotFound("Record not found", id=record_id)
        return json_text(f'{{"data":{{"{target.obj.name_singular}":{text}}}}}')

    return await retry.read_fresh(target, read)


# ---- delete ----------------------------------------------------------------------------


@router.delete("/{plural:plural}/{record_id}")
async def delete_one(record_id: str, target: TargetDep) -> FastJSONResponse:
    params.check_known_params(target.query, params.DELETE_ONE)
    parsed = parse_id(record_id)
    soft = params.parse_bool_flag("soft_delete", target.query.get("soft_delete"))
    async with target.state.db.transaction() as conn:
        records = await engine.delete(
            conn,
            target.catalog,
            target.obj,
            soft=soft,
            record_id=parsed,
            options=engine.ReadOptions(fields=(("id",),)),  # Twenty answers {id} only
            access=target.access,
        )
    return ok({"data": {f"delete{pascal(target.obj.name_singular)}": records[0]}})


@router.delete("/{plural:plural}")
async def delete_many(target: TargetDep) -> FastJSONResponse:
    params.check_known_params(target.query, params.DELETE_MANY)
    soft = params.parse_bool_flag("soft_delete", target.query.get("soft_delete"))
    async with target.state.db.transaction() as conn:
        records = await engine.delete(
            conn,
            target.catalog,
            target.obj,
            soft=soft,
            filter=parse_filter(target),
            options=read_options(target),
            access=target.access,
            max_records=target.state.settings.mutation_maximum_affected_records,
        )
    key = f"{'delete' if soft else 'destroy'}{pascal(target.obj.name_plural)}"
    return ok({"data": {key: records}})


# ---- restore ---------------------------------------------------------------------------


async def _restore(target: Target, record_id: str | None) -> FastJSONResponse:
    allowed = params.RESTORE_ONE if record_id is not None else params.RESTORE_MANY
    params.check_known_params(target.query, allowed)
    parsed = parse_id(record_id) if record_id is not None else None
    async with target.state.db.transaction() as conn:
        records = await engine.restore(
            conn,
            target.catalog,
            target.obj,
            record_id=parsed,
            filter=None if parsed is not None else parse_filter(target),
            options=read_options(target),
            access=target.access,
            max_records=target.state.settings.mutation_maximum_affected_records,
        )
    if parsed is not None:
        return ok({"data": {f"restore{pascal(target.obj.name_singular)}": records[0]}})
    return ok({"data": {f"restore{pascal(target.obj.name_plural)}": records}})


@router.api_route("/{plural:plural}/{record_id}/restore", methods=["PATCH", "PUT"])
async def restore_one(record_id: str, target: TargetDep) -> FastJSONResponse:
    return await _restore(target, record_id)


@router.api_route("/{plural:plural}/restore", methods=["PATCH", "PUT"])
async def restore_many(target: TargetDep) -> FastJSONResponse:
    return await _restore(target, None)


# ---- update ----------------------------------------------------------------------------


@router.api_route("/{plural:plural}/merge", methods=["PATCH", "PUT"])
async def merge_records(target: TargetDep) -> FastJSONResponse:
    params.check_known_params(target.query, params.MERGE)
    body = await read_json(target.request)
    if not isinstance(body, dict):
        raise InvalidBody("Body must be an object: {ids, conflictPriorityIndex, dryRun}")
    unknown = set(body) - {"ids", "conflictPriorityIndex", "dryRun"}
    if unknown:
        raise InvalidBody(f"Unknown key '{sorted(unknown)[0]}' in merge body")
    raw_ids, priority = body.get("ids"), body.get("conflictPriorityIndex", 0)
    dry_run = body.get("dryRun", False)
    if not isinstance(raw_ids, list):
        raise InvalidBody("'ids' must be an array of record ids")
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise InvalidBody("'conflictPriorityIndex' must be an integer")
    if not isinstance(dry_run, bool):
        raise InvalidBody("'dryRun' must be a boolean")
    merge.check_count(len(raw_ids))
    ids = [parse_id(str(i)) for i in raw_ids]
    async with target.state.db.transaction() as conn:
        record = await merge.merge_records(
            conn,
            target.catalog,
            target.obj,
            ids=ids,
            priority=priority,
            dry_run=dry_run,
            options=read_options(target),
            access=target.access,
        )
    return ok({"data": {f"merge{pascal(target.obj.name_singular)}": record}})


async def _update(
    target: Target, *, record_id: UUID | None, filter: Filter | None
) -> list[dict[str, Any]]:
    body = await read_json(target.request)
    async with target.state.db.transaction() as conn:
        return await engine.update(
            conn,
            target.catalog,
            target.obj,
            body,
            record_id=record_id,
            filter=filter,
            options=read_options(target),
            access=target.access,
            max_records=target.state.settings.mutation_maximum_affected_records,
        )


@router.api_route("/{plural:plural}/{record_id}", methods=["PATCH", "PUT"])
async def update_one(record_id: str, target: TargetDep) -> FastJSONResponse:
    params.check_known_params(target.query, params.UPDATE_ONE)
    records = await _update(target, record_id=parse_id(record_id), filter=None)
    return ok({"data": {f"update{pascal(target.obj.name_singular)}": records[0]}})


@router.api_route("/{plural:plural}", methods=["PATCH", "PUT"])
async def update_many(target: TargetDep) -> FastJSONResponse:
    params.check_known_params(target.query, params.UPDATE_MANY)
    records = await _update(target, record_id=None, filter=parse_filter(target))
    return ok({"data": {f"update{pascal(target.obj.name_plural)}": records}})


# ---- everything else -------------------------------------------------------------------


_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]


@fallback.api_route("", methods=_METHODS, include_in_schema=False)
@fallback.api_route("/{path:path}", methods=_METHODS, include_in_schema=False)
async def invalid_path(request: Request, _principal: PrincipalDep) -> FastJSONResponse:
    """Zero segments, too many, or a method the path does not take: Twenty's 400."""
    raise InvalidPath(f"Query path '{request.url.path}' invalid. {PATH_EXAMPLES}")
