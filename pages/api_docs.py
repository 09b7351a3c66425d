"""The API's docs, ``/docs`` (Swagger UI) and ``/redoc``, and its schema ``/openapi.json``, for API users only.

Once a login or token exists they need what the API needs: the schema a bearer token (scripts, schema-driven
tools) or this browser's session, the docs pages a session (otherwise the browser is sent to log in).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from nicegui import app

from oracle_ui.api import token_principal
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import guarded_page, request_principal

SCHEMA_PATH = '/openapi.json'
TITLE = 'Oracle Trader API'


def register(context: AppContext) -> None:
    system = context.system
    app.title = TITLE

    @app.get(SCHEMA_PATH, include_in_schema=False)
    async def schema(request: Request) -> JSONResponse:
        if request_principal(system, request) is None:
            token_principal(system.access, request)  # 401 / 429 as on the API itself
        return JSONResponse(app.openapi())

    @guarded_page(context, '/docs')
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=SCHEMA_PATH, title=f'{TITLE} - Swagger UI')

    @guarded_page(context, '/redoc')
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=SCHEMA_PATH, title=f'{TITLE} - ReDoc')
