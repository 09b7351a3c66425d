"""``oracle-trader report``: the account's report over a period (or a saved backtest's) from the data directory."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import get_args

from ..engine.bars import parse_time
from ..i18n import SUPPORTED, using
from ..reports import REPORT_FORMATS, account_report, backtest_report
from ..settings import Settings
from ..store import Store
from ..views.analytics_models import AnalyticsFilters, PeriodName


def add_arguments(report: argparse.ArgumentParser) -> None:
    report.add_argument('--data-dir', type=Path, default=None, help='where oracle.db is (default: ORACLE_DATA_DIR)')
    report.add_argument('--from', dest='since', help='start (ISO date/time, UTC without an offset, or Unix s)')
    report.add_argument('--to', dest='until', help='end, exclusive (same forms)')
    report.add_argument('--period', choices=get_args(PeriodName), default=None, help='instead of --from/--to')
    report.add_argument('--symbol', help='only this symbol, e.g. BTC/USDT')
    report.add_argument('--side', choices=('long', 'short'))
    report.add_argument('--strategy')
    report.add_argument('--format', choices=REPORT_FORMATS, default='html')
    report.add_argument('--backtest', type=int, help='report a saved backtest (its id on /backtest) instead')
    report.add_argument('--periods-per-year', type=float, help='bars a year for annualised figures')
    report.add_argument('--output', '-o', help="file to write (default: the report's own name here; - for stdout)")
    report.add_argument(
        '--locale',
        choices=SUPPORTED,
        default=None,
        help="the report's language and number formats (default: ORACLE_LOCALE)",
    )


def run(args: argparse.Namespace) -> int:
    settings = Settings(**({'data_dir': args.data_dir} if args.data_dir else {}))
    store = Store(settings.database)
    with using(args.locale or settings.locale), contextlib.closing(store):
        if args.backtest is not None:
            made = backtest_report(store, args.backtest, args.format)
        else:
            filters = AnalyticsFilters(
                period=args.period or ('custom' if args.since or args.until else 'all'),
                since=parse_time(args.since) if args.since else None,
                until=parse_time(args.until) if args.until else None,
                symbol=args.symbol.upper() if args.symbol else None,
                side=args.side,
                strategy=args.strategy,
                periods_per_year=args.periods_per_year,
            )
            now = store.analytics.last_equity_time() or time.time()
            made = account_report(store, settings, filters, args.format, symbols=settings.symbols, now=now)
    if args.output == '-':
        sys.stdout.buffer.write(made.content)
        return 0
    target = Path(args.output or made.filename)
    target.write_bytes(made.content)
    print(f'wrote {target} ({len(made.content):,} bytes)', file=sys.stderr)
    return 0
