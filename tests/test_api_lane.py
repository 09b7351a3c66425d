"""install_api_lane: API paths skip the pages' middlewares but keep ours, the routes and the error handling.

WebSockets take the lane in the real app: tests/test_api_ws.py."""

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from oracle_ui.web.lane import install_api_lane


class Ours:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        async def mark(message) -> None:
            if message['type'] == 'http.response.start':
                message['headers'] = [*message['headers'], (b'x-ours', b'1')]
            await send(message)

        await self.app(scope, receive, mark if scope['type'] == 'http' else send)


class PagesOnly(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        response.headers['x-pages'] = '1'
        return response


def build_app() -> Starlette:
    async def ok(request):
        return PlainTextResponse('x' * 2000)

    async def broken(request):
        raise RuntimeError('boom')

    app = Starlette(routes=[Route('/api/ok', ok), Route('/api/broken', broken), Route('/page', ok)])
    app.add_middleware(Ours)
    app.add_middleware(PagesOnly)  # added later: outside ours, like NiceGUI's
    install_api_lane(app, (Ours,), ('/api/',))
    return app


async def test_api_requests_skip_the_pages_layers_and_keep_ours() -> None:
    transport = httpx.ASGITransport(build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url='http://test') as client:
        api = await client.get('/api/ok', headers={'accept-encoding': 'gzip'})
        page = await client.get('/page')
        broken = await client.get('/api/broken')
        missing = await client.get('/api/missing')
    assert api.headers['x-ours'] == '1' and 'x-pages' not in api.headers
    assert api.headers['content-encoding'] == 'gzip' and api.text == 'x' * 2000
    assert page.headers['x-ours'] == '1' and page.headers['x-pages'] == '1'
    assert broken.status_code == 500 and missing.status_code == 404


async def test_a_stack_without_our_middleware_is_an_error() -> None:
    app = Starlette(routes=[])
    install_api_lane(app, (Ours,), ('/api/',))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url='http://test') as client:
        with pytest.raises(RuntimeError, match='middleware stack'):
            await client.get('/api/x')
