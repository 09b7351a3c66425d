"""Every text an alert sends or shows, built here and nowhere else (so it can be translated in one place)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from ..formatting import price, signed_money
from .rules import AccountRule, EventRule, HealthRule, IndicatorRule, PriceRule, Rule

OPS = {
    'above': 'is at or above',
    'below': 'is at or below',
    'crosses_above': 'crossed above',
    'crosses_below': 'crossed below',
}
METRICS = {
    'position_pnl': 'position PnL',
    'position_pnl_pct': 'position PnL',
    'drawdown_pct': 'equity drawdown from its peak',
    'daily_loss_pct': "today's loss",
}
CHECKS = {'feed_stale': 'no price from the feed', 'bot_error': 'the bot is in error', 'database_failing': 'database'}


def describe(rule: Rule) -> str:
    """The condition in words: ``BTC/USDT crosses above 70,000.00``."""
    if isinstance(rule, PriceRule):
        if rule.op == 'moves':
            return f'{rule.symbol} moves more than {rule.value:g} % within {_duration(rule.window_s or 0)}'
        return f'{rule.symbol} price {rule.op.replace("_", " ")} {price(rule.value)}'
    if isinstance(rule, IndicatorRule):
        right = rule.right if isinstance(rule.right, str) else f'{rule.right:g}'
        return f'{rule.symbol} {rule.timeframe}: {rule.left} {rule.op.replace("_", " ")} {right}'
    if isinstance(rule, EventRule):
        return 'any of ' + ', '.join(t.value for t in rule.types) + (f' on {rule.symbol}' if rule.symbol else '')
    if isinstance(rule, AccountRule):
        unit = ' USDT' if rule.metric == 'position_pnl' else ' %'
        which = f' of {rule.symbol}' if rule.symbol else ''
        return f'{METRICS[rule.metric]}{which} {rule.op} {rule.value:g}{unit}'
    if rule.check == 'feed_stale':
        return f'no price for more than {_duration(rule.seconds)}'
    return CHECKS[rule.check]


def value_text(rule: Rule, value: float | str | None) -> str:
    """The value a rule saw, with its unit."""
    if value is None:
        return '—'
    if isinstance(value, str):
        return value
    if isinstance(rule, PriceRule):
        return f'{value:+.2f} %' if rule.op == 'moves' else price(value)
    if isinstance(rule, AccountRule):
        return f'{signed_money(value)} USDT' if rule.metric == 'position_pnl' else f'{value:.2f} %'
    if isinstance(rule, HealthRule):
        return f'{value:.0f} s'
    return f'{value:,.4g}' if abs(value) < 1e6 else f'{value:,.0f}'


def _op_text(op: str, value: float | str | None, level: float | None) -> str:
    """How a condition was met; a two-way crossing says which way it went."""
    if op == 'crosses':
        return 'crossed below' if isinstance(value, float) and level is not None and value < level else 'crossed above'
    return OPS[op]


def trigger_text(rule: Rule, value: float | str | None, detail: dict[str, object]) -> str:
    """What happened, for the inbox, the toast and every channel."""
    shown = value_text(rule, value)
    if isinstance(rule, PriceRule):
        if rule.op == 'moves':
            now = detail.get('price')
            at = f' (now {price(now)})' if isinstance(now, float) else ''
            return f'{rule.symbol} moved {shown} within {_duration(rule.window_s or 0)}{at}'
        return f'{rule.symbol} {_op_text(rule.op, value, rule.value)} {price(rule.value)}: {shown}'
    if isinstance(rule, IndicatorRule):
        against = detail.get('against')
        right = (
            f'{rule.right} ({against:,.4g})'
            if isinstance(rule.right, str) and isinstance(against, float)
            else (rule.right if isinstance(rule.right, str) else f'{rule.right:g}')
        )
        against = against if isinstance(against, float) else rule.right if isinstance(rule.right, float) else None
        return f'{rule.symbol} {rule.timeframe}: {rule.left} {_op_text(rule.op, value, against)} {right}: {shown}'
    if isinstance(rule, EventRule):
        return f'{detail.get("event_type", "event")}: {shown}'
    if isinstance(rule, AccountRule):
        which = detail.get('symbol') or rule.symbol
        on = f' ({which})' if which and rule.metric.startswith('position') else ''
        unit = ' USDT' if rule.metric == 'position_pnl' else ' %'
        return f'{METRICS[rule.metric]}{on} is {shown} (limit {rule.value:g}{unit})'
    if rule.check == 'feed_stale':
        return f'no price from the feed for {shown}'
    if rule.check == 'bot_error':
        return f'the bot is in error ({shown})'
    return f'database writes failing: {shown}'


def title(name: str, severity: str) -> str:
    return f'[{severity.upper()}] {name}'


def body(message: str, when: float) -> str:
    stamp = datetime.fromtimestamp(when, UTC).strftime('%Y-%m-%d %H:%M:%S UTC')
    return f'{message}\n{stamp} · Oracle Trader'


def test_message(channel: str) -> tuple[str, str]:
    """(title, body) of a channel's test message."""
    return 'Oracle Trader: test', f'A test message to the channel "{channel}". If you read this, it works.'


def digest(held: Sequence[tuple[str, str]], reason: str) -> tuple[str, str]:
    """(title, body) of one message carrying ``held`` (name, message) alerts held back by ``reason``."""
    lines = [f'• {name}: {message}' for name, message in held[:50]]
    more = [f'… and {len(held) - 50} more'] if len(held) > 50 else []
    return f'Oracle Trader: {len(held)} alert(s) held back ({reason})', '\n'.join([*lines, *more])


def held_reason(kind: str, until: float | None = None) -> str:
    if kind == 'quiet':
        return f'quiet hours until {datetime.fromtimestamp(until, UTC):%H:%M UTC}' if until else 'quiet hours'
    return 'rate limit'


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f'{seconds / 3600:g} h'
    if seconds >= 60 and seconds % 60 == 0:
        return f'{seconds / 60:g} min'
    return f'{seconds:g} s'
