"""Uploads reach a page only from that page's own browser session, live, with the operator role.

NiceGUI serves each ``ui.upload`` at ``/_nicegui/client/<client id>/upload/<element id>`` and takes a POST there
from anyone who has the URL, cookie or not. This middleware (inside NiceGUI's session middleware, so it sees the
session cookie) refuses with 403, before the body is read, a request whose session is not the one the page was
opened in, whose session has ended, or whose user is not an operator.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from nicegui import Client
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .session import session_principal

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)
UPLOAD_PATH = re.compile(r'/_nicegui/client/([^/]+)/upload/[^/]+')


class UploadGate:
    """The ASGI middleware; ``context`` knows the open pages and their sessions."""

    def __init__(self, app: ASGIApp, context: AppContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = UPLOAD_PATH.fullmatch(scope['path']) if scope['type'] == 'http' else None
        if match and (reason := self.refusal(match.group(1), scope)):
            peer = scope.get('client') or ('unknown', 0)
            log.warning('refused an upload from %s: %s', peer[0], reason)
            await JSONResponse({'detail': f'upload refused: {reason}'}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, client_id: str, scope: Scope) -> str:
        """Why an upload to the page ``client_id`` from this request is refused ('' if it is not)."""
        client = Client.instances.get(client_id)
        page_session = self.context.pages.session_of(client) if client is not None else None
        if page_session is None:
            return 'no such page open'
        session = scope.get('session') or {}
        if session.get('id') != page_session:
            return "not from the page's own browser session"
        who = session_principal(self.context.system, page_session)
        if who is None:
            return 'the session has ended'
        if not who.can_control:
            return f'{who.label} has the viewer role; uploading needs an operator'
        return ''
