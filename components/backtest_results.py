"""A backtest's results: notes (warnings, why no trade), stats, equity against buy and hold, the price chart over
the whole file with every trade, and the trades with their dates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

import numpy as np
from nicegui import ui

from components.plot import TRANSPARENT, Plot
from components.price_chart import LoadRange, PriceChart
from oracle_ui import formatting as fmt
from oracle_ui.analytics import decimate
from oracle_ui.backtest import BacktestResult, BacktestTrade, parse_iso
from oracle_ui.formatting import local_time
from oracle_ui.views import CandlesResponse, ChartIndicator

STATS = (
    ('start_equity', 'Start equity', '{:,.2f}'),
    ('end_equity', 'End equity', '{:,.2f}'),
    ('return_pct', 'Return', '{:+.2f} %'),
    ('buy_hold_return_pct', 'Buy and hold', '{:+.2f} %'),
    ('cagr_pct', 'CAGR', '{:+.2f} %'),
    ('max_drawdown_pct', 'Max drawdown', '{:.2f} %'),
    ('sharpe', 'Sharpe', '{:.2f}'),
    ('sortino', 'Sortino', '{:.2f}'),
    ('calmar', 'Calmar', '{:.2f}'),
    ('volatility_pct', 'Volatility', '{:.2f} %'),
    ('trades', 'Closed trades', '{}'),
    ('win_rate_pct', 'Win rate', '{:.1f} %'),
    ('profit_factor', 'Profit factor', '{:.2f}'),
    ('expectancy', 'Expectancy', '{:+,.2f}'),
    ('sqn', 'SQN', '{:.2f}'),
    ('avg_holding_bars', 'Avg hold (bars)', '{:.1f}'),
    ('max_consecutive_losses', 'Losing streak', '{}'),
    ('fees', 'Fees', '{:,.2f}'),
    ('exposure_pct', 'Exposure', '{:.1f} %'),
    ('periods_per_year', 'Bars / year', '{:,.0f}'),
)
TRADE_COLUMNS = [
    {'name': name, 'label': label, 'field': name, 'align': 'left', 'sortable': sortable}
    for name, label, sortable in (
        ('n', '#', True),
        ('side', 'Side', True),
        ('entry_time', 'Entry time', True),
        ('exit_time', 'Exit time', True),
        ('size', 'Size', False),
        ('entry_price', 'Entry', False),
        ('exit_price', 'Exit', False),
        ('fees', 'Fees', False),
        ('pnl', 'PnL', False),
        ('exit_reason', 'Exit reason', True),
    )
]


def format_stat(value: Any, pattern: str) -> str:
    return 'n/a' if value is None else pattern.format(value)


def stat_cards(stats: dict[str, Any], shown: Sequence[tuple[str, str, str]] = STATS) -> None:
    """One small card per stat."""
    with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5').mark('bt-stats'):
        for key, label, pattern in shown:
            with ui.card().classes('p-3 min-w-0'):
                ui.label(label).classes('text-xs opacity-70')
                ui.label(format_stat(stats.get(key), pattern)).classes('text-lg').mark(f'bt-stat-{key}')


def trade_rows(trades: Sequence[BacktestTrade], times: Callable[[str | None], str]) -> list[dict[str, Any]]:
    return [
        {
            'n': k,
            'side': t.side,
            'entry_time': times(t.entry_time),
            'exit_time': times(t.exit_time) if t.exit_time else 'open',
            'size': f'{t.size:.6g}',
            'entry_price': fmt.price(t.entry_price),
            'exit_price': fmt.price(t.exit_price),
            'fees': f'{t.fees:,.4f}',
            'pnl': fmt.signed_money(t.pnl),
            'exit_reason': t.exit_reason or '—',
        }
        for k, t in enumerate(trades, 1)
    ]


def equity_figure(result: BacktestResult, closes: np.ndarray) -> dict[str, Any]:
    """The run's equity and what holding the asset from the first bar's close would have made, from the same cash."""
    cash = float(result.stats['start_equity'] or 0)
    times_ms = result.times * 1000.0
    x, equity = decimate(times_ms, result.equity)
    held = cash * closes / closes[0] if len(closes) and closes[0] > 0 else np.zeros(len(closes))
    held_x, held_y = decimate(times_ms, held)
    return {
        'data': [
            {'type': 'scatter', 'mode': 'lines', 'name': 'equity', 'x': x, 'y': equity, 'line': {'color': '#2dd4bf'}},
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': 'buy and hold',
                'x': held_x,
                'y': held_y,
                'line': {'color': '#94a3b8', 'width': 1, 'dash': 'dot'},
            },
        ],
        'layout': {
            **TRANSPARENT,
            'height': 240,
            'margin': {'l': 60, 'r': 10, 't': 10, 'b': 30},
            'xaxis': {'type': 'date'},
            'legend': {'orientation': 'h', 'y': 1.1, 'x': 0},
        },
        'config': {'displaylogo': False},
    }


def backtest_results(
    result: BacktestResult,
    closes: np.ndarray,
    chart: CandlesResponse,
    indicators: Sequence[ChartIndicator],
    timezone: tzinfo,
    load_range: LoadRange,
) -> None:
    """Lay out a run's results: ``chart`` is the price chart's first view, ``load_range`` its detail on zoom."""
    for note in result.notes:
        color = 'text-warning' if note.startswith('warning') else 'text-negative'
        ui.label(note).classes(f'text-sm {color}').mark('bt-note')
    stat_cards(result.stats)
    Plot(equity_figure(result, closes)).classes('w-full').style('height: 240px').mark('bt-equity')
    PriceChart(chart, timezone, indicators, load_range=load_range).mark('bt-chart')
    closed = result.stats['trades']
    ui.label(f'{len(result.trades)} trades ({closed} closed)').classes('text-sm').mark('bt-trade-count')

    def when(text: str | None) -> str:
        return local_time(parse_iso(text), timezone) if text else '—'

    ui.table(columns=TRADE_COLUMNS, rows=trade_rows(result.trades, when), row_key='n', pagination=20).classes(
        'w-full'
    ).props('dense flat wrap-cells').mark('bt-trades')
