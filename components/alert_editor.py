"""The dialog that creates or edits an alert: name, severity, cooldown, channels and the condition of one kind, with
a live preview of what the condition sees now. It knows nothing of the store: it is handed the choices, a preview
function and a save function, and shows what they answer."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from oracle_ui.alerts import messages
from oracle_ui.i18n import N_, _, terms

KINDS = {
    'price': N_('Price'),
    'indicator': N_('Indicator'),
    'event': N_('Trading event'),
    'account': N_('Account'),
    'health': N_('Health'),
    'summary': N_('Summary'),
}
LEVEL_OPS = {
    'above': N_('at or above'),
    'below': N_('at or below'),
    'crosses_above': N_('crosses above'),
    'crosses_below': N_('crosses below'),
}
PRICE_OPS = {**LEVEL_OPS, 'moves': N_('moves more than X % within')}
METRICS = {
    'position_pnl': N_('position PnL (USDT)'),
    'position_pnl_pct': N_('position PnL (margin %)'),
    'drawdown_pct': N_('equity drawdown from peak (%)'),
    'daily_loss_pct': N_("today's loss (%)"),
}
CHECKS = {
    'feed_stale': N_('feed without prices for N s'),
    'bot_error': N_('bot in error'),
    'database_failing': N_('database failing'),
}
EVERY = {'day': N_('daily'), 'week': N_('weekly')}
WEEKDAYS = dict(enumerate(messages.WEEKDAYS))
"""The editor's choices (translated where shown)."""
SEVERITIES = ('info', 'warning', 'critical')


def translated(choices: dict[Any, str]) -> dict[Any, str]:
    """``choices`` with their labels in the current language."""
    return {key: _(label) for key, label in choices.items()}


Preview = Callable[[dict[str, Any]], str]
"""``rule -> text`` of what it sees now (or what is wrong with it)."""
Save = Callable[[dict[str, Any]], Awaitable[bool] | bool]
"""``alert fields -> saved?`` (the caller reports a refusal itself)."""


@dataclass(kw_only=True)
class Choices:
    symbols: list[str]
    timeframes: list[str]
    event_types: list[str]
    channels: list[str]


