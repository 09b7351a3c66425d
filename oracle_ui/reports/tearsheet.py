"""The tear sheet: one self-contained HTML page (styles and SVG charts inline, no script, no network) that the PDF
is printed from."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from ..views.analytics_models import AnalyticsReport, GroupRow
from . import svg

HEADLINE = (
    ('return_pct', 'Return', '{:+.2f} %'),
    ('cagr_pct', 'CAGR', '{:+.2f} %'),
    ('buy_hold_return_pct', 'Buy and hold', '{:+.2f} %'),
    ('sharpe', 'Sharpe', '{:.2f}'),
    ('sortino', 'Sortino', '{:.2f}'),
    ('calmar', 'Calmar', '{:.2f}'),
    ('max_drawdown_pct', 'Max drawdown', '{:.2f} %'),
    ('volatility_pct', 'Volatility', '{:.2f} %'),
    ('time_under_water_pct', 'Time under water', '{:.1f} %'),
    ('trades', 'Closed trades', '{:,}'),
    ('win_rate_pct', 'Win rate', '{:.1f} %'),
    ('profit_factor', 'Profit factor', '{:.2f}'),
    ('expectancy', 'Expectancy', '{:+,.2f}'),
    ('expectancy_r', 'Expectancy (R)', '{:+.2f}'),
    ('sqn', 'SQN', '{:.2f}'),
    ('net_pnl', 'Net PnL', '{:+,.2f}'),
    ('avg_win', 'Average win', '{:+,.2f}'),
    ('avg_loss', 'Average loss', '{:+,.2f}'),
    ('best_trade', 'Best trade', '{:+,.2f}'),
    ('worst_trade', 'Worst trade', '{:+,.2f}'),
    ('max_consecutive_wins', 'Longest win streak', '{}'),
    ('max_consecutive_losses', 'Longest loss streak', '{}'),
    ('fees', 'Fees', '{:,.2f}'),
    ('fees_share_of_gross_profit_pct', 'Fees / gross profit', '{:.1f} %'),
    ('exposure_pct', 'Exposure', '{:.1f} %'),
    ('start_equity', 'Start equity', '{:,.2f}'),
    ('end_equity', 'End equity', '{:,.2f}'),
)
STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; color: #0f172a; margin: 24px; font-size: 12px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 18px 0 6px; }
.sub { color: #475569; margin-bottom: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 6px; }
.card { border: 1px solid #e2e8f0; border-radius: 6px; padding: 6px 8px; width: 118px; }
.card .label { color: #64748b; font-size: 10px; } .card .value { font-size: 14px; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 11px; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 3px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
section { page-break-inside: avoid; }
@page { size: A4; margin: 14mm; }
"""


def fmt(value: Any, pattern: str) -> str:
    return 'n/a' if value is None else pattern.format(value)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return 'n/a'
    for unit, length in (('d', 86_400), ('h', 3600), ('min', 60)):
        if seconds >= length:
            return f'{seconds / length:.1f} {unit}'
    return f'{seconds:.0f} s'


def _table(rows: Sequence[GroupRow], key_label: str) -> str:
    head = (
        f'<tr><th>{escape(key_label)}</th><th>Trades</th><th>Win rate</th><th>PnL</th><th>Profit factor</th>'
        '<th>Expectancy</th><th>Avg hold</th><th>Fees</th></tr>'
    )
    body = ''.join(
        f'<tr><td>{escape(r.key)}</td><td>{r.trades:,}</td><td>{fmt(r.win_rate_pct, "{:.1f} %")}</td>'
        f'<td>{r.net_pnl:+,.2f}</td><td>{fmt(r.profit_factor, "{:.2f}")}</td><td>{fmt(r.expectancy, "{:+,.2f}")}</td>'
        f'<td>{duration(r.avg_holding_s)}</td><td>{r.fees:,.2f}</td></tr>'
        for r in rows
    )
    return f'<table>{head}{body}</table>'


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime('%Y-%m-%d %H:%M UTC')


def title_of(report: AnalyticsReport) -> str:
    f = report.filters
    filters = ', '.join(f'{k} {v}' for k, v in (('symbol', f.symbol), ('side', f.side), ('strategy', f.strategy)) if v)
    return f'{report.source}: {_when(report.start)} to {_when(report.end)}' + (f' ({filters})' if filters else '')


def tearsheet_html(report: AnalyticsReport, *, generated: float) -> str:
    """The whole report as one HTML document."""
    m = report.metrics.model_dump()
    cards = ''.join(
        f'<div class="card"><div class="label">{label}</div><div class="value">{fmt(m.get(key), pattern)}</div></div>'
        for key, label, pattern in HEADLINE
    )
    sections = [f'<section><h2>Headline figures</h2><div class="cards">{cards}</div></section>']
    series = report.series
    if series is not None:
        times, equity = series.equity
        drawdown_times, drawdown = series.drawdown_pct
        sections += [
            f'<section><h2>Equity ({report.equity_basis})</h2>{svg.line_chart(times, equity)}</section>',
            '<section><h2>Drawdown (%)</h2>'
            f'{svg.line_chart(drawdown_times, drawdown, color=svg.RED, fill=True, height=140)}</section>',
            '<section><h2>Monthly returns (%)</h2>'
            f'{svg.heatmap([(r.month, r.return_pct) for r in series.monthly_returns])}</section>',
            '<section><h2>PnL by weekday and hour of entry (UTC)</h2>'
            f'{svg.bar_chart(series.by_weekday.label, series.by_weekday.pnl, height=150)}'
            f'{svg.bar_chart(series.by_hour.label, series.by_hour.pnl, height=150)}</section>',
            '<section><h2>PnL distribution (trades per PnL bin)</h2>'
            f'{_histogram(series.pnl_histogram.edges, series.pnl_histogram.counts)}</section>',
        ]
    groups = report.groups
    sections += [
        f'<section><h2>By symbol</h2>{_table(groups.symbol, "Symbol")}</section>',
        f'<section><h2>By side</h2>{_table(groups.side, "Side")}</section>',
        f'<section><h2>By strategy</h2>{_table(groups.strategy, "Strategy")}</section>',
        f'<section><h2>By exit reason</h2>{_table(groups.exit_reason, "Exit reason")}</section>',
        f'<section><h2>By month</h2>{_table(groups.month, "Month")}</section>',
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<title>Oracle Trader report: {escape(title_of(report))}</title><style>{STYLE}</style></head><body>'
        f'<h1>Oracle Trader report</h1><div class="sub">{escape(title_of(report))} · generated {_when(generated)} · '
        f'{report.metrics.periods_per_year:,.0f} bars a year for annualised figures</div>'
        + ''.join(sections)
        + '</body></html>'
    )


def _histogram(edges: Sequence[float], counts: Sequence[int]) -> str:
    labels = [f'{(a + b) / 2:+,.2f}' for a, b in itertools.pairwise(edges)]
    return svg.bar_chart(labels, [float(c) for c in counts], height=150)
