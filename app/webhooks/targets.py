"""Where webhooks may be sent: target URL normalisation and the guard against internal hosts.

Note [webhook targets]: a webhook makes this server send requests to an address a client chose,
so by default it refuses targets that are not http(s) or that resolve to an address which is
not public: loopback, private (RFC 1918, unique local), link-local (cloud metadata endpoints
such as 169.254.169.254), shared, reserved, unspecified or multicast. The check runs twice:
when a webhook is created or its URL changed (a clear 400), and again at every connection the
delivery worker opens (the transport below resolves the name itself and connects only to the
addresses it checked, so a name that later resolves elsewhere, DNS rebinding, gains nothing).
Redirects are never followed. An operator whose receivers live on an internal network sets
WEBHOOK_ALLOW_PRIVATE_TARGETS=true.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from typing import Any

import ada_url
import httpcore
import httpx

from app.errors import InvalidTargetUrl

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT = 2.0  # seconds a create or update waits for DNS before accepting the name
ALLOW_SETTING = "WEBHOOK_ALLOW_PRIVATE_TARGETS=true"
_WHITESPACE = re.compile(r"\s+")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def collapse(text: str) -> str:
    """Trim and collapse inner runs of whitespace, as Twenty does to targetUrl and description."""
    return _WHITESPACE.sub(" ", text).strip()


def normalise(text: str) -> str:
    """The URL as Twenty stores it (`new URL(x).toString()`: WHATWG serialisation, e.g. a bare
    origin gains its `/`); InvalidTargetUrl unless it is an absolute http(s) URL."""
    url_text = collapse(text)
    if not url_text or len(url_text) > MAX_URL_LENGTH:
        raise InvalidTargetUrl(
            f"Invalid target URL: expected an http(s) URL of at most {MAX_URL_LENGTH} characters",
            field="targetUrl",
        )
    try:
        url = ada_url.URL(url_text)
    except ValueError:
        raise InvalidTargetUrl(
            f"Invalid target URL '{url_text}'. Please provide a valid HTTP or HTTPS URL.",
            hint="e.g. https://example.com/webhooks/crm",
            field="targetUrl",
        ) from None
    if url.protocol not in ("http:", "https:") or not url.hostname:
        raise InvalidTargetUrl(
            f"Invalid target URL '{url_text}': only http and https URLs can receive webhooks",
            field="targetUrl",
        )
    href: str = url.href
    return href


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _unmapped(address: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address it maps."""
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


def is_public(address: IPAddress) -> bool:
    address = _unmapped(address)
    return address.is_global and not address.is_multicast


def _kind(address: IPAddress) -> str:
    address = _unmapped(address)
    if address.is_loopback:
        return "a loopback"
    if address.is_link_local:
        return "a link-local (metadata)"
    if address.is_private:
        return "a private"
    return "a non-public"


async def _resolve(host: str, port: int, wait: float | None) -> list[IPAddress]:
    literal = _address(host)
    if literal is not None:
        return [literal]
    infos = await asyncio.wait_for(
        asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM), wait
    )
    found = [_address(str(info[4][0])) for info in infos]
    return list(dict.fromkeys(a for a in found if a is not None))


async def check(url_text: str, *, allow_private: bool) -> None:
    """InvalidTargetUrl when the normalised `url_text` names an internal host (Note [webhook
    targets]). A name that does not resolve now is accepted: delivery checks again."""
    if allow_private:
        return
    url = ada_url.URL(url_text)
    host = url.hostname
    port = int(url.port) if url.port else (443 if url.protocol == "https:" else 80)
    try:
        addresses = await _resolve(host, port, RESOLVE_TIMEOUT)
    except (OSError, TimeoutError):
        return
    for address in addresses:
        if not is_public(address):
            raise InvalidTargetUrl(
                f"Invalid target URL '{url_text}': {host} resolves to {address}, "
                f"{_kind(address)} address; webhooks may only target public hosts",
                hint=f"an operator can allow internal targets with {ALLOW_SETTING}",
                field="targetUrl",
            )


class _PublicOnly(httpcore.AsyncNetworkBackend):
    """Resolves each host itself and connects only to public addresses (Note [webhook
    targets])."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await _resolve(host, port, timeout)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        allowed = [a for a in addresses if is_public(a)]
        if not allowed:
            shown = addresses[0] if addresses else "nothing"
            raise httpcore.ConnectError(
                f"{host} resolves to {shown}, not a public address: refused ({ALLOW_SETTING} "
                "allows internal targets)"
            )
        failure: Exception | None = None
        for address in allowed:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx offers no hook for the network backend: its pool is rebuilt with the same
        # options and ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PublicOnly(),
        )


def client(*, allow_private: bool, user_agent: str) -> httpx.AsyncClient:
    """The HTTP client deliveries go through: no redirects, no proxy from the environment,
    and unless `allow_private`, public addresses only."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    transport = (
        httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
        if allow_private
        else _GuardedTransport(limits)
    )
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        headers={"User-Agent": user_agent},
    )
