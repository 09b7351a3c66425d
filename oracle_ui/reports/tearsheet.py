"""The tear sheet: one self-contained HTML page (styles and SVG charts inline, no script, no network) that the PDF
is printed from."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from ..i18n import N_, _, current, formats, is_rtl, pgettext, terms
from ..views.analytics_models import AnalyticsReport, GroupRow
from . import svg

HEADLINE = (
    ('return_pct', N_('Return'), '{:+.2f} %'),
    ('cagr_pct', N_('CAGR'), '{:+.2f} %'),
    ('buy_hold_return_pct', N_('Buy and hold'), '{:+.2f} %'),
    ('sharpe', N_('Sharpe'), '{:.2f}'),
    ('sortino', N_('Sortino'), '{:.2f}'),
    ('calmar', N_('Calmar'), '{:.2f}'),
    ('max_drawdown_pct', N_('Max drawdown'), '{:.2f} %'),
    ('volatility_pct', N_('Volatility'), '{:.2f} %'),
    ('time_under_water_pct', N_('Time under water'), '{:.1f} %'),
    ('trades', N_('Closed trades'), '{:,}'),
    ('win_rate_pct', N_('Win rate'), '{:.1f} %'),
    ('profit_factor', N_('Profit factor'), '{:.2f}'),
    ('expectancy', N_('Expectancy'), '{:+,.2f}'),
    ('expectancy_r', N_('Expectancy (R)'), '{:+.2f}'),
    ('sqn', N_('SQN'), '{:.2f}'),
    ('net_pnl', N_('Net PnL'), '{:+,.2f}'),
    ('avg_win', N_('Average win'), '{:+,.2f}'),
    ('avg_loss', N_('Average loss'), '{:+,.2f}'),
    ('best_trade', N_('Best trade'), '{:+,.2f}'),
    ('worst_trade', N_('Worst trade'), '{:+,.2f}'),
    ('max_consecutive_wins', N_('Longest win streak'), '{}'),
    ('max_consecutive_losses', N_('Longest loss streak'), '{}'),
    ('fees', N_('Fees'), '{:,.2f}'),
    ('fees_share_of_gross_profit_pct', N_('Fees / gross profit'), '{:.1f} %'),
    ('exposure_pct', N_('Exposure'), '{:.1f} %'),
    ('start_equity', N_('Start equity'), '{:,.2f}'),
    ('end_equity', N_('End equity'), '{:,.2f}'),
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


PATTERN = re.compile(r'\{:(?P<sign>\+)?(?P<grouped>,)?(?:\.(?P<decimals>\d)(?P<kind>[fg]))?\}(?P<percent> %)?')
"""The format patterns of :data:`HEADLINE` (``{:+,.2f}``, ``{:.1f} %``), written in the current locale's formats."""


def fmt(value: Any, pattern: str) -> str:
    """``value`` as ``pattern`` says, in the current language's number formats; 'n/a' for none."""
    if value is None:
        return _('n/a')
    found = PATTERN.fullmatch(pattern)
    if found is None or found['kind'] == 'g':
        return formats.digits(pattern.format(value))
    decimals, signed = int(found['decimals'] or 0), bool(found['sign'])
    if found['percent']:
        return formats.percent(float(value), decimals, signed=signed)
    return formats.decimal(float(value), decimals, signed=signed)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return _('n/a')
    units = ((86_400, _('{value} d')), (3600, _('{value} h')), (60, _('{value} min')))
    for length, unit in units:
        if seconds >= length:
            return unit.format(value=formats.decimal(seconds / length, 1))
    return _('{value} s').format(value=formats.decimal(seconds, 0))


def _table(rows: Sequence[GroupRow], key_label: str) -> str:
    labels = (key_label, _('Trades'), _('Win rate'), _('PnL'), _('Profit factor'), _('Expectancy'), _('Avg hold'))
    head = '<tr>' + ''.join(f'<th>{escape(label)}</th>' for label in (*labels, _('Fees'))) + '</tr>'
    body = ''.join(
        f'<tr><td>{escape(r.key)}</td><td>{fmt(r.trades, "{:,}")}</td><td>{fmt(r.win_rate_pct, "{:.1f} %")}</td>'
        f'<td>{fmt(r.net_pnl, "{:+,.2f}")}</td><td>{fmt(r.profit_factor, "{:.2f}")}</td>'
        f'<td>{fmt(r.expectancy, "{:+,.2f}")}</td><td>{duration(r.avg_holding_s)}</td><td>{fmt(r.fees, "{:,.2f}")}</td>'
        '</tr>'
        for r in rows
    )
    return f'<table>{head}{body}</table>'


