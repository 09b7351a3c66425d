"""Every text an alert sends or shows, built here and nowhere else (so it can be translated in one place).

A trigger's message is written from data its event and history row keep (the rule as it fired, the value, the
details), so each reader gets it in their language: the owner's channels in the owner's, a page in its viewer's;
the event's and the history's ``message`` field is the English one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from ..events import AlertTriggered, Event, EventType
from ..formatting import number, percent, price, signed_money
from ..i18n import N_, _, formats, ngettext, pgettext, terms
from ..summaries import summarize, summarizes
from ..views.analytics_models import AnalyticsReport
from .rules import RULE, AccountRule, EventRule, HealthRule, IndicatorRule, PriceRule, Rule, SummaryRule

OPS = {
    # TRANSLATORS: how a price alert's condition was met, between the symbol and the level (BTC/USDT ... 70,000)
    'above': N_('is at or above'),
    'below': N_('is at or below'),
    'crosses_above': N_('crossed above'),
    'crosses_below': N_('crossed below'),
}
RULE_OPS = {
    'above': N_('at or above'),
    'below': N_('at or below'),
    'crosses_above': N_('crosses above'),
    'crosses_below': N_('crosses below'),
    'crosses': N_('crosses'),
}
METRICS = {
    'position_pnl': N_('position PnL'),
    'position_pnl_pct': N_('position PnL'),
    'drawdown_pct': N_('equity drawdown from its peak'),
    'daily_loss_pct': N_("today's loss"),
}
WEEKDAYS = (N_('Monday'), N_('Tuesday'), N_('Wednesday'), N_('Thursday'), N_('Friday'), N_('Saturday'), N_('Sunday'))
CHECKS = {
    'feed_stale': N_('no price from the feed'),
    'bot_error': N_('the bot is in error'),
    'database_failing': N_('database'),
}
"""The words of conditions and checks (translated where they are put into a message)."""


def describe(rule: Rule) -> str:
    """The condition in words: ``BTC/USDT crosses above 70,000.00``."""
    if isinstance(rule, PriceRule):
        if rule.op == 'moves':
            return _('{symbol} moves more than {percent} within {duration}').format(
                symbol=rule.symbol, percent=f'{_number(rule.value)} %', duration=_duration(rule.window_s or 0)
            )
        return _('{symbol} price {op} {level}').format(symbol=rule.symbol, op=_op(rule.op), level=price(rule.value))
    if isinstance(rule, IndicatorRule):
        right = rule.right if isinstance(rule.right, str) else _number(rule.right)
        return f'{rule.symbol} {rule.timeframe}: {rule.left} {_op(rule.op)} {right}'
    if isinstance(rule, EventRule):
        types = ', '.join(t.value for t in rule.types)
        if rule.symbol:
            return _('any of {types} on {symbol}').format(types=types, symbol=rule.symbol)
        return _('any of {types}').format(types=types)
    if isinstance(rule, AccountRule):
        return _describe_account(rule)
    if isinstance(rule, SummaryRule):
        return _describe_summary(rule)
    if rule.check == 'feed_stale':
        return _('no price for more than {duration}').format(duration=_duration(rule.seconds))
    return _(CHECKS[rule.check])


def _describe_account(rule: AccountRule) -> str:
    limit = _limit(rule.metric, rule.value)
    metric, op = _(METRICS[rule.metric]), _op(rule.op)
    if rule.symbol:
        return _('{metric} of {symbol} {op} {limit}').format(metric=metric, symbol=rule.symbol, op=op, limit=limit)
    return f'{metric} {op} {limit}'


def _describe_summary(rule: SummaryRule) -> str:
    if rule.every == 'day':
        return _('daily summary at {time} {timezone}').format(time=rule.at, timezone=rule.timezone)
    return _('weekly summary on {weekday} at {time} {timezone}').format(
        weekday=_(WEEKDAYS[rule.weekday or 0]), time=rule.at, timezone=rule.timezone
    )


def _op(op: str) -> str:
    return _(RULE_OPS[op]) if op in RULE_OPS else op.replace('_', ' ')


def _number(value: float) -> str:
    return formats.significant(value, 6)


def _limit(metric: str, value: float) -> str:
    return f'{_number(value)} USDT' if metric == 'position_pnl' else f'{_number(value)} %'


def value_text(rule: Rule, value: float | str | None) -> str:
    """The value a rule saw, with its unit."""
    if value is None:
        return '—'
    if isinstance(value, str):
        return value
    if isinstance(rule, PriceRule):
        return formats.percent(value, 2, signed=True) if rule.op == 'moves' else price(value)
    if isinstance(rule, AccountRule):
        return f'{signed_money(value)} USDT' if rule.metric == 'position_pnl' else formats.percent(value, 2)
    if isinstance(rule, HealthRule):
        return _('{value} s').format(value=formats.decimal(value, 0))
    if isinstance(rule, SummaryRule):
        return formats.percent(value, 2, signed=True)
    return formats.significant(value, 4) if abs(value) < 1e6 else formats.decimal(value, 0)


def _op_text(op: str, value: float | str | None, level: float | None) -> str:
    """How a condition was met; a two-way crossing says which way it went."""
    if op == 'crosses':
        below = isinstance(value, float) and level is not None and value < level
        return _(OPS['crosses_below']) if below else _(OPS['crosses_above'])
    return _(OPS[op])


def trigger_text(rule: Rule, value: float | str | None, detail: dict[str, object]) -> str:
    """What happened, for the inbox, the toast and every channel."""
    shown = value_text(rule, value)
    if isinstance(rule, PriceRule):
        if rule.op == 'moves':
            now = detail.get('price')
            moved = _('{symbol} moved {change} within {duration}').format(
                symbol=rule.symbol, change=shown, duration=_duration(rule.window_s or 0)
            )
            return moved + (' ' + _('(now {price})').format(price=price(now)) if isinstance(now, float) else '')
        return f'{rule.symbol} {_op_text(rule.op, value, rule.value)} {price(rule.value)}: {shown}'
    if isinstance(rule, IndicatorRule):
        against = detail.get('against')
        right = (
            f'{rule.right} ({formats.significant(against, 4)})'
            if isinstance(rule.right, str) and isinstance(against, float)
            else (rule.right if isinstance(rule.right, str) else _number(rule.right))
        )
        against = against if isinstance(against, float) else rule.right if isinstance(rule.right, float) else None
        return f'{rule.symbol} {rule.timeframe}: {rule.left} {_op_text(rule.op, value, against)} {right}: {shown}'
    if isinstance(rule, EventRule):
        return f'{detail.get("event_type", pgettext("alert", "event"))}: {_event_summary(detail) or shown}'
    if isinstance(rule, AccountRule):
        which = detail.get('symbol') or rule.symbol
        on = f' ({which})' if which and rule.metric.startswith('position') else ''
        return _('{metric} is {value} (limit {limit})').format(
            metric=_(METRICS[rule.metric]) + on, value=shown, limit=_limit(rule.metric, rule.value)
        )
    if isinstance(rule, SummaryRule):
        figures = detail.get('summary')
        return summary_text(rule, SummaryFigures.model_validate(figures)) if isinstance(figures, dict) else shown
    if rule.check == 'feed_stale':
        return _('no price from the feed for {duration}').format(duration=shown)
    if rule.check == 'bot_error':
        return _('the bot is in error ({problem})').format(problem=shown)
    return _('database writes failing: {problem}').format(problem=shown)


def _event_summary(detail: dict[str, Any]) -> str | None:
    """The summary of the event that fired an event rule, in the current language (None: its data did not come
    along)."""
    data, type_ = detail.get('event_data'), detail.get('event_type')
    if not isinstance(data, dict) or not isinstance(type_, str) or type_ not in EventType.__members__.values():
        return None
    event = Event(id=int(detail.get('event_id') or 0), type=EventType(type_), timestamp=0.0, source='', data=data)
    return summarize(event)


def written_again(
    rule: dict[str, Any] | None, value: float | str | None, detail: dict[str, Any] | None, message: str
) -> str:
    """A trigger's message in the current language, from the rule as it fired, the value and the details; its
    English ``message`` as stored when those were not kept (triggers and events of older versions) or the rule no
    longer reads as one."""
    if rule is None:
        return message
    try:
        condition = RULE.validate_python(rule)
    except ValidationError:
        return message
    return trigger_text(condition, value, detail or {})


@summarizes(EventType.ALERT_TRIGGERED)
def triggered_summary(p: AlertTriggered) -> str:
    """The live feed's and ``/events``' line of a triggered alert, in the current language (it replaces
    :mod:`oracle_ui.summaries`' own, which shows the English message: that module cannot import this package, which
    imports it)."""
    return f'[{terms.severity(p.severity)}] {p.name}: {written_again(p.rule, p.value, p.detail, p.message)}'


class SummaryFigures(BaseModel):
    """A scheduled summary's headline figures of its period (what its text says), kept with its trigger to write
    the text again in any language."""

    start: float
    end: float
    return_pct: float | None
    net_pnl: float
    trades: int
    win_rate_pct: float | None
    profit_factor: float | None
    max_drawdown_pct: float | None
    best: tuple[str, float] | None = None
    """The symbol with the highest net PnL and that PnL."""
    worst: tuple[str, float] | None = None
    """The one with the lowest, if more than one symbol traded."""

    @classmethod
    def of(cls, report: AnalyticsReport) -> SummaryFigures:
        m = report.metrics
        symbols = sorted(report.groups.symbol, key=lambda row: row.net_pnl)
        return cls(
            start=report.start,
            end=report.end,
            return_pct=m.return_pct,
            net_pnl=m.net_pnl,
            trades=m.trades,
            win_rate_pct=m.win_rate_pct,
            profit_factor=m.profit_factor,
            max_drawdown_pct=m.max_drawdown_pct,
            best=(symbols[-1].key, symbols[-1].net_pnl) if symbols else None,
            worst=(symbols[0].key, symbols[0].net_pnl) if len(symbols) > 1 else None,
        )


def summary_text(rule: SummaryRule, figures: SummaryFigures) -> str:
    """A summary's headline figures of the period (market time, UTC)."""
    f = figures
    start, end = (_utc(t, 'yyyy-MM-dd HH:mm') for t in (f.start, f.end))
    written = [
        _('return {value}').format(value=percent(f.return_pct, signed=True)),
        _('net PnL {value} USDT').format(value=signed_money(f.net_pnl)),
        ngettext('{count} trade', '{count} trades', f.trades).format(count=formats.decimal(f.trades, 0)),
        _('win rate {value}').format(value=percent(f.win_rate_pct)),
        _('profit factor {value}').format(value=number(f.profit_factor)),
        _('max drawdown {value}').format(value=percent(f.max_drawdown_pct)),
    ]
    if f.best is not None:
        written.append(_('best {symbol} ({pnl})').format(symbol=f.best[0], pnl=signed_money(f.best[1])))
    if f.worst is not None:
        written.append(_('worst {symbol} ({pnl})').format(symbol=f.worst[0], pnl=signed_money(f.worst[1])))
    which = _('Daily summary {start} – {end} UTC') if rule.every == 'day' else _('Weekly summary {start} – {end} UTC')
    return which.format(start=start, end=end) + ': ' + ', '.join(written)


