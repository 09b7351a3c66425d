"""Pure display formatters of numbers, prices, times and ages, shared by pages, summaries and the CLI (no UI
code), in the current language's formats (:mod:`oracle_ui.i18n`; English where none was chosen)."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo

from .i18n import _
from .i18n import formats as locale_formats


def money(value: float | None, currency: str = 'USDT') -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return locale_formats.money(value, currency)


def signed_money(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return locale_formats.decimal(value, 2, signed=True)


def price_digits(value: float) -> int:
    """The decimals a price of this size is shown with."""
    return 2 if value >= 1000 else 3 if value >= 10 else 4 if value >= 1 else 6


def price(value: float | None) -> str:
    """Prices with precision that suits their size (65,012.50 / 3,401.25 / 151.234 / 0.123456)."""
    if value is None or not math.isfinite(value) or value == 0:
        return '—'
    return locale_formats.decimal(value, price_digits(value))


def round_price(value: float) -> float:
    """``value`` rounded as :func:`price` shows it (a level picked on a chart is the level people read)."""
    return round(value, price_digits(value))


def quantity(value: float | None) -> str:
    """Amounts of an asset: up to six decimals, no trailing zeros (0.015346, 1,250, 2.5)."""
    if value is None or not math.isfinite(value):
        return '—'
    if abs(value) >= 1_000_000:
        return locale_formats.decimal(value, 0)
    return locale_formats.decimal(round(value, 6), 0, optional=6)


def number(value: float | None) -> str:
    """Any other figure, readably: whole numbers as they are, four significant digits below 10,000
    (0.677, 27.14, 1,234), no decimals above."""
    if value is None or not math.isfinite(value):
        return '—'
    if float(value).is_integer() or abs(value) >= 10_000:
        return locale_formats.decimal(value, 0)
    text = f'{value:.4g}'
    return locale_formats.decimal(value, len(text.partition('.')[2])) if 'e' not in text else f'{value:.3g}'


def percent(value: float | None, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return locale_formats.percent(value, 2, signed=True) if signed else locale_formats.percent(value, 1)


def local_time(seconds: float | None, timezone: tzinfo, *, with_date: bool = True) -> str:
    """A moment in ``timezone`` (``2026-11-26 14:30:05``, or ``14:30:05``); '—' for none."""
    if not seconds:
        return '—'
    moment = datetime.fromtimestamp(seconds, timezone)
    return locale_formats.moment(moment, 'yyyy-MM-dd HH:mm:ss' if with_date else 'HH:mm:ss')


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
        return _('{seconds} s').format(seconds=locale_formats.decimal(seconds, 0))
    if seconds < 5400:
        return _('{minutes} min').format(minutes=locale_formats.decimal(seconds / 60, 0))
    if seconds < 2 * 86_400:
        return _('{hours} h').format(hours=locale_formats.decimal(seconds / 3600, 1))
    return _('{days} days').format(days=locale_formats.decimal(seconds / 86_400, 1))


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
    if formats == DAY_FORMATS:
        raise ValueError(_('{typed} is not a date like {day}').format(typed=repr(value[:40]), day='2026-11-26'))
    wrong = _('{typed} is not a date or time like {day} or {moment}')
    raise ValueError(wrong.format(typed=repr(value[:40]), day='2026-11-26', moment='2026-11-26 14:30'))


def age(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return _('no data')
    if seconds < 1:
        return _('just now')
    if seconds < 90:
        return _('{seconds} s ago').format(seconds=locale_formats.decimal(seconds, 0))
    if seconds < 5400:
        return _('{minutes} min ago').format(minutes=locale_formats.decimal(seconds / 60, 0))
    return _('{hours} h ago').format(hours=locale_formats.decimal(seconds / 3600, 1))


def sparkline_points(values: list[float], width: float = 120, height: float = 28) -> str:
    """SVG polyline points for ``values`` scaled into a ``width`` x ``height`` box (empty for < 2 values)."""
    if len(values) < 2:
        return ''
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return ' '.join(f'{i * step:.1f},{height - (v - low) / span * (height - 2) - 1:.1f}' for i, v in enumerate(values))
