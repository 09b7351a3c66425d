"""The pieces of /analytics: metric cards, the figures (equity over drawdown, cumulative PnL, distribution, groups,
hour and weekday, holding time against PnL), the monthly heatmap and the per-symbol table."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from components.plot import TRANSPARENT, Plot
from components.tables import translated
from oracle_ui.i18n import N_, _
from oracle_ui.reports.svg import heatmap
from oracle_ui.reports.tearsheet import HEADLINE, duration, fmt
from oracle_ui.views import AnalyticsReport

BLUE, RED, TEAL, AMBER = '#38bdf8', '#ef4444', '#2dd4bf', '#f59e0b'
SYMBOL_COLUMNS = [
    {'name': name, 'label': label, 'field': name, 'align': 'left', 'sortable': True}
    for name, label in (
        ('key', N_('Symbol')),
        ('trades', N_('Trades')),
        ('win_rate', N_('Win rate')),
        ('pnl', N_('PnL')),
        ('pf', N_('Profit factor')),
        ('hold', N_('Avg hold')),
        ('fees', N_('Fees')),
    )
]
"""The per-symbol table's columns (labels translated where shown)."""


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    return {**TRANSPARENT, 'height': height, 'margin': {'l': 60, 'r': 10, 't': 24, 'b': 30}, **extra}


def _ms(times: list[float]) -> list[float]:
    return [t * 1000.0 for t in times]


def metric_cards(report: AnalyticsReport) -> None:
    metrics = report.metrics.model_dump()
    with ui.grid().classes('w-full gap-2 grid-cols-2 sm:grid-cols-3 md:grid-cols-5').mark('an-metrics'):
        for key, label, pattern in HEADLINE:
            with ui.card().classes('p-2 min-w-0 gap-0'):
                ui.label(_(label)).classes('text-xs opacity-70')
                ui.label(fmt(metrics.get(key), pattern)).classes('text-base').mark(f'an-metric-{key}')


def equity_figure(report: AnalyticsReport) -> dict[str, Any]:
    """Equity above, drawdown (under water) beneath, on one time axis; cumulative closed PnL on the right."""
    assert report.series is not None
    s = report.series
    return {
        'data': [
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': _('equity'),
                'x': _ms(s.equity[0]),
                'y': s.equity[1],
                'line': {'color': TEAL},
            },
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': _('cumulative PnL'),
                'x': _ms(s.cumulative_pnl[0]),
                'y': s.cumulative_pnl[1],
                'yaxis': 'y3',
                'line': {'color': AMBER, 'width': 1},
            },
            {
                'type': 'scatter',
                'mode': 'lines',
                'name': _('drawdown %'),
                'x': _ms(s.drawdown_pct[0]),
                'y': s.drawdown_pct[1],
                'yaxis': 'y2',
                'fill': 'tozeroy',
                'line': {'color': RED, 'width': 1},
            },
        ],
        'layout': _layout(
            380,
            xaxis={'type': 'date'},
            yaxis={'domain': [0.32, 1.0], 'title': {'text': _('equity')}},
            yaxis2={'domain': [0.0, 0.26], 'title': {'text': _('drawdown %')}},
            yaxis3={'overlaying': 'y', 'side': 'right', 'showgrid': False},
            legend={'orientation': 'h', 'y': 1.08, 'x': 0},
        ),
        'config': {'displaylogo': False},
    }


