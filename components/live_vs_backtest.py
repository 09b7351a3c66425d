"""Live trading beside its backtest: both equity curves, the metrics in two columns, and the trades matched one to
one (missed, extra, slippage and delay per pair)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from nicegui import ui

from components.plot import TRANSPARENT, Plot
from oracle_ui.reports.tearsheet import HEADLINE, fmt
from oracle_ui.views.live_vs_backtest import LiveVsBacktest, TradeBrief

PAIR_COLUMNS = [
    {'name': name, 'label': label, 'field': name, 'align': 'left'}
    for name, label in (
        ('symbol', 'Symbol'),
        ('side', 'Side'),
        ('entry', 'Entry (live)'),
        ('delay', 'Entry delay'),
        ('slippage', 'Entry slippage'),
        ('exit_slippage', 'Exit slippage'),
        ('pnl', 'PnL live / backtest'),
    )
]


class LiveVsBacktestCard(ui.card):
    """A card whose button compares live trading with its backtest, shown below it (:meth:`show`)."""

    def __init__(self, on_compare: Callable[[], Awaitable[None]]) -> None:
        super().__init__()
        self.classes('w-full')
        with self:
            with ui.row().classes('items-center gap-3'):
                ui.label('Live vs backtest').classes('text-base')
                ui.button('Compare over this period', icon='compare_arrows', on_click=on_compare).props(
                    'outline dense'
                ).mark('lvb-run')
            ui.label(
                'The running strategy with the live settings, backtested over the same stored candles, '
                'matched to the live trades one by one.'
            ).classes('text-xs opacity-70')
            self.compared = ui.column().classes('w-full gap-2').mark('lvb-content')

    def show(self, comparison: LiveVsBacktest) -> None:
        self.compared.clear()
        with self.compared:
            live_vs_backtest_view(comparison)


def _when(seconds: float | None) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime('%Y-%m-%d %H:%M') if seconds else 'open'


def _brief(t: TradeBrief) -> str:
    return f'{t.symbol} {t.side} {_when(t.entry_time)} @ {t.entry_price:,.4g} → {_when(t.exit_time)}'


def live_vs_backtest_view(c: LiveVsBacktest) -> None:
    ui.label(
        f'{c.strategy} {c.params} · {c.config["sizing"]} sizing · commission {c.config["commission"]:g} · '
        f'{len(c.matched)} matched, {len(c.missed)} missed, {len(c.extra)} extra'
    ).classes('text-sm').mark('lvb-summary')
    Plot(_equity_figure(c)).classes('w-full').style('height: 260px').mark('lvb-equity')
    live, tested = c.live.model_dump(), c.backtest.model_dump()
    rows = [
        {'metric': label, 'live': fmt(live.get(k), p), 'backtest': fmt(tested.get(k), p)} for k, label, p in HEADLINE
    ]
    columns = [{'name': n, 'label': n.title(), 'field': n, 'align': 'left'} for n in ('metric', 'live', 'backtest')]
    ui.table(columns=columns, rows=rows, row_key='metric').classes('w-full').props('dense flat').mark('lvb-metrics')
    pairs = ui.table(columns=PAIR_COLUMNS, rows=_pair_rows(c), row_key='n', pagination=10)
    pairs.classes('w-full').props('dense flat').mark('lvb-pairs')
    for title, trades, marker in (
        ('Missed (backtest only)', c.missed, 'lvb-missed'),
        ('Extra (live only)', c.extra, 'lvb-extra'),
    ):
        with ui.expansion(f'{title}: {len(trades)}').classes('w-full').mark(marker):
            for t in trades[:200]:
                ui.label(_brief(t)).classes('text-xs')


def _equity_figure(c: LiveVsBacktest) -> dict[str, Any]:
    """Both equity curves, live solid and backtest dotted."""
    return {
        'data': [
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': 'live',
                'x': [t * 1000 for t in c.live_equity[0]],
                'y': c.live_equity[1],
                'line': {'color': '#2dd4bf'},
            },
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': 'backtest',
                'x': [t * 1000 for t in c.backtest_equity[0]],
                'y': c.backtest_equity[1],
                'line': {'color': '#f59e0b', 'dash': 'dot'},
            },
        ],
        'layout': {
            **TRANSPARENT,
            'height': 260,
            'margin': {'l': 60, 'r': 10, 't': 10, 'b': 30},
            'xaxis': {'type': 'date'},
            'legend': {'orientation': 'h', 'y': 1.1, 'x': 0},
        },
        'config': {'displaylogo': False},
    }


def _pair_rows(c: LiveVsBacktest) -> list[dict[str, Any]]:
    """A row per matched pair: when it entered, and how far live was from the backtest."""
    return [
        {
            'n': k,
            'symbol': p.live.symbol,
            'side': p.live.side,
            'entry': _when(p.live.entry_time),
            'delay': f'{p.entry_delay_s:+.1f} s',
            'slippage': f'{p.entry_slippage:+.6g}',
            'exit_slippage': fmt(p.exit_slippage, '{:+.6g}'),
            'pnl': f'{fmt(p.live.pnl, "{:+,.2f}")} / {fmt(p.backtest.pnl, "{:+,.2f}")}',
        }
        for k, p in enumerate(c.matched)
    ]
