"""The `crm` command: serve, migrate, and manage workspaces and API keys.

crm up                      migrate, create the default workspace (and print its first
                            admin key, once), then serve: what `make run` runs
crm serve [--host --port]   serve the API
crm migrate                 bring the core schema to the head revision
crm worker                  deliver webhooks (beside servers run with WEBHOOK_WORKER=false)
crm workspace create NAME   a workspace with Twenty's standard objects
crm workspace list
crm apikey create --workspace W --name N [--expires-at DATE] [--role LABEL] [--json]
crm apikey list [--workspace W] [--json]
crm apikey revoke ID
crm apikey rotate ID [--overlap-seconds N] [--json]
                            a new token (shown once); the old one works N more seconds
crm role list --workspace W [--json]
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

import typer

from app.auth import api_keys, key_lifecycle
from app.auth.access_inputs import MAX_OVERLAP_SECONDS, KeyCreate
from app.config import ConfigError, Settings, load_settings
from app.db import migrate as migrations
from app.db.database import Database
from app.db.location import resolve_database_url
from app.errors import AppError
from app.metadata import roles, store
from app.metadata.workspaces import create_workspace

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="CRM API server")
workspace_cli = typer.Typer(no_args_is_help=True, help="Workspaces")
apikey_cli = typer.Typer(no_args_is_help=True, help="API keys")
role_cli = typer.Typer(no_args_is_help=True, help="Roles")
cli.add_typer(workspace_cli, name="workspace")
cli.add_typer(apikey_cli, name="apikey")
cli.add_typer(role_cli, name="role")

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _run(work: Callable[[Settings, Database], Awaitable[T]], *, pool_size: int = 2) -> T:
    """Run `work` against the configured database (starting the embedded one if needed)."""
    settings = _settings()

    async def main() -> T:
        db = Database(await resolve_database_url(settings), min_size=1, max_size=pool_size)
        await db.open()
        try:
            return await work(settings, db)
        finally:
            await db.close()

    try:
        return asyncio.run(main())
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


def _migrate(settings: Settings) -> None:
    async def url() -> str:
        return await resolve_database_url(settings)

    migrations.upgrade(asyncio.run(url()))


@cli.command()
def migrate() -> None:
    """Bring the core schema to the head revision."""
    _migrate(_settings())
    typer.echo(f"core schema at revision {migrations.head_revision()}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: PORT or 3000)")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="server processes (default: WORKERS or 1)")
    ] = None,
) -> None:
    """Serve the API."""
    import uvicorn

    from app.main import create_app

    settings = _settings()
    count = workers or settings.workers
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level,
        "access_log": False,
    }
    if count == 1:
        uvicorn.run(create_app(settings), **options)
    else:
        # Each worker builds its own app from the environment; they share the database and,
        # with REDIS_URL, the rate-limit counters (without it, each keeps its own).
        uvicorn.run("app.main:create_app", factory=True, workers=count, **options)


@cli.command()
def up(
    host: Annotated[str | None, typer.Option(help="interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port (default: PORT or 3000)")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="server processes (default: WORKERS or 1)")
    ] = None,
) -> None:
    """Migrate, make sure the default workspace exists, then serve."""
    settings = _settings()
    _migrate(settings)

    async def bootstrap(settings: Settings, db: Database) -> tuple[str, str | None]:
        async with db.transaction() as conn:
            workspace = await store.find_workspace(conn, settings.default_workspace)
            if workspace is not None:
                return workspace.name, None
            workspace = await create_workspace(conn, settings.default_workspace)
            admin = await roles.role_by_label(conn, workspace.id, roles.ADMIN)
            _key, token = await api_keys.create_api_key(
                conn,
                secret=settings.resolved_secret(),
                workspace_id=workspace.id,
                name="admin",
                role_id=admin.id if admin else None,
            )
            return workspace.name, token

    name, token = _run(bootstrap)
    base = f"http://{host or settings.host}:{port or settings.port}"
    if token is not None:
        typer.echo(
            f"\nCreated workspace '{name}' with Twenty's standard objects.\n"
            f"Admin API key (shown once, keep it safe):\n\n    {token}\n\n"
            f"Try: curl -H 'Authorization: Bearer {token}' {base}/rest/people"
        )
    else:
        typer.echo(
            f"\nWorkspace '{name}' exists; its first admin key was printed when it was created "
            "(more: .venv/bin/crm apikey create --workspace "
            f"{name} --name me)."
        )
    typer.echo(_playground_banner(base))
    serve(host=host, port=port, workers=workers)


def _playground_banner(base: str) -> str:
    """Where to try the API in a browser (paste the key into the page)."""
    return (
        "\nPlaygrounds (paste the API key into the page):\n"
        f"    REST     {base}/playground/rest?doc=core        (metadata: ?doc=metadata)\n"
        f"    GraphQL  {base}/playground/graphql?endpoint=graphql   (?endpoint=metadata)\n"
        f"OpenAPI:   {base}/rest/open-api/core  and  {base}/rest/open-api/metadata\n"
    )


@cli.command()
def worker() -> None:
    """Deliver webhooks until SIGTERM or SIGINT (docs/webhooks.md)."""
    from app.webhooks.worker import DeliveryPolicy, DeliveryWorker

    settings = _settings()

    async def work(settings: Settings, db: Database) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        delivery = DeliveryWorker(db, DeliveryPolicy.from_settings(settings))
        await delivery.start()
        typer.echo("delivering webhooks (stop with Ctrl-C)")
        await stop.wait()
        await delivery.stop()

    _run(work, pool_size=settings.db_pool_size)


@workspace_cli.command("create")
def workspace_create(name: str) -> None:
    """Create a workspace with Twenty's standard objects."""

    async def work(_settings: Settings, db: Database) -> tuple[store.Workspace, float]:
        started = time.perf_counter()
        async with db.transaction() as conn:
            workspace = await create_workspace(conn, name)
        return workspace, time.perf_counter() - started

    workspace, seconds = _run(work)
    typer.echo(
        f"created workspace '{workspace.name}' ({workspace.id}, schema {workspace.schema_name}) "
        f"in {seconds * 1000:.0f} ms"
    )


