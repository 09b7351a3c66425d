"""Why an order was refused, in words. The broker and the risk manager write each reason in English from one of
these templates (events, logs, the API and a backtest's JSON carry it as it is); :func:`translated` finds the
template a reason was written from and writes it again in the current language, for a page's viewer. Values keep
their meaning: numbers get the language's marks, a side its name; a reason from anywhere else is shown as it is."""

from __future__ import annotations

import re
import string

from ..i18n import N_, SOURCE, _, current, formats, terms

UNKNOWN_SYMBOL = N_('unknown symbol {symbol}; tradable: {symbols}')
LEVERAGE_OUTSIDE = N_('leverage {leverage} outside 1..{most}')
ONE_SIZE = N_('exactly one of quantity, margin or all_in must be given')
# TRANSLATORS: {name} is an order field as the API names it (quantity, margin)
NOT_POSITIVE = N_('{name} must be a positive number, got {value}')
# TRANSLATORS: {side} is long or short, translated
ALREADY_OPEN = N_('a {side} position on {symbol} is already open')
ALREADY_PENDING = N_('an order on {symbol} is already pending')
MARGIN_OVER_FREE = N_('insufficient balance: margin {margin} > free {free}')
COST_OVER_FREE = N_('insufficient balance: margin {margin} + fee {fee} > free {free}')
# TRANSLATORS: {side} is long or short, translated: "for a long (order)"
STOP_WRONG_SIDE = N_('stop-loss {level} is on the wrong side of price {price} for a {side}')
TAKE_PROFIT_WRONG_SIDE = N_('take-profit {level} is on the wrong side of price {price} for a {side}')
# TRANSLATORS: all-in sizing buys whole units (1 BTC, not 0.4): the free balance is too small for one at that price
NO_WHOLE_UNIT = N_('free balance {free} buys no whole unit at {price}')
FLAT_NOT_SIZED = N_('flat signals close positions; they are not sized')
# TRANSLATORS: {limit} is a percentage of equity, with its % sign (5%)
DAILY_LOSS = N_('daily loss limit of {limit} reached; no new trades today')
MAX_POSITIONS = N_('max concurrent positions ({count}) reached')
NEEDS_STOP = N_('risk sizing needs a stop-loss')
STOP_AT_PRICE = N_('stop-loss equals the price')

TEMPLATES = (
    UNKNOWN_SYMBOL,
    LEVERAGE_OUTSIDE,
    ONE_SIZE,
    NOT_POSITIVE,
    ALREADY_OPEN,
    ALREADY_PENDING,
    MARGIN_OVER_FREE,
    COST_OVER_FREE,
    STOP_WRONG_SIDE,
    TAKE_PROFIT_WRONG_SIDE,
    NO_WHOLE_UNIT,
    FLAT_NOT_SIZED,
    DAILY_LOSS,
    MAX_POSITIONS,
    NEEDS_STOP,
    STOP_AT_PRICE,
)
NUMBER = re.compile(r'-?\d+(?:\.(\d+))?')


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f'(?P<{name}>.+?)')
    return re.compile(''.join(parts))


def _literal_length(template: str) -> int:
    return sum(len(literal) for literal, *_rest in string.Formatter().parse(template))


PATTERNS = [(t, _pattern(t)) for t in sorted(TEMPLATES, key=_literal_length, reverse=True)]
"""Each template as a pattern, the most specific first (``margin {margin} + fee {fee} > free`` before
``margin {margin} > free``)."""


def template_of(reason: str) -> tuple[str, dict[str, str]] | None:
    """The template ``reason`` was written from and the values of its placeholders; None for any other text."""
    for template, pattern in PATTERNS:
        found = pattern.fullmatch(reason)
        if found is not None:
            return template, found.groupdict()
    return None


def translated(reason: str) -> str:
    """``reason`` in the current language if it was written from one of :data:`TEMPLATES`, else as it is."""
    written = template_of(reason) if current().code != SOURCE else None
    if written is None:
        return reason
    template, values = written
    return _(template).format(**{name: _value(name, text) for name, text in values.items()})


def _value(name: str, text: str) -> str:
    if name == 'side':
        return terms.side(text)
    if text.endswith('%') and (share := NUMBER.fullmatch(text[:-1])) is not None:  # a limit: 5% (German 5 %)
        return formats.percent(float(text[:-1]), len(share.group(1) or ''))
    number = NUMBER.fullmatch(text)
    if number is None:
        return text
    return formats.decimal(float(text), len(number.group(1) or ''))
