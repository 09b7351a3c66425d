"""Live trading beside its backtest: both equity curves, the metrics in two columns, and the trades matched one to
one (missed, extra, slippage and delay per pair)."""

from __future__ import annotations

from datetime import UTC, datetime

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


def _when(seconds: float | None) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime('%Y-%m-%d %H:%M') if seconds else 'open'


def _brief(t: TradeBrief) -> str:
    return f'{t.symbol} {t.side} {_when(t.entry_time)} @ {t.entry_price:,.4g} → {_when(t.exit_time)}'


def live_vs_backtest_view(c: LiveVsBacktest) -> None:
    ui.label(
        f'{c.strategy} {c.params} · {c.config["sizing"]} sizing · commission {c.config["commission"]:g} · '
        f'{len(c.matched)} matched, {len(c.missed)} missed, {len(c.extra)} extra'
    ).classes('text-sm').mark('lvb-summary')
    figure = {
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
    Plot(figure).classes('w-full').style('height: 260px').mark('lvb-equity')
    live, tested = c.live.model_dump(), c.backtest.model_dump()
    rows = [
        {'metric': label, 'live': fmt(live.get(k), p), 'backtest': fmt(tested.get(k), p)} for k, label, p in HEADLINE
    ]
    columns = [{'name': n, 'label': n.title(), 'field': n, 'align': 'left'} for n in ('metric', 'live', 'backtest')]
    ui.table(columns=columns, rows=rows, row_key='metric').classes('w-full').props('dense flat').mark('lvb-metrics')
    pairs = [
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
    ui.table(columns=PAIR_COLUMNS, rows=pairs, row_key='n', pagination=10).classes('w-full').props('dense flat').mark(
        'lvb-pairs'
    )
    for title, trades, marker in (
        ('Missed (backtest only)', c.missed, 'lvb-missed'),
        ('Extra (live only)', c.extra, 'lvb-extra'),
    ):
        with ui.expansion(f'{title}: {len(trades)}').classes('w-full').mark(marker):
            for t in trades[:200]:
                ui.label(_brief(t)).classes('text-xs')
