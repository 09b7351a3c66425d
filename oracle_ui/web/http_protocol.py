"""uvicorn's httptools HTTP protocol, with two changes: ``X-Forwarded-*`` headers count only from trusted proxies,
and no reference cycle is left behind each WebSocket upgrade. Pass :class:`HttpProtocol` as uvicorn's ``http``
setting and :func:`proxy_args` as its proxy settings.

Forwarded headers: uvicorn rewrites the client address from ``X-Forwarded-For`` only for ``forwarded_allow_ips``,
but NiceGUI reads ``X-Forwarded-Prefix`` from anyone (it prefixes redirects and asset URLs with it), so from a
peer that is not a trusted proxy every ``X-Forwarded-*``, ``Forwarded`` and ``X-Real-IP`` header is dropped here,
before any middleware sees the request (WebSocket upgrades included: they replay these headers).

Upgrade cycle: the protocol and its ``httptools`` parser refer to each other. uvicorn breaks that cycle when the
connection is lost, but a connection upgraded to a WebSocket is lost by the WebSocket protocol, never by this one,
so every WebSocket connect left a protocol object (with the upgrade request's headers) and its parser for the
cyclic garbage collector, whose full passes ``main.GC_THRESHOLDS`` makes rare on purpose.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..settings import Settings

FORWARDING_HEADERS = (b'x-forwarded-', b'forwarded', b'x-real-ip')


def proxy_args(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy settings for ``settings.trusted_proxies`` (none: proxy headers off, whatever
    ``FORWARDED_ALLOW_IPS`` says)."""
    return {'proxy_headers': bool(settings.trusted_proxies), 'forwarded_allow_ips': list(settings.trusted_proxies)}


@functools.lru_cache(maxsize=16)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for item in trusted:
        with contextlib.suppress(ValueError):
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
    return tuple(networks)


def is_trusted_proxy(host: str | None, trusted: tuple[str, ...]) -> bool:
    """Whether the peer ``host`` is one of the ``trusted`` addresses or networks (``*``: anyone, as in uvicorn)."""
    if not host or not trusted:
        return False
    if '*' in trusted:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in _networks(trusted))


class HttpProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` that drops forwarding headers from untrusted peers and lets go of its parser once the
    connection belongs to a WebSocket protocol."""

    def on_headers_complete(self) -> None:
        allowed = self.config.forwarded_allow_ips
        trusted = (
            tuple(allowed.split(',') if isinstance(allowed, str) else allowed) if self.config.proxy_headers else ()
        )
        if not is_trusted_proxy(self.client[0] if self.client else None, trusted):
            headers = self.headers  # the request scope's list
            if any(name.startswith(FORWARDING_HEADERS) for name, _ in headers):
                headers[:] = [(n, v) for n, v in headers if not n.startswith(FORWARDING_HEADERS)]
        super().on_headers_complete()

    def handle_websocket_upgrade(self) -> None:
        super().handle_websocket_upgrade()
        self.parser = None  # type: ignore[assignment]  # as uvicorn's own connection_lost does
