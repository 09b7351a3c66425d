"""Numbers, amounts, percentages and moments in the current language's formats (Babel's CLDR data): grouping and
decimal marks (``10.000,00 USDT`` in German), Persian digits where the locale writes them (unless the viewer
chose Latin digits)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, tzinfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import NumberPattern, get_decimal_symbol, get_group_symbol, parse_pattern

from .catalog import current, locale_of

NATIVE_DIGITS = {'arabext': '۰۱۲۳۴۵۶۷۸۹', 'arab': '٠١٢٣٤٥٦٧٨٩'}
"""The digits of numbering systems Babel names but does not write (it keeps 0-9)."""
CACHED_NUMBERS = 8192
"""Formatted numbers kept: every open page formats the same prices and totals, each in its viewer's language."""


@dataclass(frozen=True, slots=True)
class _Style:
    """How one viewer's numbers are written: Babel's locale, its numbering system, the digits it writes."""

    locale: Locale
    numbering: str
    digits: dict[int, int] | None
    """``str.translate`` table from 0-9 to the locale's own digits (None: Latin digits)."""


@functools.cache
def _style_of(code: str, latin_digits: bool) -> _Style:
    locale = locale_of(code)
    system = locale.default_numbering_system
    numbering = 'latn' if latin_digits or system not in NATIVE_DIGITS else system
    table = None if numbering == 'latn' else str.maketrans('0123456789', NATIVE_DIGITS[numbering])
    return _Style(locale, numbering, table)


def _style() -> _Style:
    """The current viewer's number style (parsing a Babel locale costs more than formatting a number with it)."""
    language = current()
    return _style_of(language.code, language.latin_digits)


def has_native_digits(code: str) -> bool:
    """True if ``code`` writes numbers in digits of its own (Persian), which a viewer may swap for Latin ones."""
    return locale_of(code).default_numbering_system in NATIVE_DIGITS


def digits(text: str) -> str:
    """``text`` with its 0-9 in the current locale's digits (Persian: Extended Arabic-Indic) unless Latin chosen."""
    table = _style().digits
    return text if table is None else text.translate(table)


@functools.cache
def _pattern(decimals: int, optional: int, signed: bool, grouped: bool) -> NumberPattern:
    fraction = '0' * decimals + '#' * optional
    body = ('#,##0' if grouped else '0') + (f'.{fraction}' if fraction else '')
    return parse_pattern(f'+{body};-{body}' if signed else body)


def decimal(value: float, decimals: int, *, optional: int = 0, signed: bool = False, grouped: bool = True) -> str:
    """``value`` with ``decimals`` decimals and up to ``optional`` more where they are not zero, grouped
    (``10.000,00`` in German; ``+1,234.50`` ``signed``)."""
    language = current()
    return _decimal(value, decimals, optional, signed, grouped, language.code, language.latin_digits)


@functools.lru_cache(maxsize=CACHED_NUMBERS)
def _decimal(value: float, decimals: int, optional: int, signed: bool, grouped: bool, code: str, latin: bool) -> str:
    style = _style_of(code, latin)
    pattern = _pattern(decimals, optional, signed, grouped)
    text: str = pattern.apply(value, style.locale, numbering_system=style.numbering)
    return text if style.digits is None else text.translate(style.digits)


def significant(value: float, digits_: int) -> str:
    """``value`` rounded to ``digits_`` significant digits, grouped, in the current locale."""
    text = f'{value:.{digits_}g}'
    if 'e' in text:
        return text
    decimals = len(text.partition('.')[2])
    return decimal(float(text), decimals)


def money(value: float, currency: str = 'USDT', *, signed: bool = False) -> str:
    """An amount with two decimals and its currency (``10.000,00 USDT``; crypto tickers are no ISO currencies, so
    the code follows the number in every language)."""
    number = decimal(value, 2, signed=signed)
    return f'{number} {currency}' if currency else number


def percent(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    """A percentage of ``value`` percent points (``12.5 %``; ``12,5 %`` in German); the sign kept with ``signed``."""
    return f'{decimal(value, decimals, signed=signed, grouped=False)} %'


def moment(when: datetime, pattern: str = 'yyyy-MM-dd HH:mm:ss') -> str:
    """A moment (already in the viewer's timezone) in CLDR ``pattern``: numeric by default, so a table's times
    line up in every language; Persian digits where the locale writes them."""
    return digits(format_datetime(when, pattern, locale=_style().locale))


def long_moment(seconds: float, timezone: tzinfo) -> str:
    """A moment as the locale writes it in prose (``26.11.2026, 14:30:05`` in German)."""
    when = datetime.fromtimestamp(seconds, timezone)
    return digits(format_datetime(when, 'medium', locale=_style().locale))


def chart_formats() -> dict[str, object]:
    """What plotly.js needs to write a chart's numbers and dates like the rest of the page (a plotly locale's
    ``format``): the current locale's Gregorian month and day names (the calendar of the charts' times) and the
    decimal and grouping marks of Latin digits, the only ones plotly writes."""
    locale = _style().locale
    months, days = locale.months['stand-alone'], locale.days['format']
    week = (6, 0, 1, 2, 3, 4, 5)  # plotly's weeks start on Sunday, Babel's keys on Monday
    return {
        'months': [months['wide'][m] for m in range(1, 13)],
        'shortMonths': [months['abbreviated'][m] for m in range(1, 13)],
        'days': [days['wide'][d] for d in week],
        'shortDays': [days['abbreviated'][d] for d in week],
        'decimal': get_decimal_symbol(locale, numbering_system='latn'),
        'thousands': get_group_symbol(locale, numbering_system='latn'),
    }
