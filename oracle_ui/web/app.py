"""The NiceGUI app: builds the system once, wires the API, the guard and the pages, and runs the server."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable
from typing import Any, cast

from fastapi import FastAPI
from nicegui import __version__ as nicegui_version
from nicegui import app, core, run, ui
from nicegui.storage import Storage

from ..api import REST_PREFIX, WS_PREFIX, install_api
from ..logs import install_escaping
from ..security.files import make_private
from ..security.secret import storage_secret
from ..settings import Settings
from ..system import System, build_system
from . import api_docs, browser_log, language, styles
from .asset_cache import compressed_with_cache
from .context import AppContext
from .guard import OUR_MIDDLEWARE, Guard, protect
from .http_protocol import HttpProtocol, proxy_args
from .lane import install_api_lane
from .open_pages import CHECK_S, OpenPages
from .state import SharedState
from .upload_gate import UploadGate

GC_THRESHOLDS = (700, 10, 100)
"""CPython's defaults but the last: a full collection after 100 middle ones instead of 10."""
ASSETS = f'/_nicegui/{nicegui_version}/'


def is_versioned_asset(path: str) -> bool:
    """NiceGUI's own rule for the paths it marks ``Cache-Control: immutable``."""
    return path.startswith(ASSETS) and not path.startswith(ASSETS + 'dynamic_resources/')


RegisterPages = Callable[[AppContext], None]


def mount_api(asgi_app: FastAPI, system: System) -> Guard:
    """The API on ``asgi_app`` behind the guard, with its own lane past the pages' middlewares (the production
    wiring; the API test server uses it on a bare FastAPI app)."""
    install_api(asgi_app, system)
    guard = protect(asgi_app, system.settings)
    install_api_lane(asgi_app, OUR_MIDDLEWARE, (f'{REST_PREFIX}/', f'{WS_PREFIX}/'))
    return guard


def build_app(settings: Settings, register_pages: RegisterPages, system: System | None = None) -> AppContext:
    """Build the system (unless given), mount the API behind the guard, let ``register_pages`` add the pages, and
    start/stop the system with the app; returns what the pages were given."""
    system = system or build_system(settings)
    state = SharedState(system.engine.symbols)
    context = AppContext(system=system, state=state, pages=OpenPages(system))
    app.state.context = context
    guard = mount_api(app, system)
    app.add_middleware(UploadGate, context=context)  # inside NiceGUI's session middleware, which ui.run adds
    # NiceGUI's socket.io accepts any origin by default: hold it to the same rule as everything else
    core.sio.eio.cors_allowed_origins = lambda origin, environ: guard.origin_allowed(origin, environ.get('HTTP_HOST'))
    browser_log.install()
    styles.install()
    language.install()
    register_pages(context)
    api_docs.register(context)

    async def startup() -> None:
        await system.start()
        state.follow(system)
        app.timer(CHECK_S, context.pages.check)  # pages of an ended session (removed user, idle) close
        # the start-up heap (NiceGUI, FastAPI, pydantic models) lives forever: keep it out of the collector's
        # full passes, which otherwise stall the event loop for tens of ms under load; and make full passes 10x
        # rarer: over a thousand connections' objects each takes 80-110 ms (benchmarks/ws_fanout: p99 ~100 ->
        # ~32 ms at 1,000 clients), for ~60 MB more steady-state RSS under churn (benchmarks/soak)
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)

    async def shutdown() -> None:
        state.unfollow()
        await system.stop()

    app.on_startup(startup)
    app.on_shutdown(shutdown)
    return context


def serve(settings: Settings, register_pages: RegisterPages, system: System | None = None) -> None:
    """Build the app and run the web server (or the native window)."""
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    install_escaping()  # client text in a log message cannot start a forged line
    make_private(settings.data_dir)
    Storage.path = settings.sessions_dir  # sessions in the data directory, not in ./.nicegui of any start folder
    build_app(settings, register_pages, system)
    run.process_pool_start_method = 'spawn'  # run.cpu_bound's workers (uploads are parsed there): fork is unsafe here
    if settings.native:
        app.native.start_args['gui'] = os.environ.get('PYWEBVIEW_GUI', 'gtk')  # GTK/WebKit: the `native` extra
        app.native.window_args['min_size'] = (375, 500)
    ui.run(
        host=settings.host,
        port=settings.port,
        title='Oracle Trader',
        reload=False,
        show=settings.show,
        native=settings.native,
        dark=True,
        tailwind=False,
        show_welcome_message=True,
        storage_secret=storage_secret(settings.data_dir),
        session_middleware_kwargs={'https_only': settings.is_https, 'same_site': 'lax'},
        ssl_certfile=settings.ssl_certfile,
        ssl_keyfile=settings.ssl_keyfile,
        # NiceGUI annotates GZipMiddleware; any ASGI middleware factory works (it is handed to add_middleware)
        gzip_middleware_factory=cast(Any, lambda asgi: compressed_with_cache(asgi, is_versioned_asset)),
        http=HttpProtocol,
        **proxy_args(settings),  # X-Forwarded-For/-Proto only from ORACLE_TRUSTED_PROXIES
        ws_per_message_deflate=False,
    )  # compression is per client: it would undo serializing events once
