"""API errors in one shape, ``{"detail": "..."}``, mapped once for every route."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from ..errors import CommandError, ErrorKind
from ..i18n import SOURCE, using
from ..i18n.validation import problem_text
from .paths import REST_PREFIX

STATUS_OF: dict[ErrorKind, int] = {
    ErrorKind.BAD_REQUEST: 400,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.INVALID: 422,
    ErrorKind.UNAVAILABLE: 503,
}


def describe_errors(errors: list[Any], *, skip: tuple[str, ...] = ('body',)) -> str:
    """Pydantic's error list as ``"<where>: <problem>; ..."`` (the first ten; the problems in the request's
    language)."""
    return '; '.join(
        f'{".".join(str(x) for x in e["loc"] if x not in skip) or "body"}: {problem_text(e)}' for e in errors[:10]
    )


def install_error_handlers(app: FastAPI, api_routes: Sequence[BaseRoute]) -> None:
    """Validation errors as one sentence (not FastAPI's list), command errors by kind, unknown API paths as JSON
    404s (not the pages' HTML one), a failing database as 503."""

    async def validation_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        with using(SOURCE):  # error bodies are machine-facing: English whatever Accept-Language asks for
            return JSONResponse({'detail': describe_errors(list(error.errors()))}, status_code=422)

    async def command_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, CommandError)
        return JSONResponse({'detail': error.english()}, status_code=STATUS_OF[error.kind])

    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(CommandError, command_error)
    pages_not_found = app.exception_handlers.get(404)  # NiceGUI renders an HTML page for unknown paths

    async def not_found(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(REST_PREFIX) or pages_not_found is None:
            detail = error.detail if isinstance(error, StarletteHTTPException) else 'not found'
            return JSONResponse({'detail': detail}, status_code=404)
        response = pages_not_found(request, error)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(404, not_found)

    async def method_not_allowed(request: Request, error: Exception) -> Response:
        """Starlette names only the first route's methods; ``Allow`` lists every method an API path has."""
        path = request.url.path
        methods = sorted(
            {
                m
                for route in api_routes
                if isinstance(route, APIRoute) and route.path_regex.match(path)
                for m in route.methods or ()
            }
            - {'HEAD', 'OPTIONS'}
        )
        if not methods:  # not an API path: starlette's own answer
            headers = getattr(error, 'headers', None) or {}
            return JSONResponse({'detail': 'Method Not Allowed'}, status_code=405, headers=headers)
        return JSONResponse({'detail': 'Method Not Allowed'}, status_code=405, headers={'Allow': ', '.join(methods)})

    app.add_exception_handler(405, method_not_allowed)

    async def database_unavailable(_request: Request, error: Exception) -> JSONResponse:
        cause = getattr(error, 'orig', None) or error  # sqlite's own words, without the SQL statement
        return JSONResponse(
            {'detail': f'database unavailable: {cause}; retry shortly'}, status_code=503, headers={'Retry-After': '5'}
        )

    app.add_exception_handler(SQLAlchemyError, database_unavailable)
