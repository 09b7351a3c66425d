"""``oracle-trader backtest``: a strategy over a CSV of bars, as a report or one JSON document."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from ..backtest import BacktestConfig, BacktestResult, run_backtest
from ..engine.bars import load_bars
from ..engine.strategies import STRATEGIES, create_strategy, parse_assignments


def add_arguments(backtest: argparse.ArgumentParser) -> None:
    backtest.add_argument(
        '--data', required=True, type=Path, help='CSV with Date/timestamp, Open, High, Low, Close, Volume'
    )
    backtest.add_argument('--strategy', default='sma_cross', help=f'one of {", ".join(STRATEGIES)}')
    backtest.add_argument('--param', action='append', default=[], metavar='KEY=VALUE')
    backtest.add_argument('--cash', type=float, default=10_000.0)
    backtest.add_argument('--commission', type=float, default=0.001)
    backtest.add_argument('--sizing', choices=('all-in', 'risk', 'fixed'), default='all-in')
    backtest.add_argument('--risk-pct', type=float, default=1.0, help='equity %% risked per trade with --sizing risk')
    backtest.add_argument('--margin', type=float, default=10.0, help='margin per trade with --sizing fixed')
    backtest.add_argument('--json', action='store_true', help='write one JSON document to stdout')


def run(args: argparse.Namespace) -> int:
    strategy = create_strategy(args.strategy, parse_assignments(args.param))
    config = BacktestConfig(
        cash=args.cash,
        commission=args.commission,
        sizing=args.sizing,
        risk_pct=args.risk_pct,
        fixed_margin=args.margin,
    )
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

    lines = [
        f'Backtest of {strategy} on {data}',
        '',
        f'  Start equity      {num(s["start_equity"])}',
        f'  End equity        {num(s["end_equity"])}',
        f'  Return            {num(s["return_pct"], " %")}',
        f'  Max drawdown      {num(s["max_drawdown_pct"], " %")}',
        f'  Closed trades     {s["trades"]}',
        f'  Win rate          {num(s["win_rate_pct"], " %")}',
        f'  Profit factor     {num(s["profit_factor"])}',
        f'  Fees              {num(s["fees"])}',
        f'  Exposure          {num(s["exposure_pct"], " %")}',
        '',
    ]
    if result.trades:
        lines.append(
            f'  {"#":>3} {"side":5} {"entry bar":>9} {"exit bar":>8} {"size":>10} {"entry":>12} {"exit":>12} '
            f'{"pnl":>12}'
        )
        for k, t in enumerate(result.trades, 1):
            exit_bar = '-' if t.exit_bar is None else str(t.exit_bar)
            exit_price = 'open' if t.exit_price is None else f'{t.exit_price:,.4f}'
            lines.append(
                f'  {k:>3} {t.side:5} {t.entry_bar:>9} {exit_bar:>8} {t.size:>10.4g} {t.entry_price:>12,.4f} '
                f'{exit_price:>12} {num(t.pnl):>12}'
            )
    return '\n'.join(lines)
