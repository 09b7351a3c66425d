"""``/settings``: strategy, its parameters and risk limits (validated, applied like ``PUT /settings``,
persisted), and the symbols to trade from the next start."""

from __future__ import annotations

from nicegui import ui

from components.frame import frame
from components.param_form import ParamForm
from oracle_ui import live_settings
from oracle_ui.engine.strategies import STRATEGIES
from oracle_ui.errors import CommandError, ErrorKind
from oracle_ui.settings import RiskSettings, parse_symbols
from oracle_ui.web.context import AppContext
from oracle_ui.web.session import acting_principal, guarded_page, origin, page_principal

RISK_FIELDS = ('fixed_margin', 'margin_pct', 'risk_pct', 'max_positions', 'max_daily_loss_pct')


def register(context: AppContext) -> None:
    system = context.system

    @guarded_page(system, '/settings')
    def settings_page() -> None:
        who = page_principal(system)
        current = live_settings.current(system)
        with frame('Settings', who, context.state.bot):
            with ui.card().classes('w-full'):
                ui.label('Strategy').classes('text-lg')
                strategy = (
                    ui.select(list(STRATEGIES), value=current.strategy, label='Strategy')
                    .classes('w-56')
                    .mark('settings-strategy')
                )
                params_box = ui.column().classes('w-full')
                form: dict[str, ParamForm] = {}

                def show_params() -> None:
                    params_box.clear()
                    values = current.strategy_params if strategy.value == current.strategy else {}
                    with params_box:
                        form['params'] = ParamForm(STRATEGIES[strategy.value].Params, values)

                strategy.on_value_change(show_params)
                show_params()
            with ui.card().classes('w-full'):
                ui.label('Risk').classes('text-lg')
                with ui.grid().classes('w-full gap-2 grid-cols-2 md:grid-cols-3'):
                    sizing = ui.select(['fixed', 'percent', 'risk'], value=current.risk.sizing, label='Sizing').mark(
                        'risk-sizing'
                    )
                    risk_inputs = {
                        name: ui.number(name, value=getattr(current.risk, name)).mark(f'risk-{name}')
                        for name in RISK_FIELDS
                    }
                ui.label(
                    'fixed: margin per trade in USDT · percent: margin as % of free balance · risk: % of '
                    'equity lost at the stop-loss'
                ).classes('text-xs opacity-70')
            error = ui.label().classes('text-negative whitespace-pre-wrap').mark('settings-error')

            async def save() -> None:
                risk = {'sizing': sizing.value, **{k: v.value for k, v in risk_inputs.items()}}
                if isinstance(risk['max_positions'], float) and risk['max_positions'].is_integer():
                    risk['max_positions'] = int(risk['max_positions'])
                if (actor := acting_principal(system)) is None:
                    return
                try:
                    update = live_settings.parse_update(
                        strategy=strategy.value, strategy_params=form['params'].values, risk=risk
                    )
                    applied = await system.commands.change_settings(update, who=actor, origin=origin())
                except CommandError as problem:
                    if problem.kind in (ErrorKind.INVALID, ErrorKind.CONFLICT):
                        error.set_text(problem.message)
                        ui.notify('settings not saved: see the message below', type='negative')
                    else:
                        ui.notify(problem.message, type='negative')
                    return
                error.set_text('')
                ui.notify(f'saved and applied: {applied.strategy}, {applied.risk.sizing} sizing', type='positive')

            ui.button('Save and apply', icon='save', on_click=save).mark('settings-save').set_enabled(who.can_control)
            if not who.can_control:
                ui.label('read-only view: changing settings needs an operator login').classes('text-sm opacity-70')

            with ui.card().classes('w-full'):
                ui.label('Symbols (from the next start)').classes('text-lg')
                saved = live_settings.saved_symbols(system) or system.engine.symbols
                symbols = ui.input('Symbols', value=','.join(saved)).classes('w-full').mark('settings-symbols')
                symbols_note = ui.label().classes('text-sm').mark('symbols-note')

                def save_symbols() -> None:
                    try:
                        chosen = parse_symbols(symbols.value or '')
                    except ValueError as problem:
                        symbols_note.set_text(str(problem))
                        symbols_note.classes(replace='text-sm text-negative')
                        return
                    if (actor := acting_principal(system)) is None:
                        return
                    try:
                        system.commands.save_symbols(chosen, who=actor, origin=origin())
                    except CommandError as problem:
                        ui.notify(problem.message, type='negative')
                        return
                    symbols_note.set_text(f'saved: {", ".join(chosen)} — restart the app to trade them')
                    symbols_note.classes(replace='text-sm text-positive')

                ui.button('Save symbols', icon='save', on_click=save_symbols).mark('symbols-save').set_enabled(
                    who.can_control
                )
            ui.label(f'Risk defaults: {RiskSettings().model_dump()}').classes('text-xs opacity-50')
