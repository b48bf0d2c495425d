"""Where the database is: the configured DATABASE_URL, or the embedded server we start."""

from __future__ import annotations

from app.config import Settings
from app.db import embedded


async def resolve_database_url(settings: Settings) -> str:
    """The URL to connect to, starting the embedded PostgreSQL first when none is configured."""
    if settings.database_url is not None:
        return settings.database_url
    import asyncio

    socket_dir = await asyncio.to_thread(embedded.start, settings.crm_data_dir)
    await embedded.ensure_database(socket_dir)
    return embedded.url_for(socket_dir)
