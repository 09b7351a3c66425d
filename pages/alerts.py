"""``/alerts``: the inbox (acknowledge), the alerts with their state (create, edit, enable, snooze, duplicate, test,
delete), the channels (add, test, delete; URLs masked), the user's quiet hours, and the searchable history.
Viewers see everything and change nothing (the server refuses them anyway)."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from pydantic import ValidationError

from components.alert_editor import AlertEditor, Choices
from components.alert_tables import AlertsTable, ChannelsTable, TriggersTable, rule_of
from components.confirm import confirm
from components.frame import frame
from components.pager import Pager
from components.typed_time import TYPING_DEBOUNCE_MS
from components.viewer import Viewer
from oracle_ui import views
from oracle_ui.alerts.quiet import QuietHours
from oracle_ui.alerts.rules import ALERTABLE_TYPES, RULE, AlertSpec, AlertUpdate, ChannelSpec
from oracle_ui.events import Topic
from oracle_ui.i18n import N_, _, ngettext
from oracle_ui.i18n.validation import error_text
from oracle_ui.security.accounts import Principal
from oracle_ui.web.context import AppContext
from oracle_ui.web.feedback import attempt
from oracle_ui.web.live import on_events
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

HISTORY_PAGE = 25
SNOOZE_PERIODS = {
    N_('15 min'): 900.0,
    N_('1 h'): 3600.0,
    N_('8 h'): 8 * 3600.0,
    N_('1 day'): 86_400.0,
    N_('1 week'): 7 * 86_400.0,
}
"""How long an alert may be snoozed, by label (translated where shown; the English one names the test mark)."""
ASK_PERMISSION = """
if (!('Notification' in window)) return 'unsupported';
return await Notification.requestPermission();
"""


def register(context: AppContext) -> None:
    @guarded_page(context, '/alerts')
    async def alerts_page() -> None:
        page = AlertsPage(context, page_principal(context.system), Viewer())
        with frame('Alerts', page.who, context.state.bot):
            page.build()
        page.refresh()
        on_events(context, lambda _event: page.refresh(), [Topic.ALERTS])
        ui.timer(2.0, page.show_states)
        await ui.context.client.connected()
        if await page.viewer.learn_timezone():
            page.refresh()


class AlertsPage:
    """One tab of ``/alerts``: its tables and what their buttons do (every handler checks the session first)."""

    def __init__(self, context: AppContext, who: Principal, viewer: Viewer) -> None:
        self.context, self.system, self.who, self.viewer = context, context.system, who, viewer
        self.service, self.commands = context.system.alerts, context.system.alert_commands

    def build(self) -> None:
        can = self.who.can_control
        with ui.row().classes('items-center gap-3 w-full'):
            ui.label(_('Inbox')).classes('text-lg')
            self.unread = ui.badge(color='red').mark('inbox-unread')
            ui.space()
            ui.button(_('Desktop notifications'), icon='notifications', on_click=_ask_permission).props(
                'flat dense'
            ).mark('ask-permission')
            if can:
                ui.button(_('Acknowledge all'), icon='done_all', on_click=lambda: self.acknowledge(None)).props(
                    'flat dense'
                ).mark('ack-all')
        acknowledge = (lambda _a, row: self.acknowledge([int(row['id'])])) if can else None
        self.inbox = TriggersTable(acknowledge, 'inbox-table')
        with ui.row().classes('items-center gap-3 w-full'):
            ui.label(_('Alerts')).classes('text-lg')
            ui.space()
            if can:
                ui.button(_('New alert'), icon='add_alert', on_click=lambda: self.edit(None)).mark('new-alert')
        self.alerts = AlertsTable(self.on_alert if can else None)
        ui.label(_('Channels')).classes('text-lg')
        self.channels = ChannelsTable(self.on_channel if can else None)
        if can:
            _channel_form(self.context)
        _quiet_hours(self.context, self.who.label, can)
        with ui.row().classes('items-end gap-3 w-full'):
            ui.label(_('History')).classes('text-lg')
            self.search = ui.input(_('Search'), placeholder=_('as you type')).props(
                f'debounce={TYPING_DEBOUNCE_MS} clearable'
            )
            self.search.classes('w-56').mark('history-search')
            self.total = ui.label().classes('text-sm opacity-70').mark('history-total')
        self.history = TriggersTable(None, 'history-table')
        self.pager = Pager(HISTORY_PAGE, self.refresh)
        self.search.on_value_change(self.pager.first)

    def refresh(self) -> None:
        if acting_principal(self.context) is None:
            return
        service, timezone = self.service, self.viewer.timezone
        unread_page = service.history(unacknowledged=True, limit=50)
        self.unread.set_text(str(unread_page.total))
        self.inbox.show(unread_page.triggers, timezone)
        self.show_states()
        self.channels.show([service.channel_view(c) for c in service.channels.values()], timezone)
        text = (self.search.value or '').strip()[:200] or None
        count = service.history(search=text, limit=1).total
        page = service.history(search=text, limit=HISTORY_PAGE, offset=self.pager.fit(count))
        self.history.show(page.triggers, timezone)
        triggers = ngettext('{count} trigger', '{count} triggers', count).format(count=count)
        where = _('newest first · times in {timezone}').format(timezone=self.viewer.timezone_name)
        self.total.set_text(f'{triggers} · {where}')

    def show_states(self) -> None:
        """The alerts with their state now (cooling down ends, snoozes wake: redrawn every 2 s)."""
        self.alerts.show([self.service.view(r) for r in self.service.rules.values()], self.viewer.timezone)

    def choices(self) -> Choices:
        system = self.system
        return Choices(
            symbols=system.engine.symbols,
            timeframes=views.chart_timeframes(system),
            event_types=[t.value for t in ALERTABLE_TYPES],
            channels=[c.name for c in self.service.channels.values()],
        )

    def preview(self, rule: dict[str, Any]) -> str:
        try:
            return self.service.preview(RULE.validate_python(rule)).text
        except (ValidationError, ValueError) as error:
            return _problem(error)

    async def save(self, fields: dict[str, Any], alert_id: int | None) -> bool:
        if (actor := acting_principal(self.context)) is None:
            return False
        try:
            if alert_id is None:
                command = self.commands.create(AlertSpec.model_validate(fields), who=actor, origin=origin())
            else:
                change = AlertUpdate.model_validate(fields)
                command = self.commands.update(alert_id, change, who=actor, origin=origin())
        except ValidationError as error:
            ui.notify(_problem(error), type='negative')
            return False
        saved = await attempt(lambda: command)
        if saved is not None:
            ui.notify(_('alert "{name}" saved').format(name=saved.name), type='positive')
            self.refresh()
        return saved is not None

    def edit(self, alert_id: int | None) -> None:
        if acting_principal(self.context) is None:
            return
        service = self.service
        alert = service.view(service.rules[alert_id]).model_dump(mode='json') if alert_id else {}
        if alert_id:
            alert['rule'] = rule_of(service.view(service.rules[alert_id]))
        AlertEditor(self.choices(), alert, preview=self.preview, save=lambda fields: self.save(fields, alert_id)).open()

    async def on_alert(self, action: str, row: dict[str, Any]) -> None:
        if (actor := acting_principal(self.context)) is None:
            return
        alert_id, where, commands = int(row['id']), origin(), self.commands
        if action == 'edit':
            self.edit(alert_id)
            return
        if action == 'delete' and not await confirm(
            _('Delete the alert "{name}"?').format(name=row['name']), action=_('Delete'), mark='confirm-delete-alert'
        ):
            return
        stored = self.service.rules[alert_id]
        snooze_s = await _snooze_period(bool(row.get('snoozed'))) if action == 'snooze' else None
        if action == 'snooze' and snooze_s is None:
            return
        changes = {
            'toggle': lambda: commands.update(
                alert_id, AlertUpdate(enabled=not stored.enabled), who=actor, origin=where
            ),
            'snooze': lambda: commands.update(alert_id, AlertUpdate(snooze_s=snooze_s), who=actor, origin=where),
            'duplicate': lambda: commands.duplicate(alert_id, who=actor, origin=where),
            'delete': lambda: commands.delete(alert_id, who=actor, origin=where),
            'test': lambda: commands.test(alert_id, who=actor, origin=where),
        }
        result = await attempt(changes[action])
        if action == 'test' and result is not None:
            _say_test_results(result)
        self.refresh()

    async def on_channel(self, action: str, row: dict[str, Any]) -> None:
        if (actor := acting_principal(self.context)) is None:
            return
        channel_id = int(row['id'])
        if action == 'test':
            result = await attempt(lambda: self.commands.test_channel(channel_id, who=actor, origin=origin()))
            if result is not None:
                _say_test_results([result])
        elif await confirm(
            _('Delete the channel "{name}"?').format(name=row['name']),
            action=_('Delete'),
            mark='confirm-delete-channel',
        ):
            await attempt(lambda: self.commands.delete_channel(channel_id, who=actor, origin=origin()))
        self.refresh()

    async def acknowledge(self, ids: list[int] | None) -> None:
        if (actor := acting_principal(self.context)) is not None:
            await attempt(lambda: self.commands.acknowledge(ids, who=actor, origin=origin()))
            self.refresh()


def _say_test_results(results: Any) -> None:
    """A notification per channel a test message went to; a note when there was none."""
    for sent in results:
        ui.notify(
            f'{sent.channel}: ' + (_('sent') if sent.ok else _('failed: {problem}').format(problem=sent.error)),
            type='positive' if sent.ok else 'negative',
            multi_line=True,
        )
    if not results:
        ui.notify(_('this alert has no channels besides the in-app inbox'), type='info')


def _channel_form(context: AppContext) -> None:
    with ui.row().classes('items-end gap-2 w-full flex-wrap'):
        name = ui.input(_('Channel name')).classes('w-40').mark('channel-name')
        url = ui.input(_('Apprise URL'), password=True).classes('w-72').mark('channel-url')

        async def add() -> None:
            if (actor := acting_principal(context)) is None:
                return
            try:
                spec = ChannelSpec(name=(name.value or '').strip(), url=(url.value or '').strip())
            except ValidationError as error:
                ui.notify(_problem(error), type='negative')
                return
            made = await attempt(lambda: context.system.alert_commands.create_channel(spec, who=actor, origin=origin()))
            if made is not None:
                ui.notify(_('channel "{name}" added: {url}').format(name=made.name, url=made.masked), type='positive')
                name.value, url.value = '', ''

        ui.button(_('Add channel'), icon='add', on_click=add).mark('add-channel')


def _quiet_hours(context: AppContext, owner: str, can: bool) -> None:
    quiet = context.system.alerts.quiet_hours(owner)
    with ui.row().classes('items-end gap-2 w-full flex-wrap').mark('quiet-hours'):
        ui.label(_('My quiet hours')).classes('text-lg')
        enabled = ui.switch(_('on'), value=quiet.enabled).mark('quiet-enabled')
        start = ui.input(_('From (HH:MM)'), value=quiet.start).classes('w-28')
        end = ui.input(_('To (HH:MM)'), value=quiet.end).classes('w-28')
        zone = ui.input(_('Timezone'), value=quiet.timezone).classes('w-48')
        ui.label(_('warnings and infos wait for the end, then come as one digest; critical alerts pass')).classes(
            'text-xs opacity-70'
        )

        async def save() -> None:
            if (actor := acting_principal(context)) is None:
                return
            try:
                chosen = QuietHours(enabled=enabled.value, start=start.value, end=end.value, timezone=zone.value)
            except ValidationError as error:
                ui.notify(_problem(error), type='negative')
                return
            if await attempt(lambda: context.system.alert_commands.set_quiet_hours(chosen, who=actor, origin=origin())):
                ui.notify(_('quiet hours saved'), type='positive')

        if can:
            ui.button(_('Save'), on_click=save).props('flat').mark('quiet-save')
        else:
            for element in (enabled, start, end, zone):
                element.disable()


async def _snooze_period(is_snoozed: bool) -> float | None:
    """How long to snooze (0: wake it now); None if cancelled."""
    with ui.dialog() as dialog, ui.card():
        ui.label(_('Snooze this alert for')).classes('text-lg')
        with ui.row().classes('gap-2'):
            for label, seconds in SNOOZE_PERIODS.items():
                ui.button(_(label), on_click=lambda s=seconds: dialog.submit(s)).props('outline').mark(
                    f'snooze-{label}'
                )
            if is_snoozed:
                ui.button(_('Wake now'), on_click=lambda: dialog.submit(0.0)).mark('snooze-wake')
        ui.button(_('Cancel'), on_click=lambda: dialog.submit(None)).props('flat')
    result: float | None = await dialog
    dialog.delete()
    return result


async def _ask_permission() -> None:
    answer = await ui.run_javascript(ASK_PERMISSION, timeout=30)
    ui.notify(
        _('desktop notifications: {answer}').format(answer=answer),
        type='positive' if answer == 'granted' else 'warning',
    )


def _problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = '.'.join(str(x) for x in first['loc'] if not str(x).startswith(('function-', 'literal')))
        return f'{where}: {error_text(first)}' if where else error_text(first)
    return str(error)
