"""Pure display formatters of numbers, prices, times and ages, shared by pages, summaries and the CLI (no UI
code)."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo


def money(value: float | None, currency: str = 'USDT') -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return f'{value:,.2f} {currency}'


def signed_money(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return f'{value:+,.2f}'


def price(value: float | None) -> str:
    """Prices with precision that suits their size (65,012.50 / 3,401.25 / 151.234 / 0.123456)."""
    if value is None or not math.isfinite(value) or value == 0:
        return '—'
    digits = 2 if value >= 1000 else 3 if value >= 10 else 4 if value >= 1 else 6
    return f'{value:,.{digits}f}'


def quantity(value: float | None) -> str:
    """Amounts of an asset: up to six decimals, no trailing zeros (0.015346, 1,250, 2.5)."""
    if value is None or not math.isfinite(value):
        return '—'
    if abs(value) >= 1_000_000:
        return f'{value:,.0f}'
    return f'{value:,.6f}'.rstrip('0').rstrip('.')


def number(value: float | None) -> str:
    """Any other figure, readably: whole numbers as they are, four significant digits below 10,000
    (0.677, 27.14, 1,234), no decimals above."""
    if value is None or not math.isfinite(value):
        return '—'
    if float(value).is_integer() or abs(value) >= 10_000:
        return f'{value:,.0f}'
    text = f'{value:.4g}'
    return f'{value:,.{max(0, len(text.partition(".")[2]))}f}' if 'e' not in text else f'{value:.3g}'


def percent(value: float | None, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return f'{value:+.2f} %' if signed else f'{value:.1f} %'


def local_time(seconds: float | None, timezone: tzinfo, *, with_date: bool = True) -> str:
    """A moment in ``timezone`` (``2026-11-26 14:30:05``, or ``14:30:05``); '—' for none."""
    if not seconds:
        return '—'
    return datetime.fromtimestamp(seconds, timezone).strftime('%Y-%m-%d %H:%M:%S' if with_date else '%H:%M:%S')


def iso_time(seconds: float | None, timezone: tzinfo) -> str:
    """ISO 8601 with the offset (``2026-11-26T14:30:05+01:00``), whole seconds unless there are fractions; ''
    for none."""
    if seconds is None:
        return ''
    moment = datetime.fromtimestamp(seconds, timezone)
    return moment.isoformat(timespec='seconds' if float(seconds).is_integer() else 'milliseconds')


def duration(seconds: float) -> str:
    """A length of time: ``45 s``, ``12 min``, ``3.2 h``, ``4.5 days``."""
    seconds = abs(seconds)
    if seconds < 90:
        return f'{seconds:.0f} s'
    if seconds < 5400:
        return f'{seconds / 60:.0f} min'
    if seconds < 2 * 86_400:
        return f'{seconds / 3600:.1f} h'
    return f'{seconds / 86_400:.1f} days'


DAY_FORMATS = ('%Y-%m-%d',)
MOMENT_FORMATS = ('%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%Y-%m-%d')


def parse_moment(text: str | None, timezone: tzinfo, formats: tuple[str, ...] = MOMENT_FORMATS) -> float | None:
    """A day or time someone typed, read in ``timezone``, as Unix seconds; None when nothing was typed. A
    ValueError names what was typed and what is expected."""
    value = (text or '').strip()
    if not value:
        return None
    for pattern in formats:
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=timezone).timestamp()
        except ValueError:
            continue
    example = '2026-11-26' if formats == DAY_FORMATS else '2026-11-26 or 2026-11-26 14:30'
    raise ValueError(f'{value[:40]!r} is not a {"date" if formats == DAY_FORMATS else "date or time"} like {example}')


def age(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return 'no data'
    if seconds < 1:
        return 'just now'
    if seconds < 90:
        return f'{seconds:.0f} s ago'
    if seconds < 5400:
        return f'{seconds / 60:.0f} min ago'
    return f'{seconds / 3600:.1f} h ago'


def sparkline_points(values: list[float], width: float = 120, height: float = 28) -> str:
    """SVG polyline points for ``values`` scaled into a ``width`` x ``height`` box (empty for < 2 values)."""
    if len(values) < 2:
        return ''
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return ' '.join(f'{i * step:.1f},{height - (v - low) / span * (height - 2) - 1:.1f}' for i, v in enumerate(values))