def breakdown_figure(report: AnalyticsReport) -> dict[str, Any]:
    """One figure, six panes (one plotly chart draws faster than six): the PnL distribution, holding time against
    PnL, and PnL by symbol, by exit reason, by hour and by weekday of entry (UTC)."""
    assert report.series is not None
    s, groups = report.series, report.groups
    histogram = s.pnl_histogram
    centers = [(a + b) / 2 for a, b in zip(histogram.edges[:-1], histogram.edges[1:], strict=True)]
    scatter = s.holding_vs_pnl
    panes: list[tuple[str, dict[str, Any]]] = [
        (
            _('PnL distribution (trades per bin)'),
            _bars([fmt(c, '{:+.2f}') for c in centers], histogram.counts, centers),
        ),
        (
            _('Holding time (min) vs PnL'),
            {
                'type': 'scatter',
                'mode': 'markers',
                'x': [h / 60 for h in scatter.holding_s],
                'y': scatter.pnl,
                'text': scatter.symbol,
                'marker': {'size': 4, 'color': [TEAL if p >= 0 else RED for p in scatter.pnl], 'opacity': 0.7},
            },
        ),
        (_('PnL by symbol'), _bars([r.key for r in groups.symbol], [r.net_pnl for r in groups.symbol])),
        (_('PnL by exit reason'), _bars([r.key for r in groups.exit_reason], [r.net_pnl for r in groups.exit_reason])),
        (_('PnL by hour of entry (UTC)'), _bars(s.by_hour.label, s.by_hour.pnl)),
        (_('PnL by weekday of entry (UTC)'), _bars(s.by_weekday.label, s.by_weekday.pnl)),
    ]
    data, layout = [], _layout(3 * 250, showlegend=False, annotations=[])
    rows = len(panes) // 2
    for k, (title, trace) in enumerate(panes):
        row, column = divmod(k, 2)
        suffix = '' if k == 0 else str(k + 1)
        top = 1.0 - row / rows
        x_domain = [0.0, 0.46] if column == 0 else [0.54, 1.0]
        y_domain = [max(0.0, top - 1 / rows + 0.07), top - 0.03]
        data.append({**trace, 'name': title, 'xaxis': f'x{suffix}', 'yaxis': f'y{suffix}'})
        layout[f'xaxis{suffix}'] = {'domain': x_domain, 'anchor': f'y{suffix}'}
        layout[f'yaxis{suffix}'] = {'domain': y_domain, 'anchor': f'x{suffix}'}
        layout['annotations'].append(
            {
                'text': title,
                'x': sum(x_domain) / 2,
                'y': top,
                'xref': 'paper',
                'yref': 'paper',
                'showarrow': False,
                'font': {'size': 12},
            }
        )
    return {'data': data, 'layout': layout, 'config': {'displaylogo': False}, 'lazy': True}


def _bars(labels: list[str], values: list[float] | list[int], signs: list[float] | None = None) -> dict[str, Any]:
    colors = [TEAL if v >= 0 else RED for v in (signs if signs is not None else values)]
    return {'type': 'bar', 'x': labels, 'y': values, 'marker': {'color': colors}}


def symbol_rows(report: AnalyticsReport) -> list[dict[str, Any]]:
    return [
        {
            'key': r.key,
            'trades': r.trades,
            'win_rate': fmt(r.win_rate_pct, '{:.1f} %'),
            'pnl': fmt(r.net_pnl, '{:+,.2f}'),
            'pf': fmt(r.profit_factor, '{:.2f}'),
            'hold': duration(r.avg_holding_s),
            'fees': fmt(r.fees, '{:,.2f}'),
        }
        for r in report.groups.symbol
    ]


def analytics_view(report: AnalyticsReport) -> None:
    """Everything /analytics draws for one report."""
    metric_cards(report)
    if report.series is None:
        return
    s = report.series
    Plot(equity_figure(report)).classes('w-full').style('height: 380px').mark('an-equity')
    with ui.card().classes('w-full'):
        ui.label(_('Monthly returns (%)')).classes('text-sm')
        ui.html(heatmap([(m.month, m.return_pct) for m in s.monthly_returns]), sanitize=False).classes('w-full').mark(
            'an-heatmap'
        )
    Plot(breakdown_figure(report)).classes('w-full').style('height: 750px').mark('an-breakdown')
    columns = translated(SYMBOL_COLUMNS)
    ui.table(columns=columns, rows=symbol_rows(report), row_key='key').classes('w-full').props('dense flat').mark(
        'an-symbols'
    )
