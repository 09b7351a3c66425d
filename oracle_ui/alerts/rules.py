"""What an alert is: its condition (one model per kind), how loud it is, where it goes, and what is shown of it.

Conditions are plain data, validated here; the evaluator (:mod:`.evaluator`) compiles them into incremental
checks. Values that depend on the running system (a traded symbol, a stored channel's name) are checked by the
alert commands.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict

from ..events import SAMPLED_TYPES, TOPIC_OF, ChannelResult, EventType, Topic
from ..i18n import N_
from .operands import OPERAND_PATTERN, parse_operand
from .quiet import CLOCK_TIME, checked_zone, zone_field

Severity = Literal['info', 'warning', 'critical']
SEVERITIES: tuple[Severity, ...] = ('info', 'warning', 'critical')
Level = Literal['above', 'below', 'crosses_above', 'crosses_below', 'crosses']
"""``above``/``below`` fire as soon as the condition holds (also right after the rule is saved); ``crosses_*`` only
when the value moves to the other side of the level after the rule is saved; ``crosses`` each time it moves to
either side. All fire again only after the condition cleared (``crosses``: after the next crossing)."""
_ALIASES = {'>': 'above', '>=': 'above', '<': 'below', '<=': 'below'}
AlertState = Literal['armed', 'triggered', 'cooling_down', 'snoozed', 'disabled']
ALERTABLE_TYPES: tuple[EventType, ...] = tuple(
    t for t in EventType if t not in SAMPLED_TYPES and TOPIC_OF[t] not in (Topic.ALERTS, Topic.AUDIT)
)
"""Event types an ``event`` rule may watch: every stored one but alerts' own (no loops) and audit."""
MAX_CHANNELS = 20


def _alias(value: Any) -> Any:
    return _ALIASES.get(value, value) if isinstance(value, str) else value


LEVELS: tuple[Level, ...] = ('above', 'below', 'crosses_above', 'crosses_below', 'crosses')
Op = Annotated[Level, BeforeValidator(_alias), Field(json_schema_extra={'enum': [*LEVELS, *_ALIASES]})]
PriceOp = Annotated[
    Literal['above', 'below', 'crosses_above', 'crosses_below', 'crosses', 'moves'],
    BeforeValidator(_alias),
    Field(json_schema_extra={'enum': [*LEVELS, 'moves', *_ALIASES]}),
]
CONFIGURED = 'x-oracle-values'
"""The schema key marking a value the configuration decides (the app states it: :mod:`oracle_ui.api.openapi`)."""
TRADED_SYMBOL: JsonDict = {CONFIGURED: 'traded-symbols'}
"""Marks a symbol in the schema: the traded symbols' spellings go there."""
CHARTED_TIMEFRAME: JsonDict = {CONFIGURED: 'charted-timeframes'}
"""Marks a timeframe in the schema; the running app lists the charted timeframes there."""
Symbol = Annotated[str, Field(min_length=1, max_length=41, json_schema_extra=TRADED_SYMBOL)]
Operand = Annotated[str, Field(max_length=60, json_schema_extra={'pattern': OPERAND_PATTERN})]
"""An operand's text; :func:`~.operands.parse_operand` checks it, with a message saying what is wrong."""


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


WHOLE = BeforeValidator(_whole)
"""Put after an integer's bounds in a strict model: it also takes a JSON number with no fraction (``44.0``), as the
schema's ``integer`` does."""


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(N_('must be a finite number'))
    return value


class _Rule(BaseModel):
    model_config = ConfigDict(extra='forbid', frozen=True, strict=True)


