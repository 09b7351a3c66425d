"""``oracle-trader backtest``: a strategy over a CSV of bars, as a report or one JSON document."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from ..backtest import SIZINGS, BacktestConfig, BacktestResult, run_backtest
from ..engine.bars import load_bars
from ..engine.strategies import STRATEGIES, create_strategy, parse_assignments
from ..settings import RiskSettings, Settings


def add_arguments(backtest: argparse.ArgumentParser) -> None:
    backtest.add_argument(
        '--data', required=True, type=Path, help='CSV with Date/timestamp, Open, High, Low, Close, Volume'
    )
    backtest.add_argument('--strategy', default='sma_cross', help=f'one of {", ".join(STRATEGIES)}')
    backtest.add_argument('--param', action='append', default=[], metavar='KEY=VALUE')
    backtest.add_argument('--cash', type=float, default=10_000.0)
    backtest.add_argument('--commission', type=float, default=0.001)
    backtest.add_argument(
        '--sizing',
        choices=SIZINGS,
        default=None,
        help='default: the live risk settings (ORACLE_RISK__SIZING, fixed); all-in buys whole units',
    )
    backtest.add_argument('--margin', type=float, default=None, help='margin per trade with --sizing fixed')
    backtest.add_argument('--margin-pct', type=float, default=None, help='%% of free balance with --sizing percent')
    backtest.add_argument('--risk-pct', type=float, default=None, help='equity %% risked per trade with --sizing risk')
    backtest.add_argument(
        '--periods-per-year', type=float, default=None, help='bars a year for annualised metrics (e.g. 252)'
    )
    backtest.add_argument('--json', action='store_true', help='write one JSON document to stdout')


def config_from_args(args: argparse.Namespace, live: RiskSettings) -> BacktestConfig:
    """The run's configuration: the flags given, the live risk settings for the sizing flags not given."""
    chosen = {
        'sizing': args.sizing,
        'fixed_margin': args.margin,
        'margin_pct': args.margin_pct,
        'risk_pct': args.risk_pct,
        'periods_per_year': args.periods_per_year,
    }
    return BacktestConfig.from_risk(
        live,
        cash=args.cash,
        commission=args.commission,
        **{k: v for k, v in chosen.items() if v is not None},
    )


def run(args: argparse.Namespace) -> int:
    strategy = create_strategy(args.strategy, parse_assignments(args.param))
    config = config_from_args(args, Settings().risk)
    bars = load_bars(args.data)
    show_progress = sys.stderr.isatty()
    result = run_backtest(bars, strategy, config, progress=_progress_bar if show_progress else None)
    if show_progress:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(_json_safe(result.to_json())))
        for note in result.notes:
            print(note, file=sys.stderr)
    else:
        print(format_report(result, strategy.name, args.data, config))
    return 0


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


def describe_sizing(config: BacktestConfig) -> str:
    """The sizing in words: ``fixed: 10 margin per trade``."""
    return {
        'fixed': f'fixed: {config.fixed_margin:g} margin per trade',
        'percent': f'percent: {config.margin_pct:g} % of the free balance per trade',
        'risk': f'risk: {config.risk_pct:g} % of equity lost at the stop-loss',
        'all-in': 'all-in: the whole free balance in whole units',
    }[config.sizing]


STAT_LINES = (
    ('Start equity', 'start_equity', ''),
    ('End equity', 'end_equity', ''),
    ('Return', 'return_pct', ' %'),
    ('Buy and hold', 'buy_hold_return_pct', ' %'),
    ('CAGR', 'cagr_pct', ' %'),
    ('Volatility', 'volatility_pct', ' %'),
    ('Sharpe', 'sharpe', ''),
    ('Sortino', 'sortino', ''),
    ('Calmar', 'calmar', ''),
    ('Max drawdown', 'max_drawdown_pct', ' %'),
    ('Closed trades', 'trades', ''),
    ('Win rate', 'win_rate_pct', ' %'),
    ('Profit factor', 'profit_factor', ''),
    ('Expectancy', 'expectancy', ''),
    ('SQN', 'sqn', ''),
    ('Fees', 'fees', ''),
    ('Exposure', 'exposure_pct', ' %'),
)


def format_report(result: BacktestResult, strategy: str, data: Path, config: BacktestConfig) -> str:
    """A human-readable summary of a backtest: stats, notes (warnings, why no trade) and the trades with dates."""
    s = result.stats

    def num(value: Any, suffix: str = '') -> str:
        if value is None:
            return 'n/a'
        return str(value) if isinstance(value, int) else f'{value:,.2f}{suffix}'

    lines = [f'Backtest of {strategy} on {data}', f'  Sizing            {describe_sizing(config)}', '']
    lines += [f'  {label:<17} {num(s[key], suffix)}' for label, key, suffix in STAT_LINES]
    lines.append('')
    lines += [f'  {note}' for note in result.notes]
    if result.trades:
        lines.append(
            f'  {"#":>3} {"side":5} {"entry time":25} {"exit time":25} {"size":>12} {"entry":>12} {"exit":>12} '
            f'{"pnl":>12}'
        )
        for k, t in enumerate(result.trades, 1):
            exit_price = 'open' if t.exit_price is None else f'{t.exit_price:,.4f}'
            lines.append(
                f'  {k:>3} {t.side:5} {t.entry_time:25} {t.exit_time or "-":25} {t.size:>12.6g} '
                f'{t.entry_price:>12,.4f} {exit_price:>12} {num(t.pnl):>12}'
            )
    return '\n'.join(lines)
