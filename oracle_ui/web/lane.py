"""The API's own lane through the app's middleware stack.

NiceGUI puts session, request-tracking, cache-header and prefix-redirect middlewares in front of every
request; they serve its pages (three of them are ``BaseHTTPMiddleware``, each a task and two memory streams per
request). REST and WebSocket API requests use none of them, so :func:`install_api_lane` sends requests under the
API's prefixes straight to the first middleware of ours in the stack (the guard): same routes, same guard, same
error handlers, without the pages' layers. Measured with ``python -m benchmarks.ws_fanout``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class ApiLane:
    """ASGI dispatcher: paths under ``prefixes`` go to ``api``, everything else to ``app``."""

    def __init__(self, app: ASGIApp, api: ASGIApp, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.api = api
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] in ('http', 'websocket') and scope['path'].startswith(self.prefixes):
            await self.api(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install_api_lane(app: Starlette, entry: tuple[type, ...], prefixes: tuple[str, ...]) -> None:
    """Once ``app`` builds its middleware stack, route ``prefixes`` to the outermost ``entry`` middleware in it.

    The lane keeps what the full stack does around it that the API needs: turning an unhandled error into a 500
    (with the app's own handler) and gzip for large responses.
    """
    build = app.build_middleware_stack

    def build_with_lane() -> ASGIApp:
        stack = build()
        inner: ASGIApp | None = stack
        while inner is not None and not isinstance(inner, entry):
            inner = getattr(inner, 'app', None)
        if inner is None:
            raise RuntimeError(f'none of {entry} is in the middleware stack')
        handler = app.exception_handlers.get(500) or app.exception_handlers.get(Exception)
        api = ServerErrorMiddleware(GZipMiddleware(inner), handler=handler, debug=app.debug)
        return ApiLane(stack, api, prefixes)

    app.build_middleware_stack = build_with_lane  # type: ignore[method-assign]
