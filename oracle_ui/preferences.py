"""Per-user preferences kept on the server, so they follow a user to any device: the chart's indicators and the
language. Viewers keep their own too; they change nothing of the bot, so they are not commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from pydantic import TypeAdapter, ValidationError

from .i18n import PREFERENCE, Language, stored_language
from .views.chart_indicators import ChartIndicator, strategy_indicators

if TYPE_CHECKING:
    from .system import System

CHART_INDICATORS = 'chart.indicators'
LANGUAGE = PREFERENCE
_indicator_list = TypeAdapter(list[ChartIndicator])


def chart_indicators(system: System, owner: str) -> list[ChartIndicator]:
    """``owner``'s chart indicators; the running strategy's own until they chose (or if what is stored no longer
    parses)."""
    stored = system.store.get_preference(owner, CHART_INDICATORS)
    if stored is not None:
        try:
            return _indicator_list.validate_json(stored)
        except ValidationError:
            pass
    return strategy_indicators(system.strategy)


def save_chart_indicators(system: System, owner: str, chosen: list[ChartIndicator]) -> None:
    system.store.set_preference(owner, CHART_INDICATORS, orjson.dumps(_indicator_list.dump_python(chosen)).decode())


def language(system: System, owner: str) -> Language | None:
    """The language ``owner`` chose, or None: never chose (or what is stored is no longer a shipped locale)."""
    return stored_language(system.store.get_preference(owner, LANGUAGE))


def save_language(system: System, owner: str, chosen: Language) -> None:
    value = {'code': chosen.code, 'latin_digits': chosen.latin_digits}
    system.store.set_preference(owner, LANGUAGE, orjson.dumps(value).decode())
