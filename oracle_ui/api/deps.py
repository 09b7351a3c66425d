"""FastAPI dependencies of the routes: the running system, the caller, where the call came from.

Every dependency and route is ``async def``: they run on the event loop thread, like the engine whose state
they read (FastAPI runs plain ``def`` ones in a thread pool, which would race the engine).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from ..security.accounts import Principal
from ..system import System
from ..views.symbols import configured_symbol
from .token import token_principal


async def get_system(request: Request) -> System:
    """The system :func:`oracle_ui.api.install_api` mounted the routes for."""
    system: System = request.app.state.system
    return system


SystemDep = Annotated[System, Depends(get_system)]


async def get_principal(request: Request, system: SystemDep) -> Principal:
    return token_principal(system.access, request)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def client_origin(request: Request) -> str:
    """``host:port`` of the caller, for the audit trail."""
    return f'{request.client.host}:{request.client.port}' if request.client else 'unknown'


OriginDep = Annotated[str, Depends(client_origin)]


def resolve_symbol(system: System, text: str) -> str:
    """A configured symbol from ``BTC/USDT``, ``BTC-USDT``, ``BTC_USDT`` or ``BTCUSDT``; 404 for an unknown one."""
    symbol = configured_symbol(system.engine.symbols, text)
    if symbol is not None:
        return symbol
    raise HTTPException(404, f'unknown symbol {text!r}; known: {", ".join(system.engine.symbols)}')
