"""Settings that can change while the bot runs (strategy, its parameters, risk limits): validated, applied
between bot transitions, persisted and restored at start-up. Changes go through :mod:`oracle_ui.commands`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo

from .engine.strategies import STRATEGIES, StrategyError, create_strategy, describe_params
from .errors import CommandError, ErrorKind
from .events import EventType, StrategyUpdate
from .i18n import N_, _
from .i18n.validation import errors_text
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


class RiskUpdate(RiskSettings):
    """Risk limits to change: every :class:`RiskSettings` field with its bounds, each optional (omitted ones stay;
    ``null`` is not a value, so the schema says what the server accepts)."""

    @model_validator(mode='before')
    @classmethod
    def _numbers(cls, data: Any) -> Any:
        return _json_numbers(data, text_fields=frozenset({'sizing'})) if isinstance(data, dict) else data


def _json_numbers(data: Any, *, text_fields: frozenset[str] = frozenset(), where: str = '') -> Any:
    """Refuse what JSON Schema does not call a number where one is expected (``true``, ``"5"``; pydantic's lax mode
    would take them), but take ``305.0`` for an integer as JSON Schema does; JSON arrays become tuples."""
    if isinstance(data, dict):
        return {k: v if k in text_fields else _json_numbers(v, where=f'{where}{k}') for k, v in data.items()}
    if isinstance(data, list | tuple):
        return tuple(_json_numbers(v, where=f'{where}[{i}]') for i, v in enumerate(data))
    if isinstance(data, bool | str):
        raise ValueError(f'{where}: {data!r} is not a number')
    return data


class PartialParams(BaseModel):
    """Base of the parameter changes: every value a number (or a tuple of them)."""

    model_config = ConfigDict(extra='forbid', frozen=True)

    @model_validator(mode='before')
    @classmethod
    def _numbers(cls, data: Any) -> Any:
        return _json_numbers(data) if isinstance(data, dict) else data


def partial(model: type[BaseModel]) -> type[BaseModel]:
    """``model``'s fields with their types and bounds, each optional and not nullable (a nested model becomes
    its own partial), without the checks that relate fields to each other: those need the values a change is
    merged into, so the server answers them with 409."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if isinstance(info.default, BaseModel):
            nested = partial(type(info.default))
            fields[name] = (nested, Field(default_factory=nested, description=info.description))
        else:
            fields[name] = (info.annotation, FieldInfo.merge_field_infos(info))
    doc = f'A change of {model.__name__}.'
    return create_model(f'{model.__name__}Update', __base__=PartialParams, __doc__=doc, **fields)


def _settings_update(name: str | None, params: Any) -> type[BaseModel]:
    label = ''.join(part.capitalize() for part in (name or 'current_strategy').split('_'))
    doc = (
        f'Switch to {name} (its parameters given are merged into its defaults) and/or change risk limits.'
        if name
        else "Change the running strategy's parameters (merged into the current ones) and/or risk limits."
    )
    strategy_type: Any = Literal[name] if name else None
    return create_model(
        f'{label}SettingsUpdate',
        __config__=ConfigDict(extra='forbid'),
        __doc__=doc,
        strategy=(strategy_type, Field(...) if name else None),
        strategy_params=(params | None, None),
        risk=(RiskUpdate | None, None),
    )


def _variant(data: Any) -> str:
    strategy = data.get('strategy') if isinstance(data, dict) else getattr(data, 'strategy', None)
    return strategy if isinstance(strategy, str) else CURRENT


CURRENT = 'current'
_PARTIAL_PARAMS = {name: partial(cls.Params) for name, cls in STRATEGIES.items()}
_UPDATES: list[Any] = [Annotated[_settings_update(name, p), Tag(name)] for name, p in _PARTIAL_PARAMS.items()]
_UPDATES.append(Annotated[_settings_update(None, Union.__getitem__(tuple(_PARTIAL_PARAMS.values()))), Tag(CURRENT)])
_UNKNOWN = 'strategy: Input should be ' + ', '.join(f"'{n}'" for n in STRATEGIES)
RuntimeSettingsUpdate: Any = Annotated[
    Union.__getitem__(tuple(_UPDATES)),
    Discriminator(_variant, custom_error_type='unknown_strategy', custom_error_message=_UNKNOWN),
]
"""A change: omitted fields stay as they are; ``strategy_params`` and ``risk`` are merged into the current
values. Each strategy's parameters are typed with their bounds; values that conflict with each other or with the
current settings (``fast`` not below ``slow``, another strategy's parameters) are answered with 409."""
_update = TypeAdapter(RuntimeSettingsUpdate)


class SettingsChange(Protocol):
    """What every variant of :data:`RuntimeSettingsUpdate` holds."""

    strategy: str | None
    strategy_params: BaseModel | None
    risk: RiskUpdate | None


