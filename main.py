"""Start Oracle Trader: ``python main.py [--port 8080 --feed sim --speed 60 ...]`` serves the dashboard."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys

from nicegui import __version__ as nicegui_version
from nicegui import app, core, ui

from components import styles
from oracle_ui.api import REST_PREFIX, WS_PREFIX
from oracle_ui.api.asset_cache import compressed_with_cache
from oracle_ui.api.guard import OUR_MIDDLEWARE, protect
from oracle_ui.api.http_protocol import HttpProtocol
from oracle_ui.api.lane import install_api_lane
from oracle_ui.api.rest import build_router, install_error_format
from oracle_ui.cli import add_serve_arguments, settings_from_args
from oracle_ui.secret import storage_secret
from oracle_ui.settings import Settings
from oracle_ui.state import shared_state
from oracle_ui.system import build_system
from pages import api_docs, backtest, dashboard, events, login, trades
from pages import settings as settings_page

GC_THRESHOLDS = (700, 10, 100)
"""CPython's defaults but the last: a full collection after 100 middle ones instead of 10."""
ASSETS = f'/_nicegui/{nicegui_version}/'


def is_versioned_asset(path: str) -> bool:
    """NiceGUI's own rule for the paths it marks ``Cache-Control: immutable``."""
    return path.startswith(ASSETS) and not path.startswith(ASSETS + 'dynamic_resources/')


def build_app(settings: Settings) -> None:
    """Build the system once, register pages, and start/stop it with the app."""
    system = build_system(settings)
    app.state.system = system
    app.include_router(build_router(system))
    install_error_format(app)
    guard = protect(app, settings)
    install_api_lane(app, OUR_MIDDLEWARE, (f'{REST_PREFIX}/', f'{WS_PREFIX}/'))
    # NiceGUI's socket.io accepts any origin by default: hold it to the same rule as everything else
    core.sio.eio.cors_allowed_origins = lambda origin, environ: guard.origin_allowed(origin, environ.get('HTTP_HOST'))
    styles.install()
    for page in (login, dashboard, trades, events, backtest, settings_page, api_docs):
        page.register(system)

    async def startup() -> None:
        await system.start()
        app.state.unfollow = shared_state.attach(system)
        # the start-up heap (NiceGUI, FastAPI, pydantic models) lives forever: keep it out of the collector's
        # full passes, which otherwise stall the event loop for tens of ms under load; and make full passes 10x
        # rarer: over a thousand connections' objects each takes 80-110 ms (benchmarks/ws_fanout: p99 ~100 ->
        # ~32 ms at 1,000 clients), for ~60 MB more steady-state RSS under churn (benchmarks/soak)
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)

    async def shutdown() -> None:
        unfollow = getattr(app.state, 'unfollow', None)
        if unfollow:
            unfollow()
        await system.stop()

    app.on_startup(startup)
    app.on_shutdown(shutdown)


def serve(settings: Settings) -> None:
    """Build the app and run the web server (or the native window)."""
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    build_app(settings)
    if settings.native:
        app.native.start_args['gui'] = os.environ.get('PYWEBVIEW_GUI', 'gtk')  # GTK/WebKit: the `native` extra
        app.native.window_args['min_size'] = (375, 500)
    ui.run(host=settings.host, port=settings.port, title='Oracle Trader', reload=False, show=settings.show,
           native=settings.native, dark=True, tailwind=False, show_welcome_message=True,
           storage_secret=storage_secret(settings.data_dir),
           session_middleware_kwargs={'https_only': settings.is_https, 'same_site': 'lax'},
           ssl_certfile=settings.ssl_certfile, ssl_keyfile=settings.ssl_keyfile,
           gzip_middleware_factory=lambda asgi: compressed_with_cache(asgi, is_versioned_asset), http=HttpProtocol,
           ws_per_message_deflate=False)  # compression is per client: it would undo serializing events once


def main() -> None:
    parser = argparse.ArgumentParser(prog='main.py', description='Oracle Trader dashboard')
    add_serve_arguments(parser)
    # NiceGUI's test runner executes this file with pytest's argv: take configuration from env/.env there
    argv = [] if 'PYTEST_CURRENT_TEST' in os.environ else sys.argv[1:]
    args, _unknown = parser.parse_known_args(argv)
    try:
        settings = settings_from_args(args)
    except ValueError as error:
        print(f'main.py: error: {error}', file=sys.stderr)
        raise SystemExit(2) from None
    serve(settings)


if __name__ == '__main__':
    main()
