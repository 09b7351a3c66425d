"""Every text an alert sends or shows, built here and nowhere else (so it can be translated in one place)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from ..formatting import number, percent, price, signed_money
from ..views.analytics_models import AnalyticsReport
from .rules import AccountRule, EventRule, HealthRule, IndicatorRule, PriceRule, Rule, SummaryRule

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
WEEKDAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
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
    if isinstance(rule, SummaryRule):
        when = 'daily' if rule.every == 'day' else f'weekly on {WEEKDAYS[rule.weekday or 0]}'
        return f'{when} summary at {rule.at} {rule.timezone}'
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
    if isinstance(rule, SummaryRule):
        return f'{value:+.2f} %'
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
    if isinstance(rule, SummaryRule):
        return str(detail.get('text', shown))
    if rule.check == 'feed_stale':
        return f'no price from the feed for {shown}'
    if rule.check == 'bot_error':
        return f'the bot is in error ({shown})'
    return f'database writes failing: {shown}'


def summary_text(rule: SummaryRule, report: AnalyticsReport) -> str:
    """A summary's headline figures of the period (market time, UTC)."""
    m = report.metrics
    start, end = (datetime.fromtimestamp(t, UTC).strftime('%Y-%m-%d %H:%M') for t in (report.start, report.end))
    figures = [
        f'return {percent(m.return_pct, signed=True)}',
        f'net PnL {signed_money(m.net_pnl)} USDT',
        f'{m.trades} trade{"" if m.trades == 1 else "s"}',
        f'win rate {percent(m.win_rate_pct)}',
        f'profit factor {number(m.profit_factor)}',
        f'max drawdown {percent(m.max_drawdown_pct)}',
    ]
    symbols = sorted(report.groups.symbol, key=lambda row: row.net_pnl)
    if symbols:
        best, worst = symbols[-1], symbols[0]
        figures.append(f'best {best.key} ({signed_money(best.net_pnl)})')
        if len(symbols) > 1:
            figures.append(f'worst {worst.key} ({signed_money(worst.net_pnl)})')
    which = 'Daily' if rule.every == 'day' else 'Weekly'
    return f'{which} summary {start} – {end} UTC: ' + ', '.join(figures)


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
