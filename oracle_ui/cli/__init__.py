"""The ``oracle-trader`` command: ``serve`` (default), ``backtest``, ``report``, ``events``, ``users``, ``tokens``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from ..engine.bars import BarsError
from ..engine.strategies import StrategyError
from ..errors import CommandError
from ..security.admin import add_account_commands, run_account_command
from . import alerts, backtest, events, report
from .serve import add_serve_arguments, serve, settings_from_args

COMMANDS = ('serve', 'backtest', 'report', 'events', 'users', 'tokens', 'alerts')
LOG_FORMAT = '%(asctime)s %(levelname)s %(name)s: %(message)s'


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='oracle-trader', description='Oracle Trader: trading bot and dashboard')
    commands = parser.add_subparsers(dest='command')
    add_serve_arguments(commands.add_parser('serve', help='run the bot and its dashboard (default)'))
    backtest.add_arguments(commands.add_parser('backtest', help='run a strategy over a CSV of bars'))
    report.add_arguments(commands.add_parser('report', help='a report of the account or a saved backtest'))
    events.add_arguments(commands.add_parser('events', help="print a running server's events"))
    alerts.add_arguments(commands.add_parser('alerts', help="list, add, remove or test a running server's alerts"))
    add_account_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (``serve`` when none is named); returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, '-h', '--help'):
        args_list.insert(0, 'serve')
    args = _build_parser().parse_args(args_list)
    if args.command in ('serve', 'users', 'tokens'):  # these open the database, which may be upgraded: say so
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        if args.command == 'backtest':
            return backtest.run(args)
        if args.command == 'report':
            return report.run(args)
        if args.command == 'events':
            return asyncio.run(events.run(args))
        if args.command == 'alerts':
            return alerts.run(args)
        if args.command in ('users', 'tokens'):
            return run_account_command(args)
        settings = settings_from_args(args)
    except (StrategyError, BarsError, ValidationError, ValueError, CommandError) as error:
        print(f'oracle-trader: error: {error}', file=sys.stderr)
        return 2
    return serve(settings)
