"""What the price chart draws besides indicator lines: how it names times, the candle traces, the forming candle's
shapes, the markers' hover text, the open position's level lines and price-line alerts."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from oracle_ui import formatting as fmt
from oracle_ui.alerts.rules import PriceLine
from oracle_ui.i18n import N_, _, terms
from oracle_ui.views import CandleOut, CandlesResponse, OpenPosition, TradeMarker

UP, DOWN = '#16a34a', '#dc2626'
BODY_WIDTH = 0.7
"""Of a candle's period, as plotly draws candlesticks."""
ALERT_COLORS = {'armed': '#f59e0b', 'triggered': '#ef4444', 'cooling_down': '#fb923c'}
"""Price-line alerts by state (snoozed and disabled ones are grey)."""
LEVEL_COLORS = (
    ('stop_loss', '#ef4444', N_('SL')),
    ('take_profit', '#22c55e', N_('TP')),
    ('entry_price', '#94a3b8', N_('entry')),
)
"""The open position's levels: field, colour, label (translated where drawn)."""


def chart_time(seconds: float, timezone: tzinfo) -> str:
    """How the chart's x axis names a moment: wall time in the viewer's timezone."""
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S')


def parse_chart_time(text: str, timezone: tzinfo) -> float:
    """The moment a chart x value names (plotly may add fractions of a second)."""
    return datetime.fromisoformat(text.strip().replace(' ', 'T')[:19]).replace(tzinfo=timezone).timestamp()


def marker_text(t: TradeMarker, entry: bool) -> str:
    size = f'{fmt.quantity(t.quantity)} ' if t.quantity is not None else ''
    head = _('#{id} {side} {size}entry @ {price}') if entry else _('#{id} {side} {size}exit @ {price}')
    price = fmt.price(t.entry_price if entry else t.exit_price)
    lines = [head.format(id=t.id, side=terms.side(t.side), size=size, price=price)]
    if t.exit_price is not None:
        lines.append(f'{fmt.price(t.entry_price)} → {fmt.price(t.exit_price)} ({t.exit_reason or t.status})')
        lines.append(_('PnL {pnl}').format(pnl=fmt.signed_money(t.pnl)))
    elif t.stop_loss is not None or t.take_profit is not None:
        levels = _('SL {stop_loss} · TP {take_profit}')
        lines.append(levels.format(stop_loss=fmt.price(t.stop_loss), take_profit=fmt.price(t.take_profit)))
    return '<br>'.join(lines)


def level_lines(position: OpenPosition | None) -> list[dict[str, Any]]:
    """The open position's stop-loss, take-profit and entry as dashed lines across the chart (none without one)."""
    if position is None:
        return []
    lines = []
    for name, color, label in LEVEL_COLORS:
        value = getattr(position, name)
        if value is not None:
            lines.append(
                {
                    'type': 'line',
                    'xref': 'paper',
                    'yref': 'y',
                    'x0': 0,
                    'x1': 1,
                    'y0': value,
                    'y1': value,
                    'line': {'color': color, 'width': 1, 'dash': 'dash'},
                    'label': {
                        'text': f'{_(label)} {fmt.price(value)}',
                        'textposition': 'end',
                        'font': {'size': 10, 'color': color},
                    },
                }
            )
    return lines


def candles_trace(data: CandlesResponse, times: list[str]) -> dict[str, Any]:
    return {
        'type': 'candlestick',
        'name': data.symbol,
        'x': times,
        'open': [c.open for c in data.candles],
        'high': [c.high for c in data.candles],
        'low': [c.low for c in data.candles],
        'close': [c.close for c in data.candles],
        'increasing': {'line': {'color': UP}},
        'decreasing': {'line': {'color': DOWN}},
        'yaxis': 'y',
    }


def forming_trace() -> dict[str, Any]:
    """An invisible trace spanning the forming candle, for the autorange (shapes draw the candle)."""
    hidden = {'line': {'width': 0, 'color': 'rgba(0,0,0,0)'}, 'fillcolor': 'rgba(0,0,0,0)'}
    return {
        'type': 'candlestick',
        'name': 'forming',  # plot.js finds it by this name; it is in no legend
        'x': [],
        'open': [],
        'high': [],
        'low': [],
        'close': [],
        'increasing': hidden,
        'decreasing': hidden,
        'hoverinfo': 'skip',
        'showlegend': False,
        'yaxis': 'y',
    }


