"""``oracle-trader serve`` (and ``python main.py``): its flags, and settings from them over env/.env."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError

from ..cluster.lease import LeaseHeld
from ..engine.strategies import STRATEGIES, create_strategy, parse_assignments
from ..logs import install_escaping
from ..security.access import credentials_exist
from ..security.files import make_private
from ..settings import Settings
from ..system import build_system

log = logging.getLogger(__name__)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags shared by ``python main.py`` and ``oracle-trader serve`` (unset ones fall back to env/.env)."""
    parser.add_argument('--host', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, help='port (default 8080)')
    parser.add_argument('--data-dir', type=Path, help='directory of the SQLite database (default ./data)')
    parser.add_argument('--feed', help='sim | replay:PATH.csv | ccxt:EXCHANGE (default sim)')
    parser.add_argument('--symbols', help='comma-separated, e.g. BTC/USDT,ETH/USDT')
    parser.add_argument('--timeframe', help='candle length, e.g. 1m, 15m, 1h (default 1m)')
    parser.add_argument('--speed', help='N x real time for sim/replay, e.g. 60, or max: unpaced (default 1)')
    parser.add_argument('--strategy', help=f'one of {", ".join(STRATEGIES)} (default regime)')
    parser.add_argument(
        '--param',
        action='append',
        default=[],
        metavar='KEY=VALUE',
        help='strategy parameter, repeatable (e.g. --param fast=5)',
    )
    parser.add_argument(
        '--role',
        choices=('all', 'engine', 'web'),
        help='all: everything in one process (default); engine: trading only; web: pages and API of an engine '
        '(split roles need ORACLE_REDIS_URL)',
    )
    parser.add_argument('--no-show', action='store_true', help="don't open a browser")
    parser.add_argument('--native', action='store_true', help='open a native desktop window')


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from env/.env overridden by the flags that were given."""
    overrides: dict[str, Any] = {}
    for name in ('host', 'port', 'data_dir', 'feed', 'symbols', 'timeframe', 'speed', 'strategy', 'role'):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if getattr(args, 'param', None):
        overrides['strategy_params'] = parse_assignments(args.param)
    if getattr(args, 'no_show', False):
        overrides['show'] = False
    if getattr(args, 'native', False):
        overrides['native'] = True
    settings = Settings(**overrides)
    create_strategy(settings.strategy, settings.strategy_params)  # fail early with the valid choices
    settings.check_role()
    if settings.role != 'engine':
        settings.check_exposure(auth_configured=credentials_exist(settings))
    return settings


def serve(settings: Settings) -> int:
    """Run the dashboard (or, with ``--role engine``, the engine alone) until it is stopped."""
    if settings.role == 'engine':
        return run_engine(settings)
    # NiceGUI reads these when it is first imported (below), for the storage it opens then
    os.environ['NICEGUI_STORAGE_PATH'] = str(settings.sessions_dir)
    if settings.role == 'web':  # browser sessions in Redis: a login holds on every replica
        os.environ['NICEGUI_REDIS_URL'] = settings.redis
        os.environ['NICEGUI_REDIS_KEY_PREFIX'] = f'{settings.redis_prefix}:nicegui:'
    from pages import register_pages  # the web app and its pages load only to serve

    from ..web import serve as serve_app

    serve_app(settings, register_pages)
    return 0


def run_engine(settings: Settings) -> int:
    """``--role engine``: build and start the system without any web server, until SIGTERM or SIGINT; 1 if it
    could not start (e.g. another engine holds the trading lease)."""
    install_escaping()
    make_private(settings.data_dir)
    return asyncio.run(_run_engine(settings))


async def _run_engine(settings: Settings) -> int:
    system = build_system(settings)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopped.set)
    try:
        await system.start()
    except (LeaseHeld, RedisError, OSError) as error:
        log.error('the engine does not trade: %s', error)
        await system.stop()
        return 1
    log.info('engine running (role engine): events to Redis stream %s:events', settings.redis_prefix)
    await stopped.wait()
    log.info('engine stopping')
    await system.stop()
    return 0
