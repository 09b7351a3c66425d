"""How a chart names its indicators in the page's language: legend entries and sub-pane axis titles."""

from __future__ import annotations

from oracle_ui.i18n import pgettext, terms
from oracle_ui.views import ChartIndicator

WORD_LABELS = frozenset({'stoch', 'volume'})
"""Indicator kinds named by a word (translated); the others by an abbreviation or a name (EMA, Bollinger)."""
OUTPUT_TERMS = {'_plus_di': '+DI', '_minus_di': '-DI', '_k': '%K', '_d': '%D'}
"""Indicator outputs named by a term that is the same in every language."""


def shown_label(indicator: ChartIndicator) -> str:
    """An indicator's legend and axis title in the page's language: its kind and its parameters."""
    if indicator.kind not in WORD_LABELS:
        return indicator.label
    return f'{terms.indicator(indicator.kind)} {" ".join(f"{p:g}" for p in indicator.params)}'.strip()


def output_name(suffix: str) -> str:
    """What a legend adds for one of an indicator's several lines (``_upper`` of the Bollinger bands)."""
    # TRANSLATORS: the lines of a chart indicator in its legend: the Bollinger bands' upper, middle and lower band,
    # MACD's signal line and histogram
    names = {
        '_upper': pgettext('indicator output', 'upper'),
        '_middle': pgettext('indicator output', 'middle'),
        '_lower': pgettext('indicator output', 'lower'),
        '_signal': pgettext('indicator output', 'signal'),
        '_hist': pgettext('indicator output', 'histogram'),
    }
    return names.get(suffix) or OUTPUT_TERMS.get(suffix) or suffix.replace('_', ' ').strip()
