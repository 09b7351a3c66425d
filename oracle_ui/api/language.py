"""The language of an API request: ``Accept-Language`` picks the shipped locale human-readable ``message`` and
``detail`` texts are written in (English when the header is absent or names none we ship, whatever the
dashboard's default); event types, field names and everything else in the answer stay as they are."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..i18n import SOURCE, Language, negotiate, using
from .paths import REST_PREFIX


class RequestLanguage:
    """ASGI middleware: each REST request runs in the language its ``Accept-Language`` header asks for."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or not str(scope.get('path', '')).startswith(REST_PREFIX):
            await self.app(scope, receive, send)
            return
        header = next((v.decode('latin-1') for k, v in scope.get('headers', ()) if k == b'accept-language'), None)
        with using(Language(negotiate(header) or SOURCE)):
            await self.app(scope, receive, send)