class PriceRule(_Rule):
    """A symbol's price crosses a level (``op`` above/below/crosses_*, ``value`` the price), or moves more than
    ``value`` percent within ``window_s`` seconds (``op`` = ``moves``), either way."""

    model_config = ConfigDict(
        json_schema_extra={
            'if': {'properties': {'op': {'const': 'moves'}}, 'required': ['op']},
            'then': {'properties': {'value': {'maximum': 1000}}},
            'else': {'properties': {'window_s': {'type': 'null'}}},
        }
    )

    kind: Literal['price']
    symbol: Symbol
    op: PriceOp
    value: float = Field(gt=0, le=1e12)
    window_s: float | None = Field(default=None, gt=0, le=7 * 86_400)

    @model_validator(mode='after')
    def _window(self) -> PriceRule:
        if self.op == 'moves':
            if self.window_s is None:
                object.__setattr__(self, 'window_s', 300.0)
            if self.value > 1000:
                raise ValueError(N_('a move is a percentage: value must be at most 1000'))
        elif self.window_s is not None:
            raise ValueError(N_("window_s belongs to op 'moves' only"))
        return self


class IndicatorRule(_Rule):
    """A condition on closed candles of ``timeframe``: ``left`` (an indicator such as ``rsi:14``, ``ema:50``,
    ``bbands:20:2.lower``, ``macd.signal``, or ``close``/``open``/``high``/``low``/``volume``) is above, below
    or crosses ``right`` (a number or another such operand)."""

    kind: Literal['indicator']
    symbol: Symbol
    timeframe: str = Field(default='1m', max_length=10, json_schema_extra=CHARTED_TIMEFRAME)
    left: Operand
    op: Op
    right: float | Operand

    @field_validator('left')
    @classmethod
    def _left(cls, value: str) -> str:
        return parse_operand(value).text

    @field_validator('right')
    @classmethod
    def _right(cls, value: float | str) -> float | str:
        if isinstance(value, str):
            return parse_operand(value).text
        return _finite(value)


class EventRule(_Rule):
    """Any of ``types`` is published (optionally only for ``symbol``)."""

    kind: Literal['event']
    types: list[
        Annotated[
            EventType, Strict(False), WithJsonSchema({'type': 'string', 'enum': [t.value for t in ALERTABLE_TYPES]})
        ]
    ] = Field(min_length=1, max_length=len(ALERTABLE_TYPES))
    symbol: Symbol | None = None

    @field_validator('types')
    @classmethod
    def _types(cls, value: list[EventType]) -> list[EventType]:
        wrong = [t.value for t in value if t not in ALERTABLE_TYPES]
        if wrong:
            raise ValueError(f'cannot alert on {", ".join(wrong)}; choose from {", ".join(ALERTABLE_TYPES)}')
        return list(dict.fromkeys(value))


class AccountRule(_Rule):
    """The account: an open position's unrealized PnL in USDT (``position_pnl``) or in % of its margin
    (``position_pnl_pct``) above or below ``value`` (``symbol``: one position, else any); the equity's drawdown
    from its peak (``drawdown_pct``) or today's loss (``daily_loss_pct``) at or beyond ``value`` percent."""

    model_config = ConfigDict(
        json_schema_extra={
            'if': {'properties': {'metric': {'enum': ['drawdown_pct', 'daily_loss_pct']}}, 'required': ['metric']},
            'then': {
                'properties': {
                    'value': {'exclusiveMinimum': 0, 'maximum': 100},
                    'op': {'const': 'above'},
                    'symbol': {'type': 'null'},
                }
            },
        }
    )

    kind: Literal['account']
    metric: Literal['position_pnl', 'position_pnl_pct', 'drawdown_pct', 'daily_loss_pct']
    op: Literal['above', 'below'] = 'above'
    value: float = Field(ge=-1e12, le=1e12)
    symbol: Symbol | None = None

    @model_validator(mode='after')
    def _percent(self) -> AccountRule:
        if self.metric in ('drawdown_pct', 'daily_loss_pct'):
            if not 0 < self.value <= 100:
                raise ValueError(f'{self.metric} is a percentage: value must be in (0, 100]')
            if self.op != 'above' or self.symbol is not None:
                raise ValueError(f"{self.metric} takes op 'above' and no symbol")
        return self


