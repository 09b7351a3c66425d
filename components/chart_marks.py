"""What the price chart draws besides candles and lines: how it names times, the markers' hover text and the open
position's level lines."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from oracle_ui import formatting as fmt
from oracle_ui.views import OpenPosition, TradeMarker

LEVEL_COLORS = (('stop_loss', '#ef4444', 'SL'), ('take_profit', '#22c55e', 'TP'), ('entry_price', '#94a3b8', 'entry'))


def chart_time(seconds: float, timezone: tzinfo) -> str:
    """How the chart's x axis names a moment: wall time in the viewer's timezone."""
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S')


def parse_chart_time(text: str, timezone: tzinfo) -> float:
    """The moment a chart x value names (plotly may add fractions of a second)."""
    return datetime.fromisoformat(text.strip().replace(' ', 'T')[:19]).replace(tzinfo=timezone).timestamp()


def marker_text(t: TradeMarker, entry: bool) -> str:
    size = f'{t.quantity:.6g} ' if t.quantity is not None else ''
    lines = [
        f'#{t.id} {t.side} {size}{"entry" if entry else "exit"} @ {fmt.price(t.entry_price if entry else t.exit_price)}'
    ]
    if t.exit_price is not None:
        lines.append(f'{fmt.price(t.entry_price)} → {fmt.price(t.exit_price)} ({t.exit_reason or t.status})')
        lines.append(f'PnL {fmt.signed_money(t.pnl)}')
    elif t.stop_loss is not None or t.take_profit is not None:
        lines.append(f'SL {fmt.price(t.stop_loss)} · TP {fmt.price(t.take_profit)}')
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
                        'text': f'{label} {fmt.price(value)}',
                        'textposition': 'end',
                        'font': {'size': 10, 'color': color},
                    },
                }
            )
    return lines
