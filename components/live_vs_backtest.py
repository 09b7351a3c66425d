"""Live trading beside its backtest: both equity curves, the metrics in two columns, and the trades matched one to
one (missed, extra, slippage and delay per pair)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from nicegui import ui

from components.plot import TRANSPARENT, Plot
from oracle_ui.formatting import price
from oracle_ui.i18n import N_, _, formats, terms
from oracle_ui.reports.tearsheet import HEADLINE, fmt
from oracle_ui.views.live_vs_backtest import LiveVsBacktest, TradeBrief

PAIR_COLUMNS = [
    {'name': name, 'label': label, 'field': name, 'align': 'left'}
    for name, label in (
        ('symbol', N_('Symbol')),
        ('side', N_('Side')),
        ('entry', N_('Entry (live)')),
        ('delay', N_('Entry delay')),
        ('slippage', N_('Entry slippage')),
        ('exit_slippage', N_('Exit slippage')),
        ('pnl', N_('PnL live / backtest')),
    )
]
"""The matched pairs' columns (labels translated where shown)."""


class LiveVsBacktestCard(ui.card):
    """A card whose button compares live trading with its backtest, shown below it (:meth:`show`)."""

    def __init__(self, on_compare: Callable[[], Awaitable[None]]) -> None:
        super().__init__()
        self.classes('w-full')
        with self:
            with ui.row().classes('items-center gap-3'):
                ui.label(_('Live vs backtest')).classes('text-base')
                ui.button(_('Compare over this period'), icon='compare_arrows', on_click=on_compare).props(
                    'outline dense'
                ).mark('lvb-run')
            ui.label(
                _(
                    'The running strategy with the live settings, backtested over the same stored candles, '
                    'matched to the live trades one by one.'
                )
            ).classes('text-xs opacity-70')
            self.compared = ui.column().classes('w-full gap-2').mark('lvb-content')

    def show(self, comparison: LiveVsBacktest) -> None:
        self.compared.clear()
        with self.compared:
            live_vs_backtest_view(comparison)


def _when(seconds: float | None) -> str:
    return formats.moment(datetime.fromtimestamp(seconds, UTC), 'yyyy-MM-dd HH:mm') if seconds else _('open')


def _brief(t: TradeBrief) -> str:
    return f'{t.symbol} {terms.side(t.side)} {_when(t.entry_time)} @ {price(t.entry_price)} → {_when(t.exit_time)}'


def live_vs_backtest_view(c: LiveVsBacktest) -> None:
    setup = _('{strategy} {params} · {sizing} sizing · commission {commission}')
    matching = _('{matched} matched, {missed} missed, {extra} extra')
    summary = f'{setup} · {matching}'
    ui.label(
        summary.format(
            strategy=terms.strategy(c.strategy),
            params=c.params,
            sizing=terms.choice(c.config['sizing']),
            commission=formats.significant(c.config['commission'], 6),
            matched=len(c.matched),
            missed=len(c.missed),
            extra=len(c.extra),
        )
    ).classes('text-sm').mark('lvb-summary')
    Plot(_equity_figure(c)).classes('w-full').style('height: 260px').mark('lvb-equity')
    live, tested = c.live.model_dump(), c.backtest.model_dump()
    rows = [
        {'metric': _(label), 'live': fmt(live.get(k), p), 'backtest': fmt(tested.get(k), p)} for k, label, p in HEADLINE
    ]
    names = {'metric': _('Metric'), 'live': _('Live'), 'backtest': _('Backtest')}
    columns = [{'name': n, 'label': label, 'field': n, 'align': 'left'} for n, label in names.items()]
    ui.table(columns=columns, rows=rows, row_key='metric').classes('w-full').props('dense flat').mark('lvb-metrics')
    pair_columns = [{**column, 'label': _(column['label'])} for column in PAIR_COLUMNS]
    pairs = ui.table(columns=pair_columns, rows=_pair_rows(c), row_key='n', pagination=10)
    pairs.classes('w-full').props('dense flat').mark('lvb-pairs')
    for title, trades, marker in (
        (_('Missed (backtest only): {count}'), c.missed, 'lvb-missed'),
        (_('Extra (live only): {count}'), c.extra, 'lvb-extra'),
    ):
        with ui.expansion(title.format(count=len(trades))).classes('w-full').mark(marker):
            for t in trades[:200]:
                ui.label(_brief(t)).classes('text-xs')


def _equity_figure(c: LiveVsBacktest) -> dict[str, Any]:
    """Both equity curves, live solid and backtest dotted."""
    return {
        'data': [
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': _('live'),
                'x': [t * 1000 for t in c.live_equity[0]],
                'y': c.live_equity[1],
                'line': {'color': '#2dd4bf'},
            },
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': _('backtest'),
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
            'side': terms.side(p.live.side),
            'entry': _when(p.live.entry_time),
            'delay': _('{value} s').format(value=formats.decimal(p.entry_delay_s, 1, signed=True)),
            'slippage': fmt(p.entry_slippage, '{:+.6g}'),
            'exit_slippage': fmt(p.exit_slippage, '{:+.6g}'),
            'pnl': f'{fmt(p.live.pnl, "{:+,.2f}")} / {fmt(p.backtest.pnl, "{:+,.2f}")}',
        }
        for k, p in enumerate(c.matched)
    ]