class HealthRule(_Rule):
    """The bot's health: no price for more than ``seconds`` (``feed_stale``), the bot in its error state
    (``bot_error``), writes to the database failing (``database_failing``)."""

    kind: Literal['health']
    check: Literal['feed_stale', 'bot_error', 'database_failing']
    seconds: float = Field(default=60.0, ge=1, le=86_400)


class SummaryRule(_Rule):
    """A performance summary of the last day (``every`` = ``day``) or week (``week``, on ``weekday``: 0 = Monday
    … 6 = Sunday, default Monday), sent at ``at`` (``HH:MM``) in ``timezone`` (an IANA name)."""

    kind: Literal['summary']
    every: Literal['day', 'week'] = 'day'
    at: str = Field(pattern=CLOCK_TIME)
    weekday: Annotated[int, Field(ge=0, le=6), WHOLE] | None = None
    timezone: str = zone_field()

    @field_validator('timezone')
    @classmethod
    def _zone(cls, value: str) -> str:
        return checked_zone(value)

    @model_validator(mode='after')
    def _weekday(self) -> SummaryRule:
        if self.every == 'week' and self.weekday is None:
            object.__setattr__(self, 'weekday', 0)
        elif self.every == 'day':
            object.__setattr__(self, 'weekday', None)  # a daily summary has no weekday: one given is not used
        return self


Rule = Annotated[
    PriceRule | IndicatorRule | EventRule | AccountRule | HealthRule | SummaryRule, Field(discriminator='kind')
]
RULE: TypeAdapter[Rule] = TypeAdapter(Rule)
Name = Annotated[str, Field(min_length=1, max_length=100)]
CHANNEL_NAME = r'[^ \t\n\r\x0b\x0c/:][^/:]{0,59}'
"""A stored channel's name: no ``/`` or ``:``, no ASCII space first. (Character classes are spelled out: ``\\s``
and ``.`` match different characters in Python's, Rust's (pydantic) and ECMA's (the schema) regular expressions.)"""
APPRISE_URL = r'[A-Za-z0-9]+://[^\x00-\x20\x7f]+'
"""``service://`` and the rest without spaces or control characters."""
ChannelName = Annotated[str, Field(min_length=1, max_length=2000, pattern=f'^(?:{CHANNEL_NAME}|{APPRISE_URL})$')]
"""A stored channel's name, or an Apprise URL (``service://…``)."""
AppriseUrl = Annotated[str, Field(min_length=3, max_length=2000, pattern=f'^{APPRISE_URL}$')]
"""An URL whose scheme names an Apprise service; the service decides whether the rest is usable (else 422)."""


class AlertSpec(BaseModel):
    """A new alert: only ``name`` and ``rule`` are needed. ``channels`` are names of stored channels or Apprise
    URLs (an URL is stored once as a channel, named after its service and host); the in-app inbox always gets it."""

    model_config = ConfigDict(extra='forbid', strict=True)

    name: Name
    rule: Rule
    enabled: bool = True
    severity: Severity = 'warning'
    """``warning`` unless given; a ``summary`` rule's is ``info`` unless given."""
    channels: list[ChannelName] = Field(default_factory=list, max_length=MAX_CHANNELS)
    cooldown_s: float = Field(default=300.0, ge=0, le=30 * 86_400)
    """After firing, it stays quiet this long even if the condition clears and holds again."""

    @model_validator(mode='after')
    def _summary_severity(self) -> AlertSpec:
        if isinstance(self.rule, SummaryRule) and 'severity' not in self.model_fields_set:
            self.severity = 'info'
        return self


class AlertUpdate(BaseModel):
    """A change to an alert: only the fields given change. ``snooze_s`` silences it that long from now (0: wake)."""

    model_config = ConfigDict(extra='forbid', strict=True)

    name: Name | None = None
    rule: Rule | None = None
    enabled: bool | None = None
    severity: Severity | None = None
    channels: list[ChannelName] | None = Field(default=None, max_length=MAX_CHANNELS)
    cooldown_s: float | None = Field(default=None, ge=0, le=30 * 86_400)
    snooze_s: float | None = Field(default=None, ge=0, le=365 * 86_400)


