"""The FastAPI side of the app: REST routes under ``/dashboard/api`` and raw WebSockets under ``/dashboard/ws``.

:func:`install_api` is the one place the web app (and the API test server) mounts it from.
"""

from __future__ import annotations

from fastapi import FastAPI

from ..system import System
from .admission import Admission, Limits
from .alerts import router as alerts_router
from .analytics import router as analytics_router
from .connections import ConnectionManager, WsConfig
from .errors import install_error_handlers
from .language import RequestLanguage
from .openapi import state_configuration
from .paths import API_VERSION, REST_PREFIX, WS_PREFIX
from .rest import router as rest_router
from .token import token_principal
from .ws import router as ws_router

__all__ = ['API_VERSION', 'REST_PREFIX', 'WS_PREFIX', 'install_api', 'token_principal']


def install_api(app: FastAPI, system: System) -> ConnectionManager:
    """Mount the REST and WebSocket routes for ``system`` on ``app`` with their error handlers; returns the
    WebSocket manager (started and stopped with the system)."""
    settings = system.settings
    limits = Limits(
        per_address=settings.ws_max_per_address,
        loopback=settings.ws_max_loopback,
        per_token=settings.ws_max_per_token,
        unauthenticated=settings.ws_max_unauthenticated,
        auth_timeout_s=settings.ws_auth_timeout_s,
    )
    manager = ConnectionManager(
        system.bus,
        WsConfig(heartbeat_s=settings.ws_heartbeat_s, timeout_s=settings.ws_timeout_s, cleanup_s=settings.ws_cleanup_s),
        is_token_valid=system.access.is_valid,
        admission=Admission(limits),
    )
    system.clients = manager
    system.services.append(manager)
    app.state.system = system
    # WebSockets first: a handshake is matched against the routers in this order, and FastAPI builds each included
    # router's route contexts (dependency analysis, 1-2.5 ms a REST route) the first time a request walks past it,
    # so behind the REST routers the first burst of connects paid ~35 ms for routes it never uses, and every
    # later connect walked them
    app.include_router(ws_router)
    app.include_router(rest_router)
    app.include_router(analytics_router)
    app.include_router(alerts_router)
    install_error_handlers(app, [*rest_router.routes, *analytics_router.routes, *alerts_router.routes])
    app.add_middleware(RequestLanguage)
    state_configuration(app, system)
    return manager
