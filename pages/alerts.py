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
from components.viewer import Viewer
from oracle_ui import views
from oracle_ui.alerts.quiet import QuietHours
from oracle_ui.alerts.rules import ALERTABLE_TYPES, RULE, AlertSpec, AlertUpdate, ChannelSpec
from oracle_ui.events import Topic
from oracle_ui.system import System
from oracle_ui.web.context import AppContext
from oracle_ui.web.feedback import attempt
from oracle_ui.web.live import on_events
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

HISTORY_PAGE = 25
SNOOZE_PERIODS = {'15 min': 900.0, '1 h': 3600.0, '8 h': 8 * 3600.0, '1 day': 86_400.0, '1 week': 7 * 86_400.0}
ASK_PERMISSION = """
if (!('Notification' in window)) return 'unsupported';
return await Notification.requestPermission();
"""


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(system, '/alerts')
    async def alerts_page() -> None:
        who = page_principal(system)
        viewer = Viewer()
        service, can = system.alerts, who.can_control
        commands = system.alert_commands

        def choices() -> Choices:
            return Choices(
                symbols=system.engine.symbols,
                timeframes=views.chart_timeframes(system),
                event_types=[t.value for t in ALERTABLE_TYPES],
                channels=[c.name for c in service.channels.values()],
            )

        def preview(rule: dict[str, Any]) -> str:
            try:
                return service.preview(RULE.validate_python(rule)).text
            except (ValidationError, ValueError) as error:
                return _problem(error)

        async def save(fields: dict[str, Any], alert_id: int | None) -> bool:
            if (actor := acting_principal(system)) is None:
                return False
            try:
                if alert_id is None:
                    command = commands.create(AlertSpec.model_validate(fields), who=actor, origin=origin())
                else:
                    change = AlertUpdate.model_validate(fields)
                    command = commands.update(alert_id, change, who=actor, origin=origin())
            except ValidationError as error:
                ui.notify(_problem(error), type='negative')
                return False
            saved = await attempt(lambda: command)
            if saved is not None:
                ui.notify(f'alert "{saved.name}" saved', type='positive')
                refresh()
            return saved is not None

        def edit(alert_id: int | None) -> None:
            alert = service.view(service.rules[alert_id]).model_dump(mode='json') if alert_id else {}
            if alert_id:
                alert['rule'] = rule_of(service.view(service.rules[alert_id]))
            AlertEditor(choices(), alert, preview=preview, save=lambda fields: save(fields, alert_id)).open()

        async def on_alert(action: str, row: dict[str, Any]) -> None:
            if (actor := acting_principal(system)) is None:
                return
            alert_id, where = int(row['id']), origin()
            if action == 'edit':
                edit(alert_id)
                return
            if action == 'delete' and not await confirm(
                f'Delete the alert "{row["name"]}"?', action='Delete', mark='confirm-delete-alert'
            ):
                return
            stored = service.rules[alert_id]
            snooze_s = await _snooze_period(row['state'] == 'snoozed') if action == 'snooze' else None
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
                for sent in result or []:
                    ui.notify(
                        f'{sent.channel}: ' + ('sent' if sent.ok else f'failed: {sent.error}'),
                        type='positive' if sent.ok else 'negative',
                        multi_line=True,
                    )
                if not result:
                    ui.notify('this alert has no channels besides the in-app inbox', type='info')
            refresh()

        async def on_channel(action: str, row: dict[str, Any]) -> None:
            if (actor := acting_principal(system)) is None:
                return
            channel_id = int(row['id'])
            if action == 'test':
                result = await attempt(lambda: commands.test_channel(channel_id, who=actor, origin=origin()))
                if result is not None:
                    ui.notify(
                        f'{result.channel}: ' + ('sent' if result.ok else f'failed: {result.error}'),
                        type='positive' if result.ok else 'negative',
                        multi_line=True,
                    )
            elif await confirm(f'Delete the channel "{row["name"]}"?', action='Delete', mark='confirm-delete-channel'):
                await attempt(lambda: commands.delete_channel(channel_id, who=actor, origin=origin()))
            refresh()

        async def acknowledge(ids: list[int] | None) -> None:
            if (actor := acting_principal(system)) is not None:
                await attempt(lambda: commands.acknowledge(ids, who=actor, origin=origin()))
                refresh()

        with frame('Alerts', who, context.state.bot):
            with ui.row().classes('items-center gap-3 w-full'):
                ui.label('Inbox').classes('text-lg')
                unread = ui.badge(color='red').mark('inbox-unread')
                ui.space()
                ui.button('Desktop notifications', icon='notifications', on_click=lambda: _ask_permission()).props(
                    'flat dense'
                ).mark('ask-permission')
                if can:
                    ui.button('Acknowledge all', icon='done_all', on_click=lambda: acknowledge(None)).props(
                        'flat dense'
                    ).mark('ack-all')
            inbox = TriggersTable((lambda _a, row: acknowledge([int(row['id'])])) if can else None, 'inbox-table')
            with ui.row().classes('items-center gap-3 w-full'):
                ui.label('Alerts').classes('text-lg')
                ui.space()
                if can:
                    ui.button('New alert', icon='add_alert', on_click=lambda: edit(None)).mark('new-alert')
            alerts = AlertsTable(on_alert if can else None)
            ui.label('Channels').classes('text-lg')
            channels = ChannelsTable(on_channel if can else None)
            if can:
                _channel_form(system)
            _quiet_hours(system, who.label, can)
            with ui.row().classes('items-end gap-3 w-full'):
                ui.label('History').classes('text-lg')
                search = ui.input('Search').classes('w-56').mark('history-search')
                total = ui.label().classes('text-sm opacity-70').mark('history-total')
            history = TriggersTable(None, 'history-table')
            pager = Pager(HISTORY_PAGE, lambda: refresh())

        def refresh() -> None:
            unread_page = service.history(unacknowledged=True, limit=50)
            unread.set_text(str(unread_page.total))
            inbox.show(unread_page.triggers, viewer.timezone)
            alerts.show([service.view(r) for r in service.rules.values()], viewer.timezone)
            channels.show([service.channel_view(c) for c in service.channels.values()], viewer.timezone)
            text = (search.value or '').strip()[:200] or None
            count = service.history(search=text, limit=1).total
            page = service.history(search=text, limit=HISTORY_PAGE, offset=pager.fit(count))
            history.show(page.triggers, viewer.timezone)
            total.set_text(f'{count} triggers · newest first · times in {viewer.timezone_name}')

        pager.restart_on(choices=(), entries=(search,))
        refresh()
        on_events(system.bus, lambda _event: refresh(), [Topic.ALERTS])
        ui.timer(2.0, lambda: alerts.show([service.view(r) for r in service.rules.values()], viewer.timezone))
        await ui.context.client.connected()
        if await viewer.learn_timezone():
            refresh()


