"""uvicorn's httptools HTTP protocol without the reference cycle it leaves behind each WebSocket upgrade.

The protocol and its ``httptools`` parser refer to each other. uvicorn breaks that cycle when the connection is
lost, but a connection upgraded to a WebSocket is lost by the WebSocket protocol, never by this one, so every
WebSocket connect left a protocol object (with the upgrade request's headers) and its parser for the cyclic
garbage collector, whose full passes ``main.GC_THRESHOLDS`` makes rare on purpose. Pass :class:`HttpProtocol`
as uvicorn's ``http`` setting.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HttpProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` that lets go of its parser once the connection belongs to a WebSocket protocol."""

    def handle_websocket_upgrade(self) -> None:
        super().handle_websocket_upgrade()
        self.parser = None  # type: ignore[assignment]  # as uvicorn's own connection_lost does
