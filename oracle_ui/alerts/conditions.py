"""The conditions rules check, as pure functions of what the evaluator knows: what a price, indicator, account or
health rule sees now (whether its condition holds, the value it sees, what a message needs besides), a position's
PnL against a limit, which symbol a rule watches."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..engine.models import Candle
from .operands import Operand, parse_operand
from .rules import AccountRule, HealthRule, IndicatorRule, PriceRule
from .watch import IndicatorFeed, MoveWindow, OpenPosition

CandleSource = Callable[[str, str, int], list[Candle]]
"""``(symbol, timeframe, count) -> the newest closed candles``, oldest first (the store's)."""
WARMUP_CANDLES = 1000
"""Stored candles an indicator rule's indicators are warmed up with (as the engine's own)."""


class Watched(Protocol):
    """What the helpers need of a rule's state (:class:`~.states.RuleState`)."""

    watch: Any


def operands(rule: IndicatorRule) -> list[Operand]:
    operands = [parse_operand(rule.left)]
    if isinstance(rule.right, str):
        operands.append(parse_operand(rule.right))
    return operands


def indicator_condition(rule: IndicatorRule, feed: IndicatorFeed) -> tuple[bool, float, dict[str, Any]] | None:
    left = feed.value(parse_operand(rule.left))
    right = feed.value(parse_operand(rule.right) if isinstance(rule.right, str) else rule.right)
    if math.isnan(left) or math.isnan(right):
        return None
    holds = left >= right if rule.op in ('above', 'crosses_above', 'crosses') else left <= right
    return holds, left, {'against': right}


def price_reading(
    rule: PriceRule, price: float, windows: Mapping[float, MoveWindow[Any]]
) -> tuple[bool, float, dict[str, Any]]:
    """A price rule at ``price``; ``windows``: the symbol's rolling windows by length (for ``moves``)."""
    if rule.op == 'moves':
        window = windows.get(float(rule.window_s or 0))
        move = window.move_pct if window is not None else 0.0
        return abs(move) > rule.value, move, {'price': price}
    holds = price >= rule.value if rule.op in ('above', 'crosses_above', 'crosses') else price <= rule.value
    return holds, price, {}


def position_reading(
    rule: AccountRule, positions: Mapping[str, OpenPosition], prices: Mapping[str, float]
) -> tuple[bool, float, dict[str, Any]] | None:
    """Any position the rule covers beyond its value (that one's PnL), else the first one's PnL; None: none."""
    first: tuple[bool, float, dict[str, Any]] | None = None
    for symbol, position in positions.items():
        if (rule.symbol is None or rule.symbol == symbol) and (price := prices.get(symbol)) is not None:
            holds, value = position_condition(rule, position, price)
            result = holds, value, {'symbol': symbol, 'position_id': position.id}
            if holds:
                return result
            first = first or result
    return first


def account_reading(
    rule: AccountRule, *, equity_peak: float, equity: float, daily_loss_pct: float
) -> tuple[bool, float, dict[str, Any]] | None:
    """A drawdown or daily-loss rule (None: no equity or PnL seen yet)."""
    if rule.metric == 'drawdown_pct':
        if equity_peak <= 0 or math.isnan(equity):
            return None
        value = 100.0 * (equity_peak - equity) / equity_peak
    else:
        value = daily_loss_pct
        if math.isnan(value):
            return None
    return value >= rule.value, value, {}


def health_reading(
    rule: HealthRule, *, feed_age: float, bot_state: str, database_failing: bool
) -> tuple[bool, float | str, dict[str, Any]]:
    """A health rule, ``feed_age`` seconds after the last price."""
    if rule.check == 'feed_stale':
        return feed_age > rule.seconds, round(feed_age, 3), {}
    if rule.check == 'bot_error':
        return bot_state == 'error', bot_state or 'unknown', {}
    return database_failing, 'failing' if database_failing else 'ok', {}


def indicator_reading(
    rule: IndicatorRule, feed: IndicatorFeed | None, candles: CandleSource
) -> tuple[bool, float, dict[str, Any]] | None:
    """An indicator rule on ``feed``, or on one warmed up from the stored candles when that lacks an operand."""
    if feed is None or any(o.indicator and o.indicator.key not in feed.indicators for o in operands(rule)):
        feed = IndicatorFeed(o.indicator for o in operands(rule) if o.indicator is not None)
        feed.warm_up(candles(rule.symbol, rule.timeframe, WARMUP_CANDLES))
    return indicator_condition(rule, feed)


def position_condition(rule: AccountRule, position: OpenPosition, price: float) -> tuple[bool, float]:
    value = position.pnl(price) if rule.metric == 'position_pnl' else position.pnl_pct(price)
    return (value >= rule.value if rule.op == 'above' else value <= rule.value), value


def applies(state: Watched, symbol: str) -> bool:
    wanted = getattr(state.watch.rule, 'symbol', None)
    return wanted is None or wanted == symbol


def level_symbol(state: Watched) -> str | None:
    rule = state.watch.rule
    return rule.symbol if isinstance(rule, PriceRule) and rule.op != 'moves' else None