def _channel_form(system: System) -> None:
    with ui.row().classes('items-end gap-2 w-full flex-wrap'):
        name = ui.input('Channel name').classes('w-40').mark('channel-name')
        url = ui.input('Apprise URL', password=True).classes('w-72').mark('channel-url')

        async def add() -> None:
            if (actor := acting_principal(system)) is None:
                return
            try:
                spec = ChannelSpec(name=(name.value or '').strip(), url=(url.value or '').strip())
            except ValidationError as error:
                ui.notify(_problem(error), type='negative')
                return
            made = await attempt(lambda: system.alert_commands.create_channel(spec, who=actor, origin=origin()))
            if made is not None:
                ui.notify(f'channel "{made.name}" added: {made.masked}', type='positive')
                name.value, url.value = '', ''

        ui.button('Add channel', icon='add', on_click=add).mark('add-channel')


def _quiet_hours(system: System, owner: str, can: bool) -> None:
    quiet = system.alerts.quiet_hours(owner)
    with ui.row().classes('items-end gap-2 w-full flex-wrap').mark('quiet-hours'):
        ui.label('My quiet hours').classes('text-lg')
        enabled = ui.switch('on', value=quiet.enabled).mark('quiet-enabled')
        start = ui.input('From (HH:MM)', value=quiet.start).classes('w-28')
        end = ui.input('To (HH:MM)', value=quiet.end).classes('w-28')
        zone = ui.input('Timezone', value=quiet.timezone).classes('w-48')
        ui.label('warnings and infos wait for the end, then come as one digest; critical alerts pass').classes(
            'text-xs opacity-70'
        )

        async def save() -> None:
            if (actor := acting_principal(system)) is None:
                return
            try:
                chosen = QuietHours(enabled=enabled.value, start=start.value, end=end.value, timezone=zone.value)
            except ValidationError as error:
                ui.notify(_problem(error), type='negative')
                return
            if await attempt(lambda: system.alert_commands.set_quiet_hours(chosen, who=actor, origin=origin())):
                ui.notify('quiet hours saved', type='positive')

        if can:
            ui.button('Save', on_click=save).props('flat').mark('quiet-save')
        else:
            for element in (enabled, start, end, zone):
                element.disable()


async def _snooze_period(is_snoozed: bool) -> float | None:
    """How long to snooze (0: wake it now); None if cancelled."""
    with ui.dialog() as dialog, ui.card():
        ui.label('Snooze this alert for').classes('text-lg')
        with ui.row().classes('gap-2'):
            for label, seconds in SNOOZE_PERIODS.items():
                ui.button(label, on_click=lambda s=seconds: dialog.submit(s)).props('outline').mark(f'snooze-{label}')
            if is_snoozed:
                ui.button('Wake now', on_click=lambda: dialog.submit(0.0)).mark('snooze-wake')
        ui.button('Cancel', on_click=lambda: dialog.submit(None)).props('flat')
    result = await dialog
    dialog.delete()
    return result


async def _ask_permission() -> None:
    answer = await ui.run_javascript(ASK_PERMISSION, timeout=30)
    ui.notify(f'desktop notifications: {answer}', type='positive' if answer == 'granted' else 'warning')


def _problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = '.'.join(str(x) for x in first['loc'] if not str(x).startswith(('function-', 'literal')))
        return f'{where}: {first["msg"].removeprefix("Value error, ")}' if where else first['msg']
    return str(error)
