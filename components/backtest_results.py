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
from components.tables import translated
from oracle_ui import formatting as fmt
from oracle_ui.analytics import decimate
from oracle_ui.backtest import BacktestResult, BacktestTrade, parse_iso
from oracle_ui.formatting import local_time
from oracle_ui.i18n import N_, _, ngettext, terms
from oracle_ui.reports.tearsheet import fmt as format_stat
from oracle_ui.views import CandlesResponse, ChartIndicator

STATS = (
    ('start_equity', N_('Start equity'), '{:,.2f}'),
    ('end_equity', N_('End equity'), '{:,.2f}'),
    ('return_pct', N_('Return'), '{:+.2f} %'),
    ('buy_hold_return_pct', N_('Buy and hold'), '{:+.2f} %'),
    ('cagr_pct', N_('CAGR'), '{:+.2f} %'),
    ('max_drawdown_pct', N_('Max drawdown'), '{:.2f} %'),
    ('sharpe', N_('Sharpe'), '{:.2f}'),
    ('sortino', N_('Sortino'), '{:.2f}'),
    ('calmar', N_('Calmar'), '{:.2f}'),
    ('volatility_pct', N_('Volatility'), '{:.2f} %'),
    ('trades', N_('Closed trades'), '{}'),
    ('win_rate_pct', N_('Win rate'), '{:.1f} %'),
    ('profit_factor', N_('Profit factor'), '{:.2f}'),
    ('expectancy', N_('Expectancy'), '{:+,.2f}'),
    ('sqn', N_('SQN'), '{:.2f}'),
    ('avg_holding_bars', N_('Avg hold (bars)'), '{:.1f}'),
    ('max_consecutive_losses', N_('Losing streak'), '{}'),
    ('fees', N_('Fees'), '{:,.2f}'),
    ('exposure_pct', N_('Exposure'), '{:.1f} %'),
    ('periods_per_year', N_('Bars / year'), '{:,.0f}'),
)
TRADE_COLUMNS = [
    {'name': name, 'label': label, 'field': name, 'align': 'left', 'sortable': sortable}
    for name, label, sortable in (
        ('n', '#', True),
        ('side', N_('Side'), True),
        ('entry_time', N_('Entry time'), True),
        ('exit_time', N_('Exit time'), True),
        ('size', N_('Size'), False),
        ('entry_price', N_('Entry'), False),
        ('exit_price', N_('Exit'), False),
        ('fees', N_('Fees'), False),
        ('pnl', N_('PnL'), False),
        ('exit_reason', N_('Exit reason'), True),
    )
]


def stat_cards(stats: dict[str, Any], shown: Sequence[tuple[str, str, str]] = STATS) -> None:
    """One small card per stat."""
    with ui.grid().classes('w-full gap-3 grid-cols-2 md:grid-cols-5').mark('bt-stats'):
        for key, label, pattern in shown:
            with ui.card().classes('p-3 min-w-0'):
                ui.label(_(label)).classes('text-xs opacity-70')
                ui.label(format_stat(stats.get(key), pattern)).classes('text-lg').mark(f'bt-stat-{key}')


def trade_rows(trades: Sequence[BacktestTrade], times: Callable[[str | None], str]) -> list[dict[str, Any]]:
    return [
        {
            'n': k,
            'side': terms.side(t.side),
            'entry_time': times(t.entry_time),
            'exit_time': times(t.exit_time) if t.exit_time else _('open'),
            'size': fmt.quantity(t.size),
            'entry_price': fmt.price(t.entry_price),
            'exit_price': fmt.price(t.exit_price),
            'fees': format_stat(t.fees, '{:,.4f}'),
            'pnl': fmt.signed_money(t.pnl),
            'exit_reason': terms.exit_reason(t.exit_reason) if t.exit_reason else '—',
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
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': _('equity'),
                'x': x,
                'y': equity,
                'line': {'color': '#2dd4bf'},
            },
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': _('buy and hold'),
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
        color = 'text-warning' if note.startswith(_('warning:')) else 'text-negative'
        ui.label(note).classes(f'text-sm {color}').mark('bt-note')
    stat_cards(result.stats)
    Plot(equity_figure(result, closes)).classes('w-full').style('height: 240px').mark('bt-equity')
    PriceChart(chart, timezone, indicators, load_range=load_range).mark('bt-chart')
    closed = result.stats['trades']
    count = ngettext('{count} trade ({closed} closed)', '{count} trades ({closed} closed)', len(result.trades))
    ui.label(count.format(count=len(result.trades), closed=closed)).classes('text-sm').mark('bt-trade-count')

    def when(text: str | None) -> str:
        return local_time(parse_iso(text), timezone) if text else '—'

    columns = translated(TRADE_COLUMNS)
    ui.table(columns=columns, rows=trade_rows(result.trades, when), row_key='n', pagination=20).classes('w-full').props(
        'dense flat wrap-cells'
    ).mark('bt-trades')
