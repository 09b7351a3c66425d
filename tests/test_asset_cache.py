"""ImmutableResponseCache: versioned assets are produced (and gzipped) once, everything else every time."""

import gzip

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from oracle_ui.web.asset_cache import ImmutableResponseCache, compressed_with_cache

BIG = 'x' * 5000


def counting_app() -> tuple[Starlette, list[str]]:
    calls: list[str] = []

    async def asset(request):
        calls.append(request.url.path)
        return PlainTextResponse(BIG, headers={'cache-control': 'public, immutable'})

    async def post(request):
        calls.append('post')
        return PlainTextResponse('ok')

    return Starlette(
        routes=[
            Route('/assets/{name}', asset),
            Route('/assets/{name}', post, methods=['POST']),
            Route('/api/{name}', asset),
        ]
    ), calls


async def test_an_asset_is_built_once_per_encoding_and_served_identically() -> None:
    app, calls = counting_app()
    cached = compressed_with_cache(app, lambda path: path.startswith('/assets/'))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(cached), base_url='http://test') as client:
        first = await client.get('/assets/a.js', headers={'accept-encoding': 'gzip'})
        second = await client.get('/assets/a.js', headers={'accept-encoding': 'gzip'})
        plain = await client.get('/assets/a.js', headers={'accept-encoding': 'identity'})
        plain_again = await client.get('/assets/a.js', headers={'accept-encoding': 'identity'})
    assert calls == ['/assets/a.js', '/assets/a.js']  # one per encoding
    assert first.headers['content-encoding'] == second.headers['content-encoding'] == 'gzip'
    assert second.text == first.text == BIG and plain_again.text == plain.text == BIG
    assert int(second.headers['content-length']) < len(gzip.compress(BIG.encode())) + 20  # the gzipped size
    assert 'content-encoding' not in plain_again.headers


async def test_other_paths_methods_ranges_and_errors_pass_through() -> None:
    app, calls = counting_app()
    cached = ImmutableResponseCache(app, lambda path: path.startswith('/assets/'))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(cached), base_url='http://test') as client:
        for _ in range(2):
            await client.get('/api/data')
            await client.post('/assets/a.js')
            await client.get('/assets/b.js', headers={'range': 'bytes=0-10'})
            assert (await client.get('/assets/missing/deeper')).status_code == 404
    assert calls == ['/api/data', 'post', '/assets/b.js'] * 2


async def test_the_cache_stays_within_its_byte_limit() -> None:
    app, calls = counting_app()
    cached = ImmutableResponseCache(app, lambda path: True, max_bytes=len(BIG) + 10)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(cached), base_url='http://test') as client:
        for name in ('a', 'b', 'a', 'b'):
            assert (await client.get(f'/assets/{name}')).text == BIG
    assert calls == ['/assets/a', '/assets/b', '/assets/b']  # a fits and stays; b never fits beside it
    assert cached.size <= len(BIG) + 10
