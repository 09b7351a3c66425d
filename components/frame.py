"""The shared page frame: header with navigation, paper-trading badge, bot state, links, language and theme."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import orjson
from nicegui import Client, app, ui

from components.alert_bell import AlertToaster, alert_bell
from components.language_menu import language_menu
from components.status_badge import StatusBadge
from oracle_ui import i18n
from oracle_ui.i18n import N_, _, pinned, terms
from oracle_ui.security.accounts import Principal
from oracle_ui.web import language
from oracle_ui.web.state import BotView

PAGES = (
    ('/', N_('Dashboard'), 'dashboard', 'dashboard'),
    ('/trades', N_('Trades'), 'receipt_long', 'trades'),
    ('/events', N_('Events'), 'list', 'events'),
    ('/alerts', N_('Alerts'), 'notifications_active', 'alerts'),
    ('/analytics', N_('Analytics'), 'insights', 'analytics'),
    ('/backtest', N_('Backtest'), 'science', 'backtest'),
    ('/settings', N_('Settings'), 'tune', 'settings'),
)
"""Path, title (translated where shown), icon and test mark of each page."""

# The browser's own link to the server: only the browser knows when it is lost, so it shows it itself.
LINK_SCRIPT = """
<script>
(function watchLink() {
  const words = %s;
  const el = () => document.getElementById('link-status');
  if (!window.socket || !el()) { setTimeout(watchLink, 200); return; }
  const show = (text, color) => { const e = el(); if (e) { e.textContent = text; e.style.color = color; } };
  window.socket.on('connect', () => show(words.live, '#4ade80'));
  window.socket.on('disconnect', () => show(words.reconnecting, '#f87171'));
  window.socket.io.on('reconnect_attempt', () => show(words.reconnecting, '#f87171'));
  show(window.socket.connected ? words.live : words.connecting, window.socket.connected ? '#4ade80' : '#fbbf24');
})();
</script>
"""


def link_script() -> str:
    words = {'live': _('link: live'), 'reconnecting': _('link: reconnecting…'), 'connecting': _('link: connecting…')}
    return LINK_SCRIPT % orjson.dumps(words).decode()


def feed_status(status: str) -> str:
    return _('feed: {status}').format(status=terms.feed_status(status))


def browser_tabs() -> int:
    """Browser tabs showing a page now: one per tab however many pages it opened (a page left behind keeps its
    connection for a while)."""
    return len({client.tab_id for client in Client.instances.values() if client.tab_id is not None})


@contextmanager
def frame(title: str, who: Principal, bot: BotView) -> Iterator[None]:
    """Header and a content column for a page titled ``title`` (one of :data:`PAGES`' titles, translated here),
    shown to ``who``; ``bot`` feeds the header."""
    ui.colors(primary='#0f766e', positive='#16a34a', negative='#dc2626')
    dark = ui.dark_mode(app.storage.user.get('dark', True))
    ui.page_title(f'{_(title)} · Oracle Trader')
    ui.add_body_html(link_script())
    viewing = i18n.current()
    with ui.header().classes('items-center gap-x-3 gap-y-1 flex-wrap py-2'):
        ui.label('Oracle Trader').classes('text-lg font-bold')
        ui.badge(_('PAPER TRADING'), color='amber').props('text-color=black').mark('paper-badge')
        StatusBadge(bot).mark('bot-state')
        ui.label().bind_text_from(bot, 'feed_status', backward=pinned(feed_status)).classes('text-sm opacity-80').mark(
            'feed-status'
        )
        ui.badge(_('engine link lost'), color='negative').bind_visibility_from(
            bot, 'engine_link', backward=lambda is_up: not is_up
        ).mark('engine-link-lost')
        ui.label(_('link: connecting…')).props('id=link-status').classes('text-sm').mark('link-status')
        clients = ui.label().classes('text-sm opacity-80 gt-xs').mark('client-counts')
        clients.tooltip(_('browser tabs showing a page · WebSocket API clients'))
        counts = _('tabs: {tabs} · API: {clients}')
        ui.timer(
            2.0, lambda: clients.set_text(counts.format(tabs=browser_tabs(), clients=bot.ws_clients)), immediate=True
        )
        ui.badge(color='white').props('text-color=black').classes('text-xs').bind_text_from(
            bot, 'time_notes', backward=lambda notes: notes.get(viewing.code, '')
        ).bind_visibility_from(bot, 'time_note', backward=bool).mark('time-note')
        ui.space()
        with ui.row().classes('gap-0 flex-wrap'):
            for path, label, icon, mark in PAGES:
                ui.button(_(label), icon=icon, on_click=lambda p=path: ui.navigate.to(p)).props(
                    'flat color=white dense'
                ).classes('text-xs').mark(f'nav-{mark}')

        alert_bell(bot)
        AlertToaster(bot)
        language_menu(viewing, language.choose)

        def toggle() -> None:
            dark.toggle()
            app.storage.user['dark'] = dark.value

        ui.button(icon='contrast', on_click=toggle).props('flat round color=white dense').mark('theme-toggle').tooltip(
            _('light/dark')
        )
        if who.kind == 'user':
            ui.label(f'{who.name} · {terms.role(who.role.value)}').classes('text-sm').mark('session-user')
            with ui.element('form').props('method=post action=/logout'):  # a POST: see pages/login
                ui.button(icon='logout').props('type=submit flat round color=white dense').mark('logout').tooltip(
                    _('log out')
                )
        if not who.can_control:
            ui.badge(_('READ-ONLY'), color='grey').mark('read-only-badge')
    with ui.column().classes('w-full max-w-screen-xl mx-auto p-2 sm:p-4 gap-4'):
        yield
