"""What a browser may write into the server's log: NiceGUI's socket.io ``log`` message, tamed.

NiceGUI logs whatever text a page sends at whatever level it names, ``error`` included, and any page may send it
(the login page is public). Here a message is taken only from the socket that belongs to the page it names, is
logged at WARNING at most, marked as coming from that browser, shortened and with control characters escaped.
"""

from __future__ import annotations

import logging
from typing import Any

from nicegui import Client, core

from ..logs import escape_controls

log = logging.getLogger('oracle_ui.browser')
MAX_CHARS = 500
LEVELS = {'debug': logging.DEBUG, 'info': logging.INFO, 'warning': logging.WARNING, 'error': logging.WARNING}


def install() -> None:
    """Replace NiceGUI's handler of the browser's ``log`` message."""
    core.sio.on('log', browser_log)


def browser_log(sid: str, msg: Any) -> None:
    if not isinstance(msg, dict):
        return
    client_id = msg.get('client_id')
    client = Client.instances.get(client_id) if isinstance(client_id, str) else None
    if client is None or client_id not in core.sio.rooms(sid):  # the handshake puts a page's socket in its room
        return
    level = LEVELS.get(str(msg.get('level')), logging.INFO)
    text = escape_controls(str(msg.get('message', '')))[:MAX_CHARS]
    log.log(level, 'browser %s on %s: %s', client.ip or 'unknown', client.page.path, text)
