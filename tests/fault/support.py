"""Real server processes for the fault suite: `crm serve` on an ephemeral port, on the test
database, started and waited for within a deadline, killed or stopped at the end."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support import TEST_SECRET

START_DEADLINE = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: asyncio.subprocess.Process
    url: str

    def kill(self) -> None:
        """SIGKILL: no shutdown, no rollback by the server (PostgreSQL rolls back)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.kill()
            await self.process.wait()


def serve_command(port: int) -> list[str]:
    return [str(Path(sys.executable).with_name("crm")), "serve", "--port", str(port)]


def server_environment(database_url: str, **env: str) -> dict[str, str]:
    """The environment of a test server: the test database and secret, no rate limits worth
    meeting, memory counters; `env` adds or overrides settings."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "APP_SECRET": TEST_SECRET,
        "LOG_LEVEL": "warning",
        "RATE_LIMIT_PER_MINUTE": "1000000",
        "RATE_LIMIT_PER_SECOND": "1000000",
        "AUTH_FAILURES_PER_MINUTE": "1000000",
        **env,
    }
    environment.pop("REDIS_URL", None)
    return environment


async def start_server(database_url: str, **env: str) -> Server:
    """A `crm serve` process on `database_url` (URL parameters such as application_name
    included); `env` adds settings."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *serve_command(port), env=server_environment(database_url, **env)
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + START_DEADLINE
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                if (await http.get(f"{server.url}/healthz", timeout=2)).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    server.kill()
    raise RuntimeError("server did not start in time")