def title(name: str, severity: str) -> str:
    return f'[{terms.severity(severity).upper()}] {name}'


def body(message: str, when: float) -> str:
    return f'{message}\n{_utc(when, "yyyy-MM-dd HH:mm:ss")} UTC · Oracle Trader'


def test_message(channel: str) -> tuple[str, str]:
    """(title, body) of a channel's test message."""
    text = _('A test message to the channel "{channel}". If you read this, it works.').format(channel=channel)
    return _('Oracle Trader: test'), text


def digest(held: Sequence[tuple[str, str]], reason: str) -> tuple[str, str]:
    """(title, body) of one message carrying ``held`` (name, message) alerts held back by ``reason``."""
    lines = [f'• {name}: {message}' for name, message in held[:50]]
    more = [_('… and {count} more').format(count=len(held) - 50)] if len(held) > 50 else []
    count = ngettext(
        'Oracle Trader: {count} alert held back ({reason})',
        'Oracle Trader: {count} alerts held back ({reason})',
        len(held),
    )
    return count.format(count=len(held), reason=reason), '\n'.join([*lines, *more])


def held_reason(kind: str, until: float | None = None) -> str:
    if kind == 'quiet':
        return _('quiet hours until {time} UTC').format(time=_utc(until, 'HH:mm')) if until else _('quiet hours')
    return _('rate limit')


def _utc(seconds: float, pattern: str) -> str:
    return formats.moment(datetime.fromtimestamp(seconds, UTC), pattern)


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return _('{value} h').format(value=_number(seconds / 3600))
    if seconds >= 60 and seconds % 60 == 0:
        return _('{value} min').format(value=_number(seconds / 60))
    return _('{value} s').format(value=_number(seconds))