class ChannelRef(BaseModel):
    id: int
    name: str
    masked: str


class Alert(BaseModel):
    """An alert as everyone may see it (channels masked) with its live state."""

    id: int
    name: str
    owner: str
    enabled: bool
    severity: Severity
    rule: Rule
    channels: list[ChannelRef]
    cooldown_s: float
    snoozed_until: float | None
    state: AlertState
    last_triggered: float | None
    """When it last fired (Unix seconds; None: never since the server started)."""
    created_time: float
    updated_time: float


class ChannelSpec(BaseModel):
    """A new channel: a name and an Apprise URL (e.g. ``tgram://BOT_TOKEN/CHAT_ID``, ``mailto://…``,
    ``json://host/path``); ``rate_limit`` messages per ``rate_period_s`` at most, the rest in one digest."""

    model_config = ConfigDict(extra='forbid', strict=True)

    name: Annotated[str, Field(min_length=1, max_length=60, pattern=f'^{CHANNEL_NAME}$')]
    url: AppriseUrl
    rate_limit: Annotated[int, Field(ge=1, le=10_000), WHOLE] = 10
    rate_period_s: float = Field(default=60.0, ge=1, le=86_400)


class ChannelUpdate(BaseModel):
    model_config = ConfigDict(extra='forbid', strict=True)

    name: Annotated[str, Field(min_length=1, max_length=60, pattern=f'^{CHANNEL_NAME}$')] | None = None
    url: AppriseUrl | None = None
    rate_limit: Annotated[int, Field(ge=1, le=10_000), WHOLE] | None = None
    rate_period_s: float | None = Field(default=None, ge=1, le=86_400)


class Channel(BaseModel):
    """A channel as anyone may see it: the URL masked (scheme and host, secrets replaced), how sending went."""

    id: int
    name: str
    masked: str
    service: str
    owner: str
    rate_limit: int
    rate_period_s: float
    sent: int
    failed: int
    last_status: str
    last_error: str
    last_time: float | None
    created_time: float


class SendResult(BaseModel):
    """How sending one message to one channel went."""

    channel: str
    ok: bool
    error: str
    attempts: int
    elapsed_ms: float


class Trigger(BaseModel):
    """One time an alert fired, with each channel's result and who acknowledged it."""

    id: int
    """Its ``alert_triggered`` event's id."""
    alert_id: int
    name: str
    kind: str
    severity: str
    owner: str
    symbol: str | None
    time: float
    value: float | str | None
    message: str
    """What happened, in English (pages write it again in their viewer's language from ``rule``, ``value`` and
    ``detail``)."""
    channels: list[ChannelResult]
    acknowledged_by: str | None
    acknowledged_time: float | None
    rule: dict[str, Any] | None = None
    """The rule's condition as it fired (None for triggers stored before it was kept)."""
    detail: dict[str, Any] | None = None
    """What the message names besides the value (as in the ``alert_triggered`` event)."""


class HistoryPage(BaseModel):
    triggers: list[Trigger]
    total: int
    """Every trigger matching the filters."""
    unread: int
    """Triggers nobody acknowledged yet (all alerts)."""


class Preview(BaseModel):
    """What a rule sees now: whether its condition holds and the value (None: nothing to see yet)."""

    description: str
    holds: bool | None
    value: float | str | None
    text: str


class PriceLine(BaseModel):
    """A price-level alert as a chart draws it."""

    id: int
    name: str
    level: float
    op: str
    state: AlertState


def price_alert_at(symbol: str, level: float) -> PriceRule:
    """The price rule a chart makes at ``level``: the price crossing it, either way."""
    return PriceRule(kind='price', symbol=symbol, op='crosses', value=level)


def moved(rule: PriceRule, level: float) -> PriceRule:
    """``rule`` with its line dragged to ``level``."""
    return rule.model_copy(update={'value': level})