@workspace_cli.command("list")
def workspace_list() -> None:
    """List workspaces."""

    async def work(_settings: Settings, db: Database) -> list[store.Workspace]:
        async with db.connection() as conn:
            return await store.list_workspaces(conn)

    for workspace in _run(work):
        typer.echo(f"{workspace.id}  {workspace.name}  {workspace.schema_name}")


def _parse_expiry(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        typer.echo(f"error: --expires-at '{text}' is not an ISO date (e.g. 2027-01-31)", err=True)
        raise typer.Exit(2) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _key_json(key: api_keys.ApiKey) -> dict[str, Any]:
    return {
        "id": str(key.id),
        "workspaceId": str(key.workspace_id),
        "name": key.name,
        "roleId": str(key.role_id) if key.role_id else None,
        "status": key.status,
        "tokenHint": key.token_hint,
        "expiresAt": key.expires_at.isoformat() if key.expires_at else None,
        "revokedAt": key.revoked_at.isoformat() if key.revoked_at else None,
        "lastUsedAt": key.last_used_at.isoformat() if key.last_used_at else None,
        "previousTokenValidUntil": (
            key.previous_token_valid_until.isoformat() if key.previous_token_valid_until else None
        ),
        "createdAt": key.created_at.isoformat(),
    }


@apikey_cli.command("create")
def apikey_create(
    workspace: Annotated[str, typer.Option(help="workspace name or id")],
    name: Annotated[str, typer.Option(help="a name to recognise the key by")],
    expires_at: Annotated[str | None, typer.Option(help="ISO date or datetime")] = None,
    role: Annotated[str, typer.Option(help="role label")] = roles.ADMIN,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Create an API key and print its token (once)."""
    expiry = _parse_expiry(expires_at)

    async def work(settings: Settings, db: Database) -> tuple[api_keys.ApiKey, str]:
        async with db.transaction() as conn:
            found = await store.find_workspace(conn, workspace)
            if found is None:
                raise AppError(f"workspace '{workspace}' not found")
            role_row = await roles.role_by_label(conn, found.id, role)
            if role_row is None:
                raise AppError(f"role '{role}' not found in workspace '{found.name}'")
            spec = KeyCreate(name=name, role_id=role_row.id, expires_at=expiry)
            return await key_lifecycle.create(
                conn, secret=settings.resolved_secret(), workspace_id=found.id, spec=spec
            )

    key, token = _run(work)
    if as_json:
        typer.echo(json.dumps({**_key_json(key), "token": token}))
    else:
        typer.echo(f"API key {key.id} ('{key.name}'). Token, shown once:\n{token}")


@apikey_cli.command("list")
def apikey_list(
    workspace: Annotated[str | None, typer.Option(help="workspace name or id")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List API keys (never their tokens)."""

    async def work(_settings: Settings, db: Database) -> list[api_keys.ApiKey]:
        async with db.connection() as conn:
            workspace_id = None
            if workspace is not None:
                found = await store.find_workspace(conn, workspace)
                if found is None:
                    raise AppError(f"workspace '{workspace}' not found")
                workspace_id = found.id
            return await api_keys.list_api_keys(conn, workspace_id)

    keys = _run(work)
    if as_json:
        typer.echo(json.dumps([_key_json(k) for k in keys]))
        return
    for key in keys:
        typer.echo(f"{key.id}  {key.name:<20} {key.status:<8} {key.token_hint or ''}")


def _key_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        typer.echo(f"error: '{text}' is not a valid key id (a UUID)", err=True)
        raise typer.Exit(2) from None


@apikey_cli.command("revoke")
def apikey_revoke(key_id: str) -> None:
    """Revoke an API key: it stops working at once."""
    parsed = _key_id(key_id)

    async def work(_settings: Settings, db: Database) -> api_keys.ApiKey:
        async with db.transaction() as conn:
            return await api_keys.revoke_api_key(conn, parsed)

    key = _run(work)
    typer.echo(f"revoked API key {key.id} ('{key.name}')")


@apikey_cli.command("rotate")
def apikey_rotate(
    key_id: str,
    overlap_seconds: Annotated[
        int,
        typer.Option(
            min=0,
            max=MAX_OVERLAP_SECONDS,
            help="how long the replaced token keeps working (default: it stops at once)",
        ),
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Give an API key a new token (printed once)."""
    parsed = _key_id(key_id)

    async def work(settings: Settings, db: Database) -> tuple[api_keys.ApiKey, str]:
        async with db.transaction() as conn:
            workspace_id = await conn.fetchval(
                "SELECT workspace_id FROM core.api_key WHERE id = $1", parsed
            )
            if workspace_id is None:
                raise AppError(f"API key '{parsed}' not found")
            return await key_lifecycle.rotate(
                conn,
                secret=settings.resolved_secret(),
                workspace_id=workspace_id,
                key_id=parsed,
                overlap_seconds=overlap_seconds,
            )

    key, token = _run(work)
    if as_json:
        typer.echo(json.dumps({**_key_json(key), "token": token}))
        return
    until = key.previous_token_valid_until
    old = f"works until {until.isoformat()}" if until else "no longer works"
    typer.echo(f"API key {key.id} ('{key.name}'): the old token {old}. New token, shown once:")
    typer.echo(token)


@role_cli.command("list")
def role_list(
    workspace: Annotated[str, typer.Option(help="workspace name or id")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List a workspace's roles and how many API keys hold each."""

    async def work(_settings: Settings, db: Database) -> list[tuple[roles.Role, int]]:
        async with db.connection() as conn:
            found = await store.find_workspace(conn, workspace)
            if found is None:
                raise AppError(f"workspace '{workspace}' not found")
            held = await conn.fetch(
                "SELECT role_id, count(*) AS n FROM core.api_key WHERE workspace_id = $1 "
                "GROUP BY role_id",
                found.id,
            )
            counts = {r["role_id"]: r["n"] for r in held}
            return [(r, counts.get(r.id, 0)) for r in await roles.list_roles(conn, found.id)]

    listed = _run(work)
    if as_json:
        typer.echo(json.dumps([_role_json(role, keys) for role, keys in listed]))
        return
    for role, keys in listed:
        flags = "settings" if role.can_update_all_settings else "-"
        editable = "editable" if role.is_editable else "fixed"
        typer.echo(f"{role.id}  {role.label:<20} {editable:<8} {flags:<8} {keys} key(s)")


def _role_json(role: roles.Role, keys: int) -> dict[str, Any]:
    return {
        "id": str(role.id),
        "label": role.label,
        "description": role.description,
        "isEditable": role.is_editable,
        "canUpdateAllSettings": role.can_update_all_settings,
        "canReadAllObjectRecords": role.can_read_all_object_records,
        "canUpdateAllObjectRecords": role.can_update_all_object_records,
        "canSoftDeleteAllObjectRecords": role.can_soft_delete_all_object_records,
        "canDestroyAllObjectRecords": role.can_destroy_all_object_records,
        "canBeAssignedToApiKeys": role.can_be_assigned_to_api_keys,
        "apiKeys": keys,
    }


def main() -> None:
    try:
        cli()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
