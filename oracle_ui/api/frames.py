"""Serialized messages, server WebSocket frames, and the client transport they can be written to directly."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.websockets import WebSocket
from websockets.frames import Frame, Opcode


def dumps(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


def text_frame(text: str) -> bytes:
    """``text`` as one server-to-client WebSocket frame (unmasked, so the same bytes suit every client)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


TRANSPORT_METHODS = ('write', 'get_write_buffer_size', 'is_closing', 'abort')


def server_transport(ws: WebSocket) -> asyncio.WriteTransport | None:
    """The client's transport, if the ASGI server exposes it on the protocol object behind ``receive``.

    uvicorn's WebSocket protocols (wsproto, websockets, websockets-sansio) do; anything else gets the ASGI send
    path. A test checks the fast path is in use under the app's server, so an upgrade that hides it shows up.
    """
    protocol = getattr(getattr(ws, '_receive', None), '__self__', None)
    transport = getattr(protocol, 'transport', None)
    usable = all(callable(getattr(transport, name, None)) for name in TRANSPORT_METHODS)  # uvloop's are no subclass
    return transport if usable else None
