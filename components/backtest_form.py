"""The backtest run form: strategy and its parameters, data, cash, commission, sizing and the number it reads, bars
per year; :meth:`BacktestForm.configure` turns it into a strategy and a config."""

from __future__ import annotations

from functools import partial
from typing import Any

from nicegui import ui

from components.param_form import ParamForm
from oracle_ui.backtest import SIZINGS, BacktestConfig
from oracle_ui.engine.strategies import STRATEGIES, Strategy, create_strategy
from oracle_ui.i18n import _, terms
from oracle_ui.settings import RiskSettings

SIZING_FIELDS = {'fixed': 'margin', 'percent': 'margin_pct', 'risk': 'risk_pct', 'all-in': None}
"""Which number each sizing reads."""


def reads(field: str, sizing: str) -> bool:
    """Whether ``sizing`` reads the number ``field``."""
    return SIZING_FIELDS[sizing] == field


def must_be_positive(value: Any) -> str | None:
    """A number field's check: the error under it, or None."""
    return None if isinstance(value, int | float) and value > 0 else _('must be positive')


def must_be_a_commission(value: Any) -> str | None:
    return None if isinstance(value, int | float) and 0 <= value < 0.5 else _('a fraction in [0, 0.5)')


class BacktestForm:
    """The form's inputs, built where it is created; sizing defaults to the live ``risk`` settings.

    :param choices: the data picker's options, {choice: label}
    :param default: the choice picked first
    """

    def __init__(self, choices: dict[str, str], default: str, risk: RiskSettings) -> None:
        self.risk = risk
        with ui.row().classes('items-start gap-3 flex-wrap'):
            names = {name: terms.strategy(name) for name in STRATEGIES}
            self.strategy = ui.select(names, value='sma_cross', label=_('Strategy')).classes('w-48')
            self.strategy.mark('bt-strategy')
            self.data = ui.select(choices, value=default, label=_('Data')).classes('w-72').mark('bt-data')
            self.cash = ui.number(_('Cash'), value=10_000, validation=must_be_positive).classes('w-32')
            self.cash.mark('bt-cash')
            self.commission = ui.number(
                _('Commission'),
                value=0.001,
                step=0.0001,
                validation=must_be_a_commission,
            ).classes('w-32')
            self.commission.mark('bt-commission')
            sizings = {sizing: terms.choice(sizing) for sizing in SIZINGS}
            self.sizing = ui.select(sizings, value=risk.sizing, label=_('Sizing')).classes('w-28')
            self.sizing.mark('bt-sizing')
            self.amounts = self._amounts()
            self.per_year = ui.number(_('Bars / year'), value=None, placeholder=_('from the bars')).classes('w-32')
            self.per_year.props('clearable').tooltip(_('for annualised metrics: e.g. 252 for daily stock bars'))
            self.per_year.mark('bt-periods')
        ui.label(
            _(
                "Sizing defaults to the live settings ({sizing}); all-in buys whole units at the signal's leverage."
            ).format(sizing=terms.choice(risk.sizing))
        ).classes('text-xs opacity-70')
        self.params_box = ui.column().classes('w-full')
        self.strategy.on_value_change(self.show_params)
        self.show_params()

    def _amounts(self) -> dict[str, ui.number]:
        """The number each sizing reads, shown only while that sizing is picked."""
        risk = self.risk
        margin_pct = _('Margin {percent} of free').format(percent='%')
        amounts = {
            'margin': ui.number(_('Margin / trade'), value=risk.fixed_margin, validation=must_be_positive),
            'margin_pct': ui.number(margin_pct, value=risk.margin_pct, validation=must_be_positive),
            'risk_pct': ui.number(_('Risk % at stop'), value=risk.risk_pct, validation=must_be_positive),
        }
        for key, field in amounts.items():
            field.classes('w-32').mark(f'bt-{key}')
            field.bind_visibility_from(self.sizing, 'value', backward=partial(reads, key))
        return amounts

    def show_params(self) -> None:
        """The chosen strategy's parameters, with their defaults."""
        self.params_box.clear()
        with self.params_box:
            self.params = ParamForm(STRATEGIES[self.strategy.value].Params)

    def configure(self) -> tuple[Strategy, BacktestConfig]:
        """The strategy and config the form says; ValueError naming the fields to fix (StrategyError, TypeError for
        bad parameters)."""
        fields = [self.cash, self.commission, *(f for f in self.amounts.values() if f.visible)]
        bad = [f.props.get('label', '') for f in fields if not f.validate()]
        if bad:
            raise ValueError(_('fix {fields}: see the message under each').format(fields=', '.join(bad)))
        chosen = create_strategy(self.strategy.value, self.params.values)
        amounts, risk = self.amounts, self.risk
        config = BacktestConfig(
            cash=float(self.cash.value),
            commission=float(self.commission.value),
            sizing=self.sizing.value,
            fixed_margin=float(amounts['margin'].value or risk.fixed_margin),
            margin_pct=float(amounts['margin_pct'].value or risk.margin_pct),
            risk_pct=float(amounts['risk_pct'].value or risk.risk_pct),
            periods_per_year=float(self.per_year.value) if self.per_year.value else None,
        )
        return chosen, config
