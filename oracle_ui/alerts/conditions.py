"""The conditions rules check, as pure functions of what the evaluator knows: an indicator comparison on the
last closed candle, a position's PnL against a limit, which symbol a rule watches."""

from __future__ import annotations

import math
from typing import Any, Protocol

from .operands import Operand, parse_operand
from .rules import AccountRule, IndicatorRule, PriceRule
from .watch import IndicatorFeed, OpenPosition


class Watched(Protocol):
    """What the helpers need of a rule's state (:class:`~.evaluator.RuleState`)."""

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


def position_condition(rule: AccountRule, position: OpenPosition, price: float) -> tuple[bool, float]:
    value = position.pnl(price) if rule.metric == 'position_pnl' else position.pnl_pct(price)
    return (value >= rule.value if rule.op == 'above' else value <= rule.value), value


def applies(state: Watched, symbol: str) -> bool:
    wanted = getattr(state.watch.rule, 'symbol', None)
    return wanted is None or wanted == symbol


def level_symbol(state: Watched) -> str | None:
    rule = state.watch.rule
    return rule.symbol if isinstance(rule, PriceRule) and rule.op != 'moves' else None
