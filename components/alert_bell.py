"""The header's alert bell (the unread count, a link to the inbox) and the toaster every page has: a toast for
each triggered alert, and the browser's own notification when the tab is hidden (once the user allowed it)."""

from __future__ import annotations

from typing import Literal

import orjson
from nicegui import ui
from nicegui.binding import BindableProperty, bind_from

from oracle_ui.alerts import messages
from oracle_ui.i18n import _, terms
from oracle_ui.web.state import BotView

SEVERITY_TOAST: dict[str, Literal['info', 'warning', 'negative']] = {
    'info': 'info',
    'warning': 'warning',
    'critical': 'negative',
}
# Shown by the browser itself when the tab is hidden; permission is asked for by a click on /alerts, never on load.
NOTIFY_SCRIPT = """
<script>
window.oracleAlert = (title, body) => {
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  new Notification(title, { body, tag: 'oracle-alert-' + Date.now() });
};
</script>
"""


def alert_bell(bot: BotView) -> None:
    """A bell with the unread count; a click opens the inbox on ``/alerts``."""
    with (
        ui.button(icon='notifications', on_click=lambda: ui.navigate.to('/alerts'))
        .props('flat round color=white dense')
        .mark('alert-bell')
        .tooltip(_('alerts inbox'))
    ):
        ui.badge(color='red').props('floating').mark('alert-count').bind_text_from(
            bot, 'alerts_unread', backward=str
        ).bind_visibility_from(bot, 'alerts_unread', backward=bool)


class AlertToaster(ui.element):
    """Toasts every alert triggered while the page is open (not the one before it opened)."""

    alert = BindableProperty(on_change=lambda sender, value: sender._show(value))

    def __init__(self, bot: BotView) -> None:
        super().__init__()
        self._seen = bot.last_alert
        self.alert = bot.last_alert
        bind_from(self, 'alert', bot, 'last_alert')
        ui.add_body_html(NOTIFY_SCRIPT)

    def _show(self, value: str) -> None:
        if not value or value == self._seen:
            return
        self._seen = value
        data = orjson.loads(value)['data']
        with self:  # in this page's language (the new value may come from any task)
            title = f'{terms.severity(data["severity"]).upper()} · {data["name"]}'
            message = messages.written_again(data.get('rule'), data.get('value'), data.get('detail'), data['message'])
            ui.notify(
                f'{title}: {message}',
                type=SEVERITY_TOAST.get(data['severity'], 'info'),
                position='top-right',
                group='alert',
            )
            ui.run_javascript(
                f'window.oracleAlert && window.oracleAlert({orjson.dumps(title).decode()}, '
                f'{orjson.dumps(message).decode()})'
            )
