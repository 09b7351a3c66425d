"""The ``oracle-trader`` command: ``serve`` (default), ``backtest``, ``events``, ``users`` and ``tokens``."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError

from .access import credentials_exist
from .admin import add_account_commands, run_account_command
from .backtest import BacktestConfig, BacktestResult, run_backtest
from .engine.bars import BarsError, load_bars
from .engine.strategies import STRATEGIES, StrategyError, create_strategy, parse_assignments
from .events import Topic
from .settings import Settings


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags shared by ``python main.py`` and ``oracle-trader serve`` (unset ones fall back to env/.env)."""
    parser.add_argument('--host', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, help='port (default 8080)')
    parser.add_argument('--data-dir', type=Path, help='directory of the SQLite database (default ./data)')
    parser.add_argument('--feed', help='sim | replay:PATH.csv | ccxt:EXCHANGE (default sim)')
    parser.add_argument('--symbols', help='comma-separated, e.g. BTC/USDT,ETH/USDT')
    parser.add_argument('--timeframe', help='candle length, e.g. 1m, 15m, 1h (default 1m)')
    parser.add_argument('--speed', type=float, help='N x real time for sim/replay, e.g. 60 (default 1)')
    parser.add_argument('--strategy', help=f'one of {", ".join(STRATEGIES)} (default regime)')
    parser.add_argument('--param', action='append', default=[], metavar='KEY=VALUE',
                        help='strategy parameter, repeatable (e.g. --param fast=5)')
    parser.add_argument('--no-show', action='store_true', help="don't open a browser")
    parser.add_argument('--native', action='store_true', help='open a native desktop window')


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from env/.env overridden by the flags that were given."""
    overrides: dict[str, Any] = {}
    for name in ('host', 'port', 'data_dir', 'feed', 'symbols', 'timeframe', 'speed', 'strategy'):
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
    settings.check_exposure(auth_configured=credentials_exist(settings))
    return settings


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='oracle-trader', description='Oracle Trader: trading bot and dashboard')
    commands = parser.add_subparsers(dest='command')
    add_serve_arguments(commands.add_parser('serve', help='run the bot and its dashboard (default)'))
    backtest = commands.add_parser('backtest', help='run a strategy over a CSV of bars')
    backtest.add_argument('--data', required=True, type=Path, help='CSV with Date/timestamp, Open, High, Low, Close, '
                                                                   'Volume')
    backtest.add_argument('--strategy', default='sma_cross', help=f'one of {", ".join(STRATEGIES)}')
    backtest.add_argument('--param', action='append', default=[], metavar='KEY=VALUE')
    backtest.add_argument('--cash', type=float, default=10_000.0)
    backtest.add_argument('--commission', type=float, default=0.001)
    backtest.add_argument('--sizing', choices=('all-in', 'risk'), default='all-in')
    backtest.add_argument('--risk-pct', type=float, default=1.0, help='equity %% risked per trade with --sizing risk')
    backtest.add_argument('--json', action='store_true', help='write one JSON document to stdout')
    events = commands.add_parser('events', help="print a running server's events")
    events.add_argument('--url', default='http://127.0.0.1:8080', help='the server (default http://127.0.0.1:8080)')
    events.add_argument('--token', default=os.environ.get('ORACLE_API_TOKEN'),
                        help='API token (default: $ORACLE_API_TOKEN)')
    events.add_argument('--topic', action='append', default=[], help='topic to show, repeatable (default: all)')
    events.add_argument('--follow', action='store_true', help='keep printing new events as they happen')
    events.add_argument('--limit', type=int, default=50, help='history events to print first (default 50)')
    add_account_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ('serve', 'backtest', 'events', 'users', 'tokens', '-h', '--help'):
        argv.insert(0, 'serve')
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == 'backtest':
            return _backtest(args)
        if args.command == 'events':
            return asyncio.run(_events(args))
        if args.command in ('users', 'tokens'):
            return run_account_command(args)
        settings = settings_from_args(args)
    except (StrategyError, BarsError, ValidationError, ValueError) as error:
        print(f'oracle-trader: error: {error}', file=sys.stderr)
        return 2
    from main import serve  # the NiceGUI app lives outside the UI-free core

    serve(settings)
    return 0


def _backtest(args: argparse.Namespace) -> int:
    strategy = create_strategy(args.strategy, parse_assignments(args.param))
    config = BacktestConfig(cash=args.cash, commission=args.commission, sizing=args.sizing, risk_pct=args.risk_pct)
    bars = load_bars(args.data)
    show_progress = sys.stderr.isatty()
    result = run_backtest(bars, strategy, config, progress=_progress_bar if show_progress else None)
    if show_progress:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(_json_safe(result.to_json())))
    else:
        print(format_report(result, strategy.name, args.data))
    return 0


async def _events(args: argparse.Namespace) -> int:
    from .client import ApiError, OracleClient, StreamLost

    topics = args.topic or [t.value for t in Topic]
    async with OracleClient(args.url, args.token) as client:
        try:
            history, last = [], 0
            for topic in topics:
                page = await client.history(topic=topic, limit=max(args.limit, 1), latest=True)
                history += page['events']
                last = max(last, page['last_event_id'])
            shown = sorted(history, key=lambda e: e['id'])[-args.limit:] if args.limit > 0 else []
            for event in shown:
                print(format_event(event), flush=True)
            if args.follow:
                async for event in client.events(topics=topics, since_id=last):
                    print(format_event(event), flush=True)
        except (ApiError, StreamLost, httpx.HTTPError, OSError) as error:
            print(f'oracle-trader events: {error}', file=sys.stderr)
            return 1
    return 0


def format_event(event: dict[str, Any]) -> str:
    """One line: time, id, topic, type and the data as JSON."""
    when = datetime.fromtimestamp(event['timestamp'], UTC).strftime('%H:%M:%S')
    test = ' [test]' if event.get('test') else ''
    return f'{when} #{event["id"]:<6} {event["topic"]:<13} {event["type"]:<20}{test} {json.dumps(event["data"])}'


def _progress_bar(done: int, total: int) -> None:
    width = 40
    filled = width * done // total
    sys.stderr.write(f'\r[{"#" * filled}{"." * (width - filled)}] {100 * done // total:3d}% {done}/{total} bars')
    sys.stderr.flush()


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def format_report(result: BacktestResult, strategy: str, data: Path) -> str:
    """A human-readable summary of a backtest."""
    s = result.stats

    def num(value: Any, suffix: str = '') -> str:
        return 'n/a' if value is None else f'{value:,.2f}{suffix}'

    lines = [f'Backtest of {strategy} on {data}', '',
             f'  Start equity      {num(s["start_equity"])}', f'  End equity        {num(s["end_equity"])}',
             f'  Return            {num(s["return_pct"], " %")}',
             f'  Max drawdown      {num(s["max_drawdown_pct"], " %")}',
             f'  Closed trades     {s["trades"]}', f'  Win rate          {num(s["win_rate_pct"], " %")}',
             f'  Profit factor     {num(s["profit_factor"])}', f'  Fees              {num(s["fees"])}',
             f'  Exposure          {num(s["exposure_pct"], " %")}', '']
    if result.trades:
        lines.append(f'  {"#":>3} {"side":5} {"entry bar":>9} {"exit bar":>8} {"size":>10} {"entry":>12} {"exit":>12} '
                     f'{"pnl":>12}')
        for k, t in enumerate(result.trades, 1):
            exit_bar = '-' if t.exit_bar is None else str(t.exit_bar)
            exit_price = 'open' if t.exit_price is None else f'{t.exit_price:,.4f}'
            lines.append(f'  {k:>3} {t.side:5} {t.entry_bar:>9} {exit_bar:>8} {t.size:>10.4g} {t.entry_price:>12,.4f} '
                         f'{exit_price:>12} {num(t.pnl):>12}')
    return '\n'.join(lines)


if __name__ == '__main__':
    sys.exit(main())
