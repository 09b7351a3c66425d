"""``/settings``: strategy, its parameters and risk limits (validated, applied like ``PUT /settings``, persisted),
and the symbols to trade from the next start; labelled with units and descriptions, read-only for viewers."""

from __future__ import annotations

from nicegui import ui

from components.frame import frame
from components.settings_cards import RiskCard, StrategyCard, SymbolsCard
from oracle_ui import live_settings
from oracle_ui.engine.strategies import STRATEGIES
from oracle_ui.errors import CommandError, ErrorKind
from oracle_ui.i18n import _, terms
from oracle_ui.settings import parse_symbols
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(context, '/settings')
    def settings_page() -> None:
        who = page_principal(system)
        current, read_only = live_settings.current(system), not who.can_control
        with frame('Settings', who, context.state.bot):
            if system.overridden is not None:
                ui.label(system.overridden.text()).classes('text-sm text-warning').mark('settings-override')
            if read_only:
                ui.label(_('Read-only: changing settings needs an operator login.')).classes('text-sm opacity-70')
            params = {name: cls.Params for name, cls in STRATEGIES.items()}
            strategy = StrategyCard(params, current.strategy, current.strategy_params, read_only=read_only)
            risk = RiskCard(current.risk, read_only=read_only)
            error = ui.label().classes('text-negative whitespace-pre-wrap').mark('settings-error')
            save = ui.button(
                _('Save and apply'), icon='save', on_click=lambda: save_settings(context, strategy, risk, error)
            )
            save.mark('settings-save').set_enabled(not read_only)
            saved = live_settings.saved_symbols(system) or system.engine.symbols
            SymbolsCard(saved, lambda text: save_symbols(context, text), read_only=read_only)


async def save_settings(context: AppContext, strategy: StrategyCard, risk: RiskCard, error: ui.label) -> None:
    """Validate, apply and persist what the cards hold; a refusal is said under them."""
    if (actor := acting_principal(context)) is None:
        return
    system = context.system
    try:
        update = live_settings.parse_update(
            strategy=strategy.strategy.value, strategy_params=strategy.params.values, risk=risk.values
        )
        applied = await system.commands.change_settings(update, who=actor, origin=origin())
    except CommandError as problem:
        if problem.kind in (ErrorKind.INVALID, ErrorKind.CONFLICT):
            error.set_text(problem.message)
            ui.notify(_('settings not saved: see the message below'), type='negative')
        else:
            ui.notify(problem.message, type='negative')
        return
    error.set_text('')
    text = _('saved and applied: {strategy}, {sizing} sizing')
    ui.notify(
        text.format(strategy=terms.strategy(applied.strategy), sizing=terms.choice(applied.risk.sizing)),
        type='positive',
    )


async def save_symbols(context: AppContext, text: str) -> tuple[str, bool]:
    """Keep the symbols typed for the next start; returns what to say and whether it is a refusal."""
    try:
        chosen = parse_symbols(text)
    except ValueError as problem:
        return str(problem), True
    if (actor := acting_principal(context)) is None:
        return _('your session has expired'), True
    try:
        await context.system.commands.save_symbols(chosen, who=actor, origin=origin())
    except CommandError as problem:
        return problem.message, True
    return _('saved: {symbols} — restart the app to trade them').format(symbols=', '.join(chosen)), False
