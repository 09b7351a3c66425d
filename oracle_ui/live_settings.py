"""Settings that can change while the bot runs (strategy, its parameters, risk limits): validated, applied
between bot transitions, persisted and restored at start-up. Changes go through :mod:`oracle_ui.commands`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic.fields import FieldInfo

from .engine.strategies import STRATEGIES, StrategyError, create_strategy, describe_params
from .errors import CommandError, ErrorKind
from .events import EventType, StrategyUpdate
from .settings import RiskSettings

if TYPE_CHECKING:
    from .system import System

META_KEY = 'runtime_settings'


class RuntimeSettings(BaseModel):
    """The live-changeable part of the settings."""

    model_config = ConfigDict(extra='forbid')

    strategy: str
    strategy_params: dict[str, Any] = Field(default_factory=dict)
    risk: RiskSettings


RiskUpdate = create_model(
    'RiskUpdate',
    __config__=ConfigDict(extra='forbid'),
    __doc__='Risk limits to change; omitted ones stay.',
    **{
        name: (info.annotation | None, FieldInfo.merge_field_infos(info, default=None))
        for name, info in RiskSettings.model_fields.items()
    },
)
"""Every :class:`RiskSettings` field, optional, with the same bounds (so the API schema states them)."""
StrategyName = Literal.__getitem__(tuple(STRATEGIES))


class RuntimeSettingsUpdate(BaseModel):
    """A change: omitted fields stay as they are; ``strategy_params`` (for the same strategy) and ``risk`` are
    merged into the current values. Which parameters are valid depends on the strategy (``GET settings``)."""

    model_config = ConfigDict(extra='forbid')

    strategy: StrategyName | None = None
    strategy_params: dict[str, Any] | None = Field(None, max_length=64)
    risk: RiskUpdate | None = None


def parse_update(**fields: Any) -> RuntimeSettingsUpdate:
    """A :class:`RuntimeSettingsUpdate` from form values; CommandError (INVALID) names each bad field."""
    try:
        return RuntimeSettingsUpdate(**fields)
    except ValidationError as error:
        raise CommandError(
            ErrorKind.INVALID, '; '.join(f'{".".join(str(x) for x in e["loc"])}: {e["msg"]}' for e in error.errors())
        ) from None


def current(system: System) -> RuntimeSettings:
    return RuntimeSettings(
        strategy=system.strategy.name,
        strategy_params=system.strategy.params.model_dump(mode='json'),
        risk=system.engine.risk.settings,
    )


def strategy_catalog() -> dict[str, str]:
    """Every strategy with its parameters and defaults."""
    return {name: describe_params(cls.Params) for name, cls in STRATEGIES.items()}


def validate(system: System, update: RuntimeSettingsUpdate) -> RuntimeSettings:
    """The settings ``update`` would produce; raises CommandError (INVALID) naming the problem."""
    now = current(system)
    name = update.strategy or now.strategy
    base = now.strategy_params if name == now.strategy else {}
    params = _merge(base, update.strategy_params or {})
    try:
        strategy = create_strategy(name, params)
        risk = RiskSettings.model_validate(
            {**now.risk.model_dump(), **(update.risk.model_dump(exclude_unset=True) if update.risk else {})}
        )
    except StrategyError as error:
        raise CommandError(ErrorKind.INVALID, str(error)) from None
    except ValueError as error:
        problems = '; '.join(f'risk.{".".join(str(x) for x in e["loc"])}: {e["msg"]}' for e in error.errors())
        raise CommandError(ErrorKind.INVALID, problems) from None
    return RuntimeSettings(strategy=strategy.name, strategy_params=strategy.params.model_dump(mode='json'), risk=risk)


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` over ``base``, nested dicts (the regime's trend/range parts) merged too."""
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = (
            _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
        )
    return merged


def apply(system: System, settings: RuntimeSettings) -> None:
    """Switch strategy and risk limits in the running engine (no events, no persistence)."""
    engine = system.engine
    if settings.strategy != system.strategy.name or settings.strategy_params != system.strategy.params.model_dump(
        mode='json'
    ):
        system.strategy = create_strategy(settings.strategy, settings.strategy_params)
        engine.set_strategy(system.strategy)
    engine.risk.settings = settings.risk
    system.settings.strategy = settings.strategy
    system.settings.strategy_params = settings.strategy_params
    system.settings.risk = settings.risk


async def change(system: System, update: RuntimeSettingsUpdate) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate, apply (between bot transitions), persist and announce a change; returns the settings before
    and after as JSON. Raises CommandError (INVALID) naming the problem."""
    before = current(system)
    after = validate(system, update)
    async with system.controller.transition():
        apply(system, after)
        system.store.set_meta(META_KEY, after.model_dump_json())
    system.bus.publish(
        EventType.STRATEGY_UPDATE,
        StrategyUpdate(
            strategy=after.strategy,
            params=after.strategy_params,
            symbols=system.engine.symbols,
            timeframe=system.settings.timeframe,
        ),
        source='settings',
    )
    return before.model_dump(mode='json'), after.model_dump(mode='json')


def restore(system: System) -> str:
    """Apply persisted changes at start-up, except fields given explicitly by flags or environment; returns what
    those flags override of the saved settings, in words ('' if nothing)."""
    stored = system.store.get_meta(META_KEY)
    if not stored:
        return ''
    saved = RuntimeSettings.model_validate(json.loads(stored))
    explicit = system.settings.model_fields_set
    merged = RuntimeSettings(
        strategy=system.strategy.name if 'strategy' in explicit else saved.strategy,
        strategy_params=(
            system.strategy.params.model_dump(mode='json')
            if {'strategy', 'strategy_params'} & explicit
            else saved.strategy_params
        ),
        risk=system.settings.risk if 'risk' in explicit else saved.risk,
    )
    apply(system, merged)
    return _overridden(saved, merged)


def _overridden(saved: RuntimeSettings, used: RuntimeSettings) -> str:
    """What the command line or environment changed of the saved settings, and what that means."""
    if saved.strategy != used.strategy:
        what = f'the strategy {used.strategy} (saved on /settings: {saved.strategy})'
    elif saved.strategy_params != used.strategy_params:
        what = f'parameters of {used.strategy} other than the ones saved on /settings'
    else:
        what = ''
    if saved.risk != used.risk:
        what = f'{what} and risk limits' if what else 'risk limits other than the ones saved on /settings'
    if not what:
        return ''
    return (
        f'The command line or environment (--strategy, --param, ORACLE_STRATEGY...) sets {what}: it wins at every '
        'start. Changes saved on /settings apply now, but the next start with those flags uses them again.'
    )


SYMBOLS_KEY = 'symbols'


def saved_symbols(system: System) -> list[str]:
    """Symbols saved for the next start (empty if none)."""
    stored = system.store.get_meta(SYMBOLS_KEY)
    return json.loads(stored) if stored else []


def save_symbols(system: System, symbols: list[str]) -> None:
    """Persist the symbols to trade from the next start."""
    system.store.set_meta(SYMBOLS_KEY, json.dumps(symbols))
