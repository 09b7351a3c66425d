"""Start / Stop / Restart, disabled while a transition runs; Stop and Restart ask first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.confirm import confirm
from oracle_ui.i18n import N_, _, pinned, terms
from oracle_ui.web.state import BotView

STOP_DETAIL = N_('Open positions stay open; their stop-loss and take-profit stay enforced.')


def bot_controls(bot: BotView, run: Callable[[str], Awaitable[None]], *, can_control: bool) -> None:
    """The bot's state and, for operators, its controls; ``run(action)`` carries out start, stop or restart."""
    if not can_control:
        with ui.row().classes('items-center gap-2'):
            bot_state = pinned(lambda s: _('Bot {state}').format(state=terms.bot_state(s)))
            ui.label().bind_text_from(bot, 'state', backward=bot_state).classes('text-lg')
            ui.label(_('read-only view: controls need an operator login')).classes('text-sm opacity-70').mark(
                'read-only-note'
            )
        return

    questions = {'stop': (_('Stop the bot?'), _('Stop')), 'restart': (_('Restart the bot?'), _('Restart'))}

    async def confirm_then(action: str) -> None:
        question, button = questions[action]
        if await confirm(
            question, detail=_(STOP_DETAIL) if action == 'stop' else '', action=button, mark=f'confirm-{action}'
        ):
            await run(action)

    with ui.row().classes('items-center gap-2 flex-wrap'):
        ui.button(_('Start'), color='positive', on_click=lambda: run('start')).mark('start-button').bind_enabled_from(
            bot, 'is_busy', backward=lambda busy: not busy
        )
        ui.button(_('Stop'), color='negative', on_click=lambda: confirm_then('stop')).mark(
            'stop-button'
        ).bind_enabled_from(bot, 'is_busy', backward=lambda busy: not busy)
        ui.button(_('Restart'), on_click=lambda: confirm_then('restart')).mark('restart-button').bind_enabled_from(
            bot, 'is_busy', backward=lambda busy: not busy
        )
        ui.label().bind_text_from(bot, 'message').classes('text-negative text-sm').mark('bot-message')
