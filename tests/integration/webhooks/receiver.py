"""A webhook receiver for the tests: a real HTTP server on an ephemeral port, in a thread.

It verifies signatures with its own code, written the way Twenty's documentation tells
receivers to (HMAC-SHA256 of `<timestamp>:<JSON.stringify(parsed body)>` with the webhook's
secret), so a body we serialise differently from JavaScript would fail here. It can answer
with any status, go down (its port closed: connection refused) and come back on the same port,
or hold requests without answering.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify_twenty_signature(secret: str, headers: dict[str, str], raw_body: bytes) -> bool:
    """The receiver's check, as Twenty's docs write it in JavaScript:
    hmac(secret, `${timestamp}:${JSON.stringify(req.body)}`) === signature header."""
    timestamp = headers["x-twenty-webhook-timestamp"]
    payload = json.dumps(json.loads(raw_body), separators=(",", ":"), ensure_ascii=False)
    expected = hmac.new(
        secret.encode(), f"{timestamp}:{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, headers["x-twenty-webhook-signature"])


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    raw: bytes
    at: float

    @property
    def body(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.raw)
        return parsed

    @property
    def event_id(self) -> str:
        return self.headers["x-webhook-event-id"]


class Receiver:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.status = 200
        self.received: list[Received] = []  # every request answered 2xx
        self.refused = 0  # requests answered otherwise (held ones included)
        self.held = 0  # requests that arrived while holding: answered 503 once released
        self.holding = threading.Event()  # set: requests wait, unanswered, until cleared
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.status
                if receiver.holding.is_set():
                    with receiver._lock:
                        receiver.held += 1
                    deadline = time.monotonic() + 30
                    while receiver.holding.is_set() and time.monotonic() < deadline:
                        time.sleep(0.02)
                    status = 503  # its sender is gone or gave up: not a delivery
                with receiver._lock:
                    if 200 <= status < 300:
                        headers = {k.lower(): v for k, v in self.headers.items()}
                        receiver.received.append(Received(headers, raw, time.monotonic()))
                    else:
                        receiver.refused += 1
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Close the port: deliveries now meet a refused connection."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self, name: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.received if name is None or r.body["eventName"] == name]

    async def wait_for(
        self, count: int, *, within: float = 20.0, where: Callable[[Received], bool] | None = None
    ) -> list[Received]:
        """At least `count` received requests (matching `where`), or AssertionError."""
        deadline = time.monotonic() + within
        while True:
            with self._lock:
                found = [r for r in self.received if where is None or where(r)]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"received {len(found)} of {count}"
                return found
            await asyncio.sleep(0.05)
