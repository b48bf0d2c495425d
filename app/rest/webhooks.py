"""REST for a workspace's webhooks, as Twenty serves them, and their delivery log (ours).

    GET    …/webhooks                 a bare JSON array of webhooks (Twenty's answer)
    GET    …/webhooks/{id}            the webhook (404 WEBHOOK_NOT_FOUND if absent)
    POST   …/webhooks                 201, the created webhook (its secret generated if absent)
    PATCH  …/webhooks/{id}            the updated webhook: targetUrl, operations, description,
                                      secret
    DELETE …/webhooks/{id}            true

on `/rest/metadata/webhooks` and, deprecated with Twenty's `Deprecation`/`Link` headers, on
`/rest/webhooks`. The log, on `/rest/metadata/webhooks/{id}` only:

    GET  …/deliveries                 newest first: `status` (pending, delivered, failed),
                                      `limit` (≤ 200), `starting_after` (a delivery id)
    GET  …/deliveries/{deliveryId}    one delivery, with the payload it sends
    POST …/deliveries/{deliveryId}/replay   send it again now
    POST …/deliveries/replay          send every failed delivery again

Every route needs a key whose role may manage API keys and webhooks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from app.errors import InvalidParameter, UnknownParameter
from app.rest import params
from app.rest.access import DEPRECATION
from app.rest.deps import PrincipalDep, StateDep
from app.rest.metadata_envelope import json_body, one_response, path_id
from app.rest.responses import FastJSONResponse
from app.webhooks.deliveries import FAILING_AFTER
from app.webhooks.service import STATUSES, WebhookService
from app.webhooks.store import Webhook
from app.webhooks.wire import iso

router = APIRouter()

WEBHOOKS = "/rest/metadata/webhooks"
LEGACY_WEBHOOKS = "/rest/webhooks"
LOG_PAGE = 50
LOG_MAX = 200
_LOG_PARAMETERS = ("status", "limit", "starting_after")


def webhook_service(principal: PrincipalDep, state: StateDep) -> WebhookService:
    return WebhookService(
        state.db,
        catalogs=state.catalogs,
        principal=principal,
        allow_private=state.settings.webhook_allow_private_targets,
    )


WebhooksDep = Annotated[WebhookService, Depends(webhook_service)]


def _moment(value: Any) -> str | None:
    return iso(value) if value is not None else None


def webhook_json(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": str(webhook.id),
        "targetUrl": webhook.target_url,
        "operations": list(webhook.operations),
        "description": webhook.description,
        "secret": webhook.secret,
        "applicationId": str(webhook.application_id),
        "createdAt": _moment(webhook.created_at),
        "updatedAt": _moment(webhook.updated_at),
        "deletedAt": _moment(webhook.deleted_at),
    }


def delivery_json(row: Mapping[str, Any], *, payload: bool = False) -> dict[str, Any]:
    out = {
        "id": str(row["id"]),
        "eventName": row["event_name"],
        "objectMetadata": {
            "id": str(row["object_metadata_id"]),
            "nameSingular": row["object_name"],
        },
        "recordId": str(row["record_id"]),
        "status": row["status"],
        "attempts": row["attempts"],
        "eventDate": _moment(row["event_date"]),
        "createdAt": _moment(row["created_at"]),
        "nextAttemptAt": _moment(row["next_attempt_at"]) if row["status"] == "pending" else None,
        "deliveredAt": _moment(row["delivered_at"]),
        "replayedAt": _moment(row["replayed_at"]),
        "lastStatusCode": row["last_status_code"],
        "lastError": row["last_error"],
        "attemptLog": row["attempt_log"],
    }
    if payload:
        out["payload"] = {"record": row["record"], "updatedFields": row["updated_fields"]}
    return out


def endpoint_json(webhook: Webhook) -> dict[str, Any]:
    failing = webhook.consecutive_failures >= FAILING_AFTER
    return {
        "state": "failing" if failing else "healthy",
        "consecutiveFailures": webhook.consecutive_failures,
        "failingSince": _moment(webhook.failing_since),
        "lastSuccessAt": _moment(webhook.last_success_at),
        "lastFailureAt": _moment(webhook.last_failure_at),
    }


def _headers(request: Request) -> dict[str, str] | None:
    if not request.url.path.startswith(LEGACY_WEBHOOKS):
        return None
    return {**DEPRECATION, "Link": f'<{WEBHOOKS}>; rel="successor-version"'}


def _no_parameters(request: Request, allowed: tuple[str, ...] = ()) -> None:
    for name in request.query_params:
        if name not in allowed:
            known = f" Allowed: {', '.join(allowed)}" if allowed else ""
            raise UnknownParameter(f"Unknown query parameter '{name}'.{known}", parameter=name)


# ---- webhooks (registered under both prefixes below) --------------------------------------


async def find_webhooks(request: Request, webhooks: WebhooksDep) -> FastJSONResponse:
    _no_parameters(request)
    found = await webhooks.find_all()
    return FastJSONResponse([webhook_json(w) for w in found], headers=_headers(request))


async def find_webhook(
    webhook_id: str, request: Request, webhooks: WebhooksDep
) -> FastJSONResponse:
    webhook = await webhooks.get(path_id(webhook_id))
    return FastJSONResponse(webhook_json(webhook), headers=_headers(request))


async def create_webhook(request: Request, webhooks: WebhooksDep) -> FastJSONResponse:
    created = await webhooks.create(await json_body(request))
    return FastJSONResponse(webhook_json(created), 201, headers=_headers(request))


async def update_webhook(
    webhook_id: str, request: Request, webhooks: WebhooksDep
) -> FastJSONResponse:
    parsed = path_id(webhook_id)
    updated = await webhooks.update(parsed, await json_body(request))
    return FastJSONResponse(webhook_json(updated), headers=_headers(request))


async def delete_webhook(
    webhook_id: str, request: Request, webhooks: WebhooksDep
) -> FastJSONResponse:
    await webhooks.delete(path_id(webhook_id))
    return FastJSONResponse(True, headers=_headers(request))


_ROUTES: list[tuple[str, Callable[..., Any], list[str], int]] = [
    ("", find_webhooks, ["GET"], 200),
    ("", create_webhook, ["POST"], 201),
    ("/{webhook_id}", find_webhook, ["GET"], 200),
    ("/{webhook_id}", update_webhook, ["PATCH"], 200),
    ("/{webhook_id}", delete_webhook, ["DELETE"], 200),
]
for _prefix in (WEBHOOKS, LEGACY_WEBHOOKS):
    for _path, _endpoint, _methods, _status in _ROUTES:
        router.add_api_route(
            _prefix + _path,
            _endpoint,
            methods=_methods,
            status_code=_status,
            name=f"{_endpoint.__name__}{'_legacy' if _prefix == LEGACY_WEBHOOKS else ''}",
        )


# ---- the delivery log -----------------------------------------------------------------------


@router.get(WEBHOOKS + "/{webhook_id}/deliveries")
async def find_deliveries(
    webhook_id: str, request: Request, webhooks: WebhooksDep
) -> FastJSONResponse:
    _no_parameters(request, _LOG_PARAMETERS)
    query = request.query_params
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        raise InvalidParameter(
            f"status '{status}' is invalid. Use one of {', '.join(STATUSES)}", parameter="status"
        )
    after = query.get("starting_after") or None
    webhook, rows, more, total = await webhooks.deliveries(
        path_id(webhook_id),
        status=status,
        limit=params.parse_limit(query.get("limit"), default=LOG_PAGE, maximum=LOG_MAX),
        after=_cursor(after),
    )
    items = [delivery_json(row) for row in rows]
    return FastJSONResponse(
        {
            "data": {"webhookDeliveries": items},
            "endpoint": endpoint_json(webhook),
            "pageInfo": {
                "hasNextPage": more,
                "startCursor": items[0]["id"] if items else None,
                "endCursor": items[-1]["id"] if items else None,
            },
            "totalCount": total,
        }
    )


def _cursor(text: str | None) -> UUID | None:
    if text is None:
        return None
    try:
        return UUID(text)
    except ValueError:
        raise InvalidParameter(
            f"starting_after '{text}' is not a delivery id", parameter="starting_after"
        ) from None


@router.post(WEBHOOKS + "/{webhook_id}/deliveries/replay")
async def replay_failed(webhook_id: str, webhooks: WebhooksDep) -> FastJSONResponse:
    count = await webhooks.replay_failed(path_id(webhook_id))
    return one_response("replayWebhookDeliveries", {"count": count})


@router.get(WEBHOOKS + "/{webhook_id}/deliveries/{delivery_id}")
async def find_delivery(
    webhook_id: str, delivery_id: str, webhooks: WebhooksDep
) -> FastJSONResponse:
    row = await webhooks.delivery(path_id(webhook_id), path_id(delivery_id))
    return one_response("webhookDelivery", delivery_json(row, payload=True))


@router.post(WEBHOOKS + "/{webhook_id}/deliveries/{delivery_id}/replay")
async def replay_delivery(
    webhook_id: str, delivery_id: str, webhooks: WebhooksDep
) -> FastJSONResponse:
    row = await webhooks.replay(path_id(webhook_id), path_id(delivery_id))
    return one_response("replayWebhookDelivery", delivery_json(row))
