"""Pure display formatters of numbers, prices and ages, shared by pages and summaries (no UI code)."""

from __future__ import annotations

import math


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
