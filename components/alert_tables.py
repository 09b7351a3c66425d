"""The tables of ``/alerts``: alerts with their state and actions, channels with their masked URL and how sending
went, and triggers (the inbox and the history) with each channel's result. Actions are buttons in the rows that
call back with the row; viewers get the tables without them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

from nicegui import events, ui

from oracle_ui.alerts import messages
from oracle_ui.alerts.rules import RULE, Alert, Channel, Trigger
from oracle_ui.formatting import local_time
from oracle_ui.i18n import N_, _, pgettext, terms

STATE_COLORS = {'armed': 'teal', 'triggered': 'red', 'cooling_down': 'orange', 'snoozed': 'grey', 'disabled': 'grey'}
SEVERITY_COLORS = {'info': 'blue', 'warning': 'amber', 'critical': 'red'}
Action = Callable[[str, dict[str, Any]], Any]
"""``(action name, row)``."""


def _columns(*names: tuple[str, str]) -> list[dict[str, Any]]:
    return [{'name': n, 'label': _(label) if label else '', 'field': n, 'align': 'left'} for n, label in names]


def _when(seconds: float | None, timezone: tzinfo) -> str:
    return local_time(seconds, timezone)


def _buttons(actions: Sequence[tuple[str, str, str]]) -> str:
    """Quasar buttons emitting ``action`` with the row: (name, icon, tooltip)."""
    return ''.join(
        f'<q-btn flat dense round size="sm" icon="{icon}" data-action="{name}" '
        f"@click=\"() => $parent.$emit('action', {{action: '{name}', row: props.row}})\">"
        f'<q-tooltip>{_(tip)}</q-tooltip></q-btn>'
        for name, icon, tip in actions
    )


class _ActionTable(ui.table):
    def __init__(self, columns: list[dict[str, Any]], on_action: Action | None, actions: str, mark: str) -> None:
        super().__init__(columns=columns, rows=[], row_key='id')
        self.classes('w-full').props('dense flat wrap-cells hide-pagination :pagination="{rowsPerPage: 0}"')
        self.mark(mark)
        if on_action is not None:
            self.add_slot('body-cell-actions', f'<q-td :props="props" class="whitespace-nowrap">{actions}</q-td>')
            self.on('action', lambda e: self._act(e, on_action))

    @staticmethod
    def _act(event: events.GenericEventArguments, on_action: Action) -> Any:
        return on_action(event.args['action'], event.args['row'])


class AlertsTable(_ActionTable):
    """Every alert: name, condition, severity, channels, state, last fired; operators get the row actions."""

    ACTIONS = (
        ('toggle', 'power_settings_new', N_('enable / disable')),
        ('snooze', 'snooze', N_('snooze for a while, or wake')),
        ('edit', 'edit', N_('edit')),
        ('duplicate', 'content_copy', N_('duplicate')),
        ('test', 'send', N_('send a test to its channels')),
        ('delete', 'delete', N_('delete')),
    )

    def __init__(self, on_action: Action | None) -> None:
        columns = _columns(
            ('name', N_('Name')),
            ('condition', N_('Condition')),
            ('severity', N_('Severity')),
            ('channels', N_('Channels')),
            ('state', N_('State')),
            ('last', N_('Last fired')),
        )
        if on_action is not None:
            columns += _columns(('actions', ''))
        super().__init__(columns, on_action, _buttons(self.ACTIONS), 'alerts-table')
        self.add_slot(
            'body-cell-state',
            '<q-td :props="props"><q-badge :color="props.row.state_color" :label="props.value" /></q-td>',
        )
        self.add_slot(
            'body-cell-severity',
            '<q-td :props="props"><q-badge :color="props.row.severity_color" :label="props.value" /></q-td>',
        )

    def show(self, alerts: Sequence[Alert], timezone: tzinfo) -> None:
        self.rows = [
            {
                'id': a.id,
                'name': a.name,
                'condition': messages.describe(a.rule),
                'severity': terms.severity(a.severity),
                'severity_color': SEVERITY_COLORS[a.severity],
                'channels': ', '.join(c.name for c in a.channels) or _('in-app'),
                'state': alert_state(a.state),
                'snoozed': a.state == 'snoozed',
                'state_color': STATE_COLORS[a.state],
                'last': _when(a.last_triggered, timezone),
            }
            for a in alerts
        ]


class ChannelsTable(_ActionTable):
    """Every channel: name, masked URL, service, sent/failed counts, last result."""

    ACTIONS = (('test', 'send', N_('send a test message')), ('delete', 'delete', N_('delete')))

    def __init__(self, on_action: Action | None) -> None:
        columns = _columns(
            ('name', N_('Name')),
            ('masked', N_('URL (masked)')),
            ('service', N_('Service')),
            ('limit', N_('Limit')),
            ('sent', N_('Sent')),
            ('failed', N_('Failed')),
            ('last', N_('Last result')),
        )
        if on_action is not None:
            columns += _columns(('actions', ''))
        super().__init__(columns, on_action, _buttons(self.ACTIONS), 'channels-table')

    def show(self, channels: Sequence[Channel], timezone: tzinfo) -> None:
        self.rows = [
            {
                'id': c.id,
                'name': c.name,
                'masked': c.masked,
                'service': c.service,
                'limit': _('{count} / {seconds} s').format(count=c.rate_limit, seconds=f'{c.rate_period_s:g}'),
                'sent': c.sent,
                'failed': c.failed,
                'last': f'{terms.delivery(c.last_status)} {_when(c.last_time, timezone)}'
                + (f': {c.last_error}' if c.last_error else '')
                if c.last_status
                else '—',
            }
            for c in channels
        ]


class TriggersTable(_ActionTable):
    """Triggered alerts, newest first: when, which, what it saw, each channel's result, acknowledged by whom."""

    def __init__(self, on_action: Action | None, mark: str) -> None:
        columns = _columns(
            ('time', N_('Time')),
            ('name', N_('Alert')),
            ('severity', N_('Severity')),
            ('message', N_('What happened')),
            ('channels', N_('Channels')),
            ('ack', N_('Acknowledged')),
        )
        if on_action is not None:
            columns += _columns(('actions', ''))
        super().__init__(columns, on_action, _buttons((('ack', 'done', N_('acknowledge')),)), mark)
        self.add_slot(
            'body-cell-severity',
            '<q-td :props="props"><q-badge :color="props.row.severity_color" :label="props.value" /></q-td>',
        )

    def show(self, triggers: Sequence[Trigger], timezone: tzinfo) -> None:
        self.rows = [
            {
                'id': t.id,
                'time': _when(t.time, timezone),
                'name': t.name,
                'severity': terms.severity(t.severity),
                'severity_color': SEVERITY_COLORS.get(t.severity, 'grey'),
                'message': messages.written_again(t.rule, t.value, t.detail, t.message),
                'channels': '; '.join(
                    f'{r.channel}: {delivery_status(r.status)}' + (f' ({r.error})' if r.error else '')
                    for r in t.channels
                )
                or _('in-app'),
                'ack': f'{t.acknowledged_by} {_when(t.acknowledged_time, timezone)}' if t.acknowledged_by else '',
            }
            for t in triggers
        ]


def alert_state(value: str) -> str:
    """An alert's state as the table shows it."""
    names = {
        'armed': pgettext('alert state', 'armed'),
        'triggered': pgettext('alert state', 'triggered'),
        'cooling_down': pgettext('alert state', 'cooling down'),
        'snoozed': pgettext('alert state', 'snoozed'),
        'disabled': pgettext('alert state', 'disabled'),
    }
    return names.get(value, value.replace('_', ' '))


def delivery_status(value: str) -> str:
    """How sending went on one channel (waiting ones included)."""
    waiting = {'pending': pgettext('delivery', 'pending'), 'held': pgettext('delivery', 'held')}
    return waiting.get(value) or terms.delivery(value)


def rule_of(alert: Alert) -> dict[str, Any]:
    """An alert's condition as the editor takes it."""
    rule: dict[str, Any] = RULE.dump_python(alert.rule, mode='json')
    return rule