class AlertEditor(ui.dialog):
    """Edit ``alert`` (the fields of an existing one, or a new one's defaults) and hand the result to ``save``."""

    def __init__(self, choices: Choices, alert: dict[str, Any], *, preview: Preview, save: Save) -> None:
        super().__init__()
        self._preview, self._save = preview, save
        self._new = not alert.get('id')
        rule = alert.get('rule', {'kind': 'price', 'symbol': choices.symbols[0], 'op': 'crosses_above', 'value': 0})
        with self, ui.card().classes('w-full').style('max-width: 640px'):
            ui.label(_('Edit alert') if alert.get('id') else _('New alert')).classes('text-lg')
            self._header(alert)
            self.kind = ui.toggle(translated(KINDS), value=rule['kind']).mark('alert-kind')
            self._condition(choices, rule)
            self._channel_picker(choices, alert)
            self.preview_label = ui.label().classes('text-sm').mark('alert-preview')
            with ui.row().classes('w-full justify-end'):
                ui.button(_('Cancel'), on_click=self.close).props('flat')
                ui.button(_('Save'), on_click=self._submit).mark('alert-save')
        for element in (
            self.kind,
            self.symbol,
            self.timeframe,
            self.left,
            self.op,
            self.amount,
            self.window,
            self.types,
            self.metric,
            self.check,
            self.seconds,
            self.every,
            self.weekday,
            self.at,
            self.timezone,
            self.any_symbol,
        ):
            element.on_value_change(self._changed)
        self._changed()

    def _header(self, alert: dict[str, Any]) -> None:
        """Name, severity and cooldown."""
        with ui.row().classes('w-full gap-2 items-end flex-wrap'):
            self.name = ui.input(_('Name'), value=alert.get('name', '')).classes('w-56').mark('alert-name')
            self.severity = (
                ui.select(
                    {s: terms.severity(s) for s in SEVERITIES},
                    value=alert.get('severity', 'warning'),
                    label=_('Severity'),
                )
                .classes('w-32')
                .mark('alert-severity')
            )
            self.cooldown = ui.number(_('Cooldown (s)'), value=alert.get('cooldown_s', 300), min=0, format='%.0f')
            self.cooldown.classes('w-32').mark('alert-cooldown')

    def _condition(self, choices: Choices, rule: dict[str, Any]) -> None:
        """Every kind's condition fields (the kind shows its own)."""
        symbol = rule.get('symbol') or choices.symbols[0]
        with ui.row().classes('w-full gap-2 items-end flex-wrap') as self.fields:
            self.symbol = ui.select(choices.symbols, value=symbol, label=_('Symbol')).classes('w-36')
            self.timeframe = ui.select(
                choices.timeframes, value=rule.get('timeframe', choices.timeframes[0]), label=_('Timeframe')
            ).classes('w-28')
            self.left = ui.input(_('Indicator'), value=rule.get('left', 'rsi:14')).classes('w-36').mark('alert-left')
            ops = translated(PRICE_OPS if rule['kind'] == 'price' else LEVEL_OPS)
            self.op = ui.select(ops, value=rule.get('op', 'crosses_above'), label=_('Condition')).classes('w-48')
            self.op.mark('alert-op')
            self.amount = ui.input(_('Value'), value=_text(rule.get('value', rule.get('right', '')))).classes('w-36')
            self.amount.mark('alert-value')
            self.window = ui.number(_('Window (s)'), value=rule.get('window_s') or 300, min=1).classes('w-28')
            self.types = (
                ui.select(
                    choices.event_types,
                    value=rule.get('types', ['stop_loss_hit']),
                    multiple=True,
                    label=_('Event types'),
                )
                .classes('w-72')
                .props('use-chips')
            )
            self.metric = ui.select(
                translated(METRICS), value=rule.get('metric', 'position_pnl_pct'), label=_('Metric')
            )
            self.metric.classes('w-56')
            self.check = ui.select(translated(CHECKS), value=rule.get('check', 'feed_stale'), label=_('Check')).classes(
                'w-56'
            )
            self.seconds = ui.number(_('Seconds'), value=rule.get('seconds', 60), min=1).classes('w-28')
            self.every = ui.select(translated(EVERY), value=rule.get('every', 'day'), label=_('Every')).classes('w-28')
            self.every.mark('alert-every')
            self.weekday = ui.select(translated(WEEKDAYS), value=rule.get('weekday') or 0, label=_('Weekday')).classes(
                'w-36'
            )
            self.at = ui.input(_('At (HH:MM)'), value=rule.get('at', '18:00')).classes('w-28').mark('alert-at')
            self.timezone = ui.input(_('Timezone'), value=rule.get('timezone', 'UTC')).classes('w-48')
            self.timezone.mark('alert-timezone')
            self.any_symbol = ui.checkbox(
                _('any symbol'), value=rule.get('kind') in ('event', 'account') and rule.get('symbol') is None
            )

    def _channel_picker(self, choices: Choices, alert: dict[str, Any]) -> None:
        """The channels it is sent to, new Apprise URLs added by typing them."""
        self.channels = (
            ui.select(
                choices.channels,
                value=[c['name'] for c in alert.get('channels', [])],
                multiple=True,
                label=_('Channels (the in-app inbox always gets it)'),
                new_value_mode='add-unique',
            )
            .classes('w-full')
            .props('use-chips')
        )
        self.channels.mark('alert-channels')
        ui.label(_('Type an Apprise URL (tgram://…, mailto://…, json://…) and press Enter to add a channel.')).classes(
            'text-xs opacity-70'
        )

    def rule(self) -> dict[str, Any]:
        """The condition as the form shows it."""
        kind = self.kind.value
        symbol = None if self.any_symbol.value else self.symbol.value
        if kind == 'price':
            rule = {'kind': kind, 'symbol': self.symbol.value, 'op': self.op.value, 'value': _number(self.amount.value)}
            return {**rule, 'window_s': self.window.value} if self.op.value == 'moves' else rule
        if kind == 'indicator':
            return {
                'kind': kind,
                'symbol': self.symbol.value,
                'timeframe': self.timeframe.value,
                'left': self.left.value,
                'op': self.op.value,
                'right': _number(self.amount.value),
            }
        if kind == 'event':
            return {'kind': kind, 'types': self.types.value, 'symbol': symbol}
        if kind == 'account':
            op = 'below' if self.op.value in ('below', 'crosses_below') else 'above'
            position = self.metric.value.startswith('position')
            return {
                'kind': kind,
                'metric': self.metric.value,
                'op': op if position else 'above',
                'value': _number(self.amount.value),
                'symbol': symbol if position else None,
            }
        if kind == 'summary':
            every, at, zone = self.every.value, (self.at.value or '').strip(), (self.timezone.value or '').strip()
            weekday = {'weekday': self.weekday.value} if every == 'week' else {}
            return {'kind': kind, 'every': every, 'at': at, **weekday, 'timezone': zone}
        return {'kind': kind, 'check': self.check.value, 'seconds': self.seconds.value}

    def values(self) -> dict[str, Any]:
        return {
            'name': (self.name.value or '').strip(),
            'severity': self.severity.value,
            'rule': self.rule(),
            'cooldown_s': float(self.cooldown.value or 0),
            'channels': list(self.channels.value),
        }

    def _changed(self) -> None:
        kind = self.kind.value
        shown_by_kind: dict[str, set[ui.element]] = {
            'price': {self.symbol, self.op, self.amount} | ({self.window} if self.op.value == 'moves' else set()),
            'indicator': {self.symbol, self.timeframe, self.left, self.op, self.amount},
            'event': {self.types, self.symbol, self.any_symbol},
            'account': {self.metric, self.op, self.amount, self.symbol, self.any_symbol},
            'health': {self.check} | ({self.seconds} if self.check.value == 'feed_stale' else set()),
            'summary': {self.every, self.at, self.timezone} | ({self.weekday} if self.every.value == 'week' else set()),
        }
        shown = shown_by_kind[kind]
        for element in self.fields.default_slot.children:
            element.set_visibility(element in shown)
        if self._new and kind == 'summary' and self.severity.value == 'warning':
            self.severity.value = 'info'  # a summary is news, not a warning (unless chosen)
        ops = translated(PRICE_OPS if kind == 'price' else LEVEL_OPS)
        if self.op.options != ops:
            self.op.set_options(ops, value=self.op.value if self.op.value in ops else 'above')
        self.preview_label.set_text(_('now: {preview}').format(preview=self._preview(self.rule())))

    async def _submit(self) -> None:
        result = self._save(self.values())
        if inspect.isawaitable(result):
            result = await result
        if result:
            self.close()


def _number(text: Any) -> float | str:
    """A number if the text is one (an indicator's other side may be an operand like ``ema:50``)."""
    try:
        return float(str(text).replace(',', ''))
    except ValueError:
        return str(text).strip()


def _text(value: Any) -> str:
    return f'{value:g}' if isinstance(value, float | int) else str(value)


async def price_alert_here(symbol: str, level: str) -> str | None:
    """Ask for the name of a price alert at ``level`` (made from the chart); None if cancelled."""
    with ui.dialog() as dialog, ui.card():
        ui.label(_('Price alert on {symbol} at {level}').format(symbol=symbol, level=level)).classes('text-lg')
        name = ui.input(_('Name'), value=f'{symbol} {level}').classes('w-72').mark('chart-alert-name')
        with ui.row().classes('w-full justify-end'):
            ui.button(_('Cancel'), on_click=lambda: dialog.submit(None)).props('flat')
            ui.button(_('Create alert'), on_click=lambda: dialog.submit((name.value or '').strip() or None)).mark(
                'chart-alert-create'
            )
    result: str | None = await dialog
    dialog.delete()
    return result