def forming_shapes(period_s: int, tz: tzinfo, candle: CandleOut | None) -> list[dict[str, Any]]:
    """The candle still forming as two shapes (body and wick), redrawn without redrawing the traces."""
    if candle is None:
        return [{'type': 'rect', 'visible': False}, {'type': 'line', 'visible': False}]
    color = UP if candle.close >= candle.open else DOWN
    half = period_s * BODY_WIDTH / 2
    middle = candle.time  # plotly centres a candle on its time
    return [
        {
            'type': 'rect',
            'xref': 'x',
            'yref': 'y',
            'x0': chart_time(middle - half, tz),
            'x1': chart_time(middle + half, tz),
            'y0': candle.open,
            'y1': candle.close,
            'fillcolor': color,
            'opacity': 0.6,
            'line': {'color': color, 'width': 1},
        },
        {
            'type': 'line',
            'xref': 'x',
            'yref': 'y',
            'x0': chart_time(middle, tz),
            'x1': chart_time(middle, tz),
            'y0': candle.low,
            'y1': candle.high,
            'opacity': 0.6,
            'line': {'color': color, 'width': 1},
        },
    ]


def alert_line(line: PriceLine, draggable: bool) -> dict[str, Any]:
    color = ALERT_COLORS.get(line.state, '#94a3b8')
    arrow = {'above': '▲', 'crosses_above': '▲', 'below': '▼', 'crosses_below': '▼'}.get(line.op, '◆')
    return {
        'type': 'line',
        'name': f'alert:{line.id}',
        'xref': 'paper',
        'yref': 'y',
        'x0': 0,
        'x1': 1,
        'y0': line.level,
        'y1': line.level,
        'line': {'color': color, 'width': 2, 'dash': 'dash' if draggable else 'dot'},
        'label': {
            'text': f'🔔 {arrow} {fmt.price(line.level)} {line.name}',
            'textposition': 'start',
            'font': {'size': 10, 'color': color},
        },
    }


def marker_trace(trades: list[TradeMarker], tz: tzinfo, *, entry: bool, backtest: bool = False) -> dict[str, Any]:
    """The entries' (or exits') markers of ``trades``; a backtest's are hollow, named as such, not outlined."""
    names = {
        (True, False): _('entries'),
        (False, False): _('exits'),
        (True, True): _('backtest entries'),
        (False, True): _('backtest exits'),
    }
    return {
        'type': 'scatter',
        'mode': 'markers',
        'name': names[entry, backtest],
        **({} if backtest else {'meta': 'outline'}),  # plot.js outlines live markers in the theme's contrast colour
        'yaxis': 'y',
        'hoverinfo': 'text',
        **marker_arrays(trades, tz, entry=entry, backtest=backtest),
    }


def marker_arrays(trades: list[TradeMarker], tz: tzinfo, *, entry: bool, backtest: bool = False) -> dict[str, Any]:
    """Positions, hover texts and symbols of the entry (or exit) markers of ``trades``."""
    marks = sorted((t for t in trades if entry or t.exit_time is not None), key=lambda t: t.id)
    long = [t.side == 'long' for t in marks]
    shapes = [('triangle-up' if x else 'triangle-down') for x in long] if entry else ['x'] * len(marks)
    return {
        'x': [chart_time(t.entry_time if entry else t.exit_time or 0, tz) for t in marks],
        'y': [t.entry_price if entry else t.exit_price for t in marks],
        'text': [
            _('backtest {trade}').format(trade=marker_text(t, entry)) if backtest else marker_text(t, entry)
            for t in marks
        ],
        'marker': {
            'size': 11 if entry else 10,
            'color': [UP if x else DOWN for x in long] if entry else '#f59e0b',
            'symbol': [f'{s}-open' for s in shapes] if backtest else shapes,
            'line': {'width': 1.5},
        },
    }
