"""The API's docs, ``/docs`` (Swagger UI) and ``/redoc``, and its schema ``/openapi.json``, for API users only.

Once a login or token exists they need what the API needs: the schema a bearer token (scripts, schema-driven
tools) or this browser's session, the docs pages a session (otherwise the browser is sent to log in).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from nicegui import app

from ..api import token_principal
from .context import AppContext
from .session import guarded_page, request_principal

SCHEMA_PATH = '/openapi.json'
TITLE = 'Oracle Trader API'
VENDOR = Path(__file__).parent / 'vendor'
ASSETS = '/_oracle/api-docs'
"""Swagger UI and ReDoc, vendored (oracle_ui/web/vendor/*/README.md) and served from here: no CDN's script runs in
the app's origin, and the pages keep the app's Content-Security-Policy."""
SWAGGER = f'{ASSETS}/swagger-ui-5.35.0'
REDOC = f'{ASSETS}/redoc-2.5.4'


def register(context: AppContext) -> None:
    system = context.system
    app.title = TITLE
    app.mount(SWAGGER, StaticFiles(directory=VENDOR / 'swagger-ui'), name='swagger-ui')  # not in the schema
    app.mount(REDOC, StaticFiles(directory=VENDOR / 'redoc'), name='redoc')

    @app.get(SCHEMA_PATH, include_in_schema=False)
    async def schema(request: Request) -> JSONResponse:
        if request_principal(system, request) is None:
            token_principal(system.access, request)  # 401 / 429 as on the API itself
        return JSONResponse(app.openapi())

    @guarded_page(context, '/docs')
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=SCHEMA_PATH,
            title=f'{TITLE} - Swagger UI',
            swagger_js_url=f'{SWAGGER}/swagger-ui-bundle.js',
            swagger_css_url=f'{SWAGGER}/swagger-ui.css',
            swagger_favicon_url=f'{SWAGGER}/favicon-32x32.png',
            swagger_ui_parameters={'validatorUrl': None},  # no badge fetched from swagger.io
        )

    @guarded_page(context, '/redoc')
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=SCHEMA_PATH,
            title=f'{TITLE} - ReDoc',
            redoc_js_url=f'{REDOC}/redoc.standalone.js',
            redoc_favicon_url=f'{SWAGGER}/favicon-32x32.png',
            with_google_fonts=False,
        )