def parse_update(**fields: Any) -> SettingsChange:
    """A :data:`RuntimeSettingsUpdate` from form values; CommandError (INVALID) names each bad field."""
    try:
        change: SettingsChange = _update.validate_python({k: v for k, v in fields.items() if v is not None})
        return change
    except ValidationError as error:
        errors = error.errors()  # [0] of each location: the variant
        raise CommandError(ErrorKind.INVALID, lambda: errors_text(errors, skip=1, whole='settings')) from None


def current(system: System) -> RuntimeSettings:
    return RuntimeSettings(
        strategy=system.strategy.name,
        strategy_params=system.strategy.params.model_dump(mode='json'),
        risk=system.engine.risk.settings,
    )


def strategy_catalog() -> dict[str, str]:
    """Every strategy with its parameters and defaults."""
    return {name: describe_params(cls.Params) for name, cls in STRATEGIES.items()}


def validate(system: System, update: SettingsChange) -> RuntimeSettings:
    """The settings ``update`` would produce; raises CommandError naming the problem: CONFLICT when values that
    are each valid conflict with each other or with the current settings, INVALID otherwise."""
    now = current(system)
    name = update.strategy or now.strategy
    base = now.strategy_params if name == now.strategy else {}
    given = update.strategy_params.model_dump(exclude_unset=True) if update.strategy_params is not None else {}
    params = _merge(base, given)
    try:
        strategy = create_strategy(name, params)
        risk = RiskSettings.model_validate(
            {**now.risk.model_dump(), **(update.risk.model_dump(exclude_unset=True) if update.risk else {})}
        )
    except StrategyError as error:
        raise CommandError(ErrorKind.CONFLICT, str(error)) from None
    except ValidationError as error:
        errors = error.errors()
        raise CommandError(ErrorKind.INVALID, lambda: errors_text(errors, prefix='risk.')) from None
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


async def change(system: System, update: SettingsChange) -> tuple[dict[str, Any], dict[str, Any]]:
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


def restore(system: System) -> Overridden | None:
    """Apply persisted changes at start-up, except fields given explicitly by flags or environment; returns what
    those flags override of the saved settings (None if nothing)."""
    stored = system.store.get_meta(META_KEY)
    if not stored:
        return None
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
    return Overridden.of(saved, merged)


OVERRIDES = {
    ('strategy', False): N_('the strategy {strategy} (saved on /settings: {saved})'),
    ('strategy', True): N_('the strategy {strategy} (saved on /settings: {saved}) and risk limits'),
    ('params', False): N_('parameters of {strategy} other than the ones saved on /settings'),
    ('params', True): N_('parameters of {strategy} other than the ones saved on /settings and risk limits'),
    ('', True): N_('risk limits other than the ones saved on /settings'),
}
"""What flags or environment set, by (what of the strategy differs, whether the risk limits do too)."""


@dataclass(frozen=True, slots=True)
class Overridden:
    """What the command line or environment changed of the settings saved on /settings: kept as data and said in
    the current language by :meth:`text` (the start-up log in English, ``/settings`` in its viewer's)."""

    strategy: str
    """The strategy used (its name, as ``--strategy`` takes it)."""
    saved: str
    """The strategy saved on /settings."""
    which: Literal['strategy', 'params', '']
    """What of the strategy differs from the saved one: the strategy, only its parameters, or nothing."""
    risk: bool
    """The risk limits differ too."""

    @classmethod
    def of(cls, saved: RuntimeSettings, used: RuntimeSettings) -> Overridden | None:
        """What ``used`` changed of ``saved`` (None: nothing)."""
        if saved.strategy != used.strategy:
            which: Literal['strategy', 'params', ''] = 'strategy'
        elif saved.strategy_params != used.strategy_params:
            which = 'params'
        else:
            which = ''
        risk = saved.risk != used.risk
        return cls(used.strategy, saved.strategy, which, risk) if which or risk else None

    def text(self) -> str:
        """What the flags set and what that means, in the current language."""
        what = _(OVERRIDES[self.which, self.risk]).format(strategy=self.strategy, saved=self.saved)
        # TRANSLATORS: {what} is one of the "the strategy ... / parameters of ... / risk limits ..." phrases
        return _(
            'The command line or environment (--strategy, --param, ORACLE_STRATEGY...) sets {what}: it wins at every '
            'start. Changes saved on /settings apply now, but the next start with those flags uses them again.'
        ).format(what=what)


SYMBOLS_KEY = 'symbols'


def saved_symbols(system: System) -> list[str]:
    """Symbols saved for the next start (empty if none)."""
    stored = system.store.get_meta(SYMBOLS_KEY)
    return json.loads(stored) if stored else []


def save_symbols(system: System, symbols: list[str]) -> None:
    """Persist the symbols to trade from the next start."""
    system.store.set_meta(SYMBOLS_KEY, json.dumps(symbols))