def source_name(source: str) -> str:
    """What a report is of: the account, or a saved backtest (``backtest #3``)."""
    if source.startswith('backtest #'):
        return pgettext('report of', 'backtest #{id}').format(id=source.removeprefix('backtest #'))
    return pgettext('report of', 'account') if source == 'account' else source


def basis_name(basis: str) -> str:
    """Whose equity a report draws: the account's, the filtered trades' alone, or a backtest's."""
    names = {
        'account': pgettext('equity basis', 'account'),
        'filtered trades': pgettext('equity basis', 'filtered trades'),
        'backtest': pgettext('equity basis', 'backtest'),
    }
    return names.get(basis, basis)


def _when(seconds: float) -> str:
    return formats.moment(datetime.fromtimestamp(seconds, UTC), 'yyyy-MM-dd HH:mm') + ' UTC'


def title_of(report: AnalyticsReport) -> str:
    f = report.filters
    chosen = (
        (_('symbol {value}'), f.symbol),
        (_('side {value}'), terms.side(f.side) if f.side else None),
        (_('strategy {value}'), f.strategy),
    )
    filters = ', '.join(label.format(value=v) for label, v in chosen if v)
    period = _('{source}: {start} to {end}').format(
        source=source_name(report.source), start=_when(report.start), end=_when(report.end)
    )
    return period + (f' ({filters})' if filters else '')


def tearsheet_html(report: AnalyticsReport, *, generated: float) -> str:
    """The whole report as one HTML document."""
    m = report.metrics.model_dump()
    cards = ''.join(
        f'<div class="card"><div class="label">{escape(_(label))}</div><div class="value">{fmt(m.get(key), pattern)}'
        '</div></div>'
        for key, label, pattern in HEADLINE
    )
    sections = [_section(_('Headline figures'), f'<div class="cards">{cards}</div>')]
    series = report.series
    if series is not None:
        times, equity = series.equity
        drawdown_times, drawdown = series.drawdown_pct
        sections += [
            _section(
                _('Equity ({basis})').format(basis=basis_name(report.equity_basis)), svg.line_chart(times, equity)
            ),
            _section(_('Drawdown (%)'), svg.line_chart(drawdown_times, drawdown, color=svg.RED, fill=True, height=140)),
            _section(_('Monthly returns (%)'), svg.heatmap([(r.month, r.return_pct) for r in series.monthly_returns])),
            _section(
                _('PnL by weekday and hour of entry (UTC)'),
                svg.bar_chart(series.by_weekday.label, series.by_weekday.pnl, height=150)
                + svg.bar_chart(series.by_hour.label, series.by_hour.pnl, height=150),
            ),
            _section(
                _('PnL distribution (trades per PnL bin)'),
                _histogram(series.pnl_histogram.edges, series.pnl_histogram.counts),
            ),
        ]
    groups = report.groups
    sections += [
        _section(_('By symbol'), _table(groups.symbol, _('Symbol'))),
        _section(_('By side'), _table(groups.side, _('Side'))),
        _section(_('By strategy'), _table(groups.strategy, _('Strategy'))),
        _section(_('By exit reason'), _table(groups.exit_reason, _('Exit reason'))),
        _section(_('By month'), _table(groups.month, _('Month'))),
    ]
    language = current().code
    title = escape(_('Oracle Trader report: {title}').format(title=title_of(report)))
    sub = _('{title} · generated {when} · {bars} bars a year for annualised figures').format(
        title=title_of(report), when=_when(generated), bars=formats.decimal(report.metrics.periods_per_year, 0)
    )
    direction = 'rtl' if is_rtl(language) else 'ltr'
    return (
        f'<!DOCTYPE html><html lang="{language.replace("_", "-")}" dir="{direction}"><head><meta charset="utf-8">'
        f'<title>{title}</title><style>{STYLE}</style></head><body>'
        f'<h1>{escape(_("Oracle Trader report"))}</h1><div class="sub">{escape(sub)}</div>'
        + ''.join(sections)
        + '</body></html>'
    )


def _section(heading: str, content: str) -> str:
    return f'<section><h2>{escape(heading)}</h2>{content}</section>'


def _histogram(edges: Sequence[float], counts: Sequence[int]) -> str:
    labels = [formats.decimal((a + b) / 2, 2, signed=True) for a, b in itertools.pairwise(edges)]
    return svg.bar_chart(labels, [float(c) for c in counts], height=150)
