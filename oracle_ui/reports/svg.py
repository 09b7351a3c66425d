"""Charts as inline SVG: drawn on the server, so a report needs no script to open offline and its PDF has them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from babel.dates import get_month_names

from ..i18n import current, formats
from ..i18n.catalog import locale_of

WIDTH, HEIGHT = 720, 220
PAD = {'l': 56, 'r': 10, 't': 10, 'b': 24}
GREEN, RED, TEAL, GREY = '#16a34a', '#dc2626', '#0d9488', '#94a3b8'


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    if not math.isfinite(low) or not math.isfinite(high) or high <= low:
        return [low]
    step = 10 ** math.floor(math.log10((high - low) / count))
    for factor in (1, 2, 5, 10):
        if (high - low) / (step * factor) <= count:
            step *= factor
            break
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) / step) + 1)]


def _label(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 2
    return f'{value:,.{decimals}f}'


def _frame(body: str, low: float, high: float, x_labels: Sequence[tuple[float, str]], height: int) -> str:
    """An SVG with y grid lines between ``low`` and ``high``, x labels at pixel positions, and ``body``."""
    plot_h = height - PAD['t'] - PAD['b']
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width:{WIDTH}px" font-family="sans-serif" font-size="10">'
    ]
    ticks = _ticks(low, high)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 0.0
    for tick in ticks:
        y = PAD['t'] + plot_h * (1 - (tick - low) / ((high - low) or 1))
        parts.append(f'<line x1="{PAD["l"]}" x2="{WIDTH - PAD["r"]}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>')
        label = _label(tick, step)
        parts.append(f'<text x="{PAD["l"] - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#475569">{label}</text>')
    for x, text in x_labels:
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#475569">{escape(text)}</text>')
    parts.append(body)
    parts.append('</svg>')
    return ''.join(parts)


def line_chart(
    times: Sequence[float],
    values: Sequence[float],
    *,
    color: str = TEAL,
    fill: bool = False,
    height: int = HEIGHT,
    extra: Sequence[tuple[Sequence[float], str]] = (),
) -> str:
    """A time series (Unix seconds); ``fill`` shades down to zero (a drawdown); ``extra``: (values, colour) lines
    on the same times."""
    if len(times) == 0:
        return _frame('', 0, 1, [], height)
    columns = [list(values), *(list(v) for v, _ in extra)]
    low = min(min(c) for c in columns)
    high = max(max(c) for c in columns)
    if fill:
        high = max(high, 0.0)
    if high == low:
        low, high = low - 1, high + 1
    t0, t1 = times[0], times[-1] if times[-1] > times[0] else times[0] + 1
    plot_w, plot_h = WIDTH - PAD['l'] - PAD['r'], height - PAD['t'] - PAD['b']

    def point(t: float, v: float) -> str:
        return (
            f'{PAD["l"] + plot_w * (t - t0) / (t1 - t0):.1f},{PAD["t"] + plot_h * (1 - (v - low) / (high - low)):.1f}'
        )

    body = []
    for column, line_color in zip(columns, [color, *(c for _, c in extra)], strict=True):
        points = ' '.join(point(t, v) for t, v in zip(times, column, strict=True))
        if fill:
            zero = PAD['t'] + plot_h * (1 - (0 - low) / (high - low))
            body.append(
                f'<polygon points="{PAD["l"]:.1f},{zero:.1f} {points} {PAD["l"] + plot_w:.1f},{zero:.1f}" '
                f'fill="{line_color}" fill-opacity="0.3" stroke="none"/>'
            )
        body.append(f'<polyline points="{points}" fill="none" stroke="{line_color}" stroke-width="1.2"/>')
    labels = [(PAD['l'] + plot_w * k / 4, _date(t0 + (t1 - t0) * k / 4)) for k in range(5)]
    return _frame(''.join(body), low, high, labels, height)


def bar_chart(labels: Sequence[str], values: Sequence[float], *, height: int = HEIGHT) -> str:
    """Bars up (green) or down (red) from zero, one per label."""
    if not labels:
        return _frame('', 0, 1, [], height)
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1
    plot_w, plot_h = WIDTH - PAD['l'] - PAD['r'], height - PAD['t'] - PAD['b']
    slot = plot_w / len(labels)

    def y(v: float) -> float:
        return PAD['t'] + plot_h * (1 - (v - low) / (high - low))

    body, names = [], []
    every = max(1, math.ceil(len(labels) / 24))
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        top, bottom = sorted((y(value), y(0)))
        x, bar_h = PAD['l'] + slot * k + slot * 0.1, max(bottom - top, 0.5)
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{top:.1f}" width="{slot * 0.8:.1f}" height="{bar_h:.1f}"'
            f' fill="{GREEN if value >= 0 else RED}"><title>{escape(label)}: {value:,.2f}</title></rect>'
        )
        if k % every == 0:
            names.append((PAD['l'] + slot * (k + 0.5), label[:10]))
    return _frame(''.join(body), low, high, names, height)


def heatmap(months: Sequence[tuple[str, float]]) -> str:
    """Monthly returns (``YYYY-MM``, percent) as a year x month grid, green up, red down."""
    years = sorted({m[:4] for m, _ in months})
    cell_w, cell_h, left, top = 52, 22, 44, 18
    width, height = left + 12 * cell_w + 8, top + cell_h * max(len(years), 1) + 6
    scale = max((abs(v) for _, v in months), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" font-family="sans-serif" font-size="10" class="heatmap">'
    ]
    names = get_month_names('abbreviated', 'stand-alone', locale=locale_of(current().code))
    for k, name in enumerate(names[m] for m in range(1, 13)):
        parts.append(f'<text x="{left + cell_w * (k + 0.5)}" y="12" text-anchor="middle" fill="#475569">{name}</text>')
    for row, year in enumerate(years):
        parts.append(
            f'<text x="{left - 6}" y="{top + cell_h * row + 15}" text-anchor="end" fill="#475569">{year}</text>'
        )
    for month, value in months:
        row, column = years.index(month[:4]), int(month[5:7]) - 1
        alpha = 0.15 + 0.85 * min(abs(value) / scale, 1.0)
        color = GREEN if value >= 0 else RED
        x, y = left + cell_w * column, top + cell_h * row
        shown = formats.decimal(value, 1, signed=True)
        parts.append(
            f'<rect class="cell" x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{color}" '
            f'fill-opacity="{alpha:.2f}"><title>{month}: {formats.percent(value, 2, signed=True)}</title></rect>'
            f'<text x="{x + cell_w / 2 - 1}" y="{y + 14}" text-anchor="middle">{shown}</text>'
        )
    parts.append('</svg>')
    return ''.join(parts)


def _date(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime('%Y-%m-%d')
