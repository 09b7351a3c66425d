"""Alert rules checked as the bus delivers events: a synchronous sink, so nothing is ever dropped or late, and
cheap enough for every tick (only the rules a tick can change are looked at; ``benchmarks/alerts.py``).

Every rule is a condition that holds or not; it fires when it starts to hold (``above``/``below`` also when it
already holds on its first value; ``crosses_*`` and every rule restored at start-up only on a change), not
again until it cleared, never within its cooldown of the last firing, and not while snoozed. Event rules fire
on each matching event, within the same cooldown. Firings go to ``on_fire``; the evaluator sends nothing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from typing import Any

from ..clock import Clock
from ..engine.models import Candle
from ..events import (
    BotError,
    BotStatusUpdate,
    CandleClosed,
    Event,
    EventType,
    HealthUpdate,
    Notification,
    PnlUpdate,
    PortfolioUpdate,
    PositionInfo,
    PriceUpdate,
    TradeInfo,
)
from ..summaries import summarize
from .conditions import (
    WARMUP_CANDLES,
    CandleSource,
    account_reading,
    applies,
    health_reading,
    indicator_condition,
    indicator_reading,
    level_symbol,
    operands,
    position_reading,
    price_reading,
)
from .rules import AccountRule, EventRule, HealthRule, IndicatorRule, PriceRule, Rule
from .states import Firing, RuleState, Watch
from .watch import IndicatorFeed, LevelBook, MoveWindow, OpenPosition

log = logging.getLogger(__name__)
_BASE_TYPES = frozenset({EventType.PRICE_UPDATE, EventType.POSITION_OPENED, EventType.POSITION_CLOSED})


class AlertEvaluator:
    """Checks enabled rules against the events the bus hands it (``bus.add_sink(evaluator)``).

    :param on_fire: called with each firing, synchronously: it must only enqueue
    :param candles: stored closed candles, to warm indicators up
    :param clock: the time cooldowns, snoozes and the feed's staleness are measured in
    """

    def __init__(self, *, on_fire: Callable[[Firing], None], candles: CandleSource, clock: Clock) -> None:
        self.on_fire = on_fire
        self.candles = candles
        self.clock = clock
        self.states: dict[int, RuleState] = {}
        self.prices: dict[str, float] = {}
        self.last_tick_time = clock.time()
        """Clock time of the last price (or of start-up): how stale the feed is."""
        self.positions: dict[str, OpenPosition] = {}
        self.equity_peak = 0.0
        self.equity = math.nan
        self.daily_loss_pct = math.nan
        self.bot_state = ''
        self.database_failing = False
        self._levels: dict[str, LevelBook[RuleState]] = {}
        self._windows: dict[str, dict[float, MoveWindow[RuleState]]] = {}
        self._feeds: dict[tuple[str, str], IndicatorFeed] = {}
        self._indicator_rules: dict[tuple[str, str], list[RuleState]] = {}
        self._position_rules: list[RuleState] = []
        self._account_rules: list[RuleState] = []
        self._health_rules: list[RuleState] = []
        self._stale_rules: list[RuleState] = []
        self._stale_holding = False
        self._event_rules: dict[EventType, list[RuleState]] = {}
        self._wanted: frozenset[EventType] = _BASE_TYPES
        self.on_watchdog_replan: Callable[[], None] | None = None
        """Called when the feed watchdog must plan again: rules were added or removed, or a price ended a stale
        feed (its ``feed_stale`` rules can fire again)."""

    # ---- the sink ----------------------------------------------------------------------------------------
    def wants(self, event: Event) -> bool:
        return event.type in self._wanted and not event.test

    def put(self, event: Event) -> None:
        """Check the rules ``event`` can change; an error is logged, never raised into the publisher."""
        try:
            if event.type is EventType.PRICE_UPDATE:
                payload = event.payload
                if isinstance(payload, PriceUpdate):
                    self._on_price(payload.symbol, payload.price, payload.timestamp)
            else:
                self._on_other(event)
        except Exception:
            log.exception('alert evaluation failed on %s', event.type)

    def _on_price(self, symbol: str, price: float, market_time: float) -> None:
        self.last_tick_time = self.clock.time()
        before = self.prices.get(symbol)
        self.prices[symbol] = price
        book = self._levels.get(symbol)
        if book is not None:
            if before is None:
                self._settle(s for s in self.states.values() if level_symbol(s) == symbol)
            else:
                on, off = book.moved(before, price)
                for state in off:
                    self._became(state, False, price)
                for state in on:
                    self._became(state, True, price)
        for window in self._windows.get(symbol, {}).values():
            on, off = window.update(market_time, price)
            for state in off:
                state.holds = False
            for state in on:
                self._became(state, True, window.move_pct, price=price)
        if self._position_rules and symbol in self.positions:
            self._check_positions(symbol)
        if self._stale_holding:  # a price: the feed is not stale any more
            self._stale_holding = False
            for state in self._stale_rules:
                state.holds = False
            self._replan_watchdog()

    def _on_other(self, event: Event) -> None:
        payload = event.payload
        if isinstance(payload, CandleClosed):
            self._on_candle(payload)
        elif isinstance(payload, PositionInfo) and event.type is EventType.POSITION_OPENED:
            self.positions[payload.symbol] = OpenPosition.of(payload)
            self._check_positions(payload.symbol)
        elif isinstance(payload, TradeInfo) and event.type is EventType.POSITION_CLOSED:
            if self.positions.pop(payload.symbol, None) is not None:
                self._check_positions(payload.symbol)
        elif isinstance(payload, PnlUpdate | PortfolioUpdate):
            self._on_equity(payload)
        elif isinstance(payload, BotStatusUpdate):
            self.bot_state = payload.status
            self._check_health('bot_error', payload.status == 'error', payload.status)
        elif isinstance(payload, BotError) and payload.component == 'store':
            self.database_failing = True
            self._check_health('database_failing', True, payload.message)
        elif isinstance(payload, Notification) and payload.category == 'store':
            self.database_failing = False
            self._check_health('database_failing', False, payload.message)
        elif isinstance(payload, HealthUpdate):
            self.database_failing = payload.database == 'failing'
            self._check_health('database_failing', self.database_failing, payload.database)
        for state in self._event_rules.get(event.type, ()):
            self._on_event(state, event)

    # ---- firing ------------------------------------------------------------------------------------------
    def _became(self, state: RuleState, holds: bool, value: float | str | None, **detail: Any) -> None:
        """The condition now holds or not; fire on a change to holding (or on a first value that holds)."""
        before = state.holds
        state.holds = holds
        state.last_value = value
        if getattr(state.watch.rule, 'op', '') == 'crosses':  # either way: every change of side fires
            if before is not None and before != holds:
                self._fire(state, value, **detail)
            return
        if not holds or before is True:
            return
        if before is None and state.needs_change:
            return
        self._fire(state, value, **detail)

    def _fire(self, state: RuleState, value: float | str | None, **detail: Any) -> None:
        watch, now = state.watch, self.clock.time()
        state.last_value = value
        cooling = state.last_fired is not None and now - state.last_fired < watch.cooldown_s
        if cooling or (watch.snoozed_until is not None and now < watch.snoozed_until):
            state.suppressed += 1
            return
        state.last_fired = now
        symbol = getattr(watch.rule, 'symbol', None) or detail.pop('symbol', None)
        self.on_fire(
            Firing(alert_id=watch.alert_id, rule=watch.rule, value=value, time=now, symbol=symbol, detail=detail)
        )

    def _settle(self, states: Iterable[RuleState]) -> None:
        """Give rules their first value (a new rule, or the first price since start-up)."""
        for state in states:
            result = self.current(state.watch.rule)
            if result is not None:
                holds, value, detail = result
                self._became(state, holds, value, **detail)
                self._stale_holding |= holds and state in self._stale_rules

    # ---- rules -------------------------------------------------------------------------------------------
    def set_rules(self, watches: Iterable[Watch]) -> None:
        """Replace every rule with ``watches`` (at start-up): conditions already holding do not fire."""
        for alert_id in list(self.states):
            self._drop(alert_id)
        states = [self._add(watch, needs_change=True) for watch in watches]
        self._rules_changed()
        self._settle(s for s in states if not isinstance(s.watch.rule, EventRule))

    def add(self, watch: Watch) -> None:
        """Add (or replace) one enabled rule; it fires at once if it is an above/below condition that holds."""
        previous = self.states.get(watch.alert_id)
        if previous is not None and previous.watch.rule == watch.rule:  # same condition: keep its state
            previous.watch = watch
            return
        self._drop(watch.alert_id)
        rule = watch.rule
        crossing = getattr(rule, 'op', '').startswith('crosses')
        state = self._add(watch, needs_change=crossing)
        self._rules_changed()
        if not isinstance(rule, EventRule):
            self._settle([state])

    def remove(self, alert_id: int) -> None:
        self._drop(alert_id)
        self._rules_changed()

    def _add(self, watch: Watch, *, needs_change: bool) -> RuleState:
        state = RuleState(watch, needs_change=needs_change)
        self.states[watch.alert_id] = state
        rule = watch.rule
        if isinstance(rule, PriceRule) and rule.op == 'moves':
            window_s = float(rule.window_s or 0)
            windows = self._windows.setdefault(rule.symbol, {})
            windows.setdefault(window_s, MoveWindow(window_s)).add(rule.value, state)
        elif isinstance(rule, PriceRule):
            rising = rule.op in ('above', 'crosses_above', 'crosses')
            self._levels.setdefault(rule.symbol, LevelBook()).add(rule.value, state, rising=rising)
        elif isinstance(rule, IndicatorRule):
            self._add_indicator(rule, state)
        elif isinstance(rule, AccountRule):
            rules = self._position_rules if rule.metric.startswith('position') else self._account_rules
            rules.append(state)
        elif isinstance(rule, HealthRule):
            self._health_rules.append(state)
            if rule.check == 'feed_stale':
                self._stale_rules.append(state)
        elif isinstance(rule, EventRule):
            for type_ in rule.types:
                self._event_rules.setdefault(type_, []).append(state)
        return state

    def _drop(self, alert_id: int) -> None:
        state = self.states.pop(alert_id, None)
        if state is None:
            return
        for book in self._levels.values():
            book.remove(state)
        for windows in self._windows.values():
            for window in windows.values():
                window.remove(state)
        for group in (*self._indicator_rules.values(), *self._event_rules.values()):
            if state in group:
                group.remove(state)
        for group in (self._position_rules, self._account_rules, self._health_rules, self._stale_rules):
            if state in group:
                group.remove(state)
        self._levels = {k: v for k, v in self._levels.items() if len(v)}
        self._windows = {s: kept for s, w in self._windows.items() if (kept := {k: v for k, v in w.items() if len(v)})}
        self._indicator_rules = {k: v for k, v in self._indicator_rules.items() if v}
        self._feeds = {k: v for k, v in self._feeds.items() if k in self._indicator_rules}
        self._event_rules = {k: v for k, v in self._event_rules.items() if v}

    def _rules_changed(self) -> None:
        wanted = set(_BASE_TYPES) | set(self._event_rules)
        if self._indicator_rules:
            wanted.add(EventType.CANDLE_CLOSED)
        if self._account_rules:
            wanted |= {EventType.PNL_UPDATE, EventType.PORTFOLIO_UPDATE}
        if self._health_rules:
            wanted |= {EventType.BOT_STATUS_UPDATE, EventType.BOT_ERROR, EventType.NOTIFICATION}
            wanted.add(EventType.HEALTH_UPDATE)
        self._wanted = frozenset(wanted)
        self._replan_watchdog()

    def _replan_watchdog(self) -> None:
        if self.on_watchdog_replan is not None:
            self.on_watchdog_replan()

    # ---- indicators --------------------------------------------------------------------------------------
    def _add_indicator(self, rule: IndicatorRule, state: RuleState) -> None:
        key = (rule.symbol, rule.timeframe)
        needed = {o.indicator.key: o.indicator for o in operands(rule) if o.indicator is not None}
        feed = self._feeds.get(key)
        if feed is None or not needed.keys() <= feed.indicators.keys():
            feed = IndicatorFeed({**(feed.indicators if feed else {}), **needed}.values())
            feed.warm_up(self.candles(rule.symbol, rule.timeframe, WARMUP_CANDLES))
            self._feeds[key] = feed
        self._indicator_rules.setdefault(key, []).append(state)

    def _on_candle(self, closed: CandleClosed) -> None:
        key = (closed.symbol, closed.timeframe)
        feed = self._feeds.get(key)
        if feed is None:
            return
        feed.update(
            Candle(closed.symbol, closed.time, closed.open, closed.high, closed.low, closed.close, closed.volume)
        )
        for state in self._indicator_rules.get(key, ()):
            rule = state.watch.rule
            assert isinstance(rule, IndicatorRule)
            result = indicator_condition(rule, feed)
            if result is not None:
                self._became(state, result[0], result[1], **result[2])

    # ---- account and health ------------------------------------------------------------------------------
    def _check_positions(self, symbol: str) -> None:
        """A price of ``symbol`` or its position changed: check the position rules that cover it."""
        for state in self._position_rules:
            if applies(state, symbol):
                rule = state.watch.rule
                assert isinstance(rule, AccountRule)
                result = position_reading(rule, self.positions, self.prices)
                if result is None:
                    state.holds = False
                else:
                    self._became(state, result[0], result[1], **result[2])

    def _on_equity(self, payload: PnlUpdate | PortfolioUpdate) -> None:
        self.equity = payload.equity
        self.equity_peak = max(self.equity_peak, payload.equity)
        if isinstance(payload, PnlUpdate):
            start = payload.equity - payload.daily_pnl
            self.daily_loss_pct = -100.0 * payload.daily_pnl / start if start > 0 else 0.0
        for state in self._account_rules:
            result = self._account_reading(state.watch.rule)  # type: ignore[arg-type]
            if result is not None:
                self._became(state, result[0], result[1])

    def _account_reading(self, rule: AccountRule) -> tuple[bool, float, dict[str, Any]] | None:
        return account_reading(
            rule, equity_peak=self.equity_peak, equity=self.equity, daily_loss_pct=self.daily_loss_pct
        )

    def _check_health(self, check: str, holds: bool, value: str) -> None:
        for state in self._health_rules:
            if state.watch.rule.check == check:  # type: ignore[union-attr]
                self._became(state, holds, value)

    def stale_feed_deadline(self) -> float | None:
        """When the next ``feed_stale`` rule not yet holding would start to hold (clock time), or None."""
        seconds = [s.watch.rule.seconds for s in self._stale_rules if not s.holds]  # type: ignore[union-attr]
        return self.last_tick_time + min(seconds) if seconds else None

    def check_stale_feed(self) -> None:
        """Fire the ``feed_stale`` rules whose time without a price has passed (the watchdog calls this)."""
        age = self.clock.time() - self.last_tick_time
        for state in self._stale_rules:
            if age > state.watch.rule.seconds - 1e-9:  # type: ignore[union-attr]
                self._stale_holding = True
                self._became(state, True, round(age, 3))

    def fire_scheduled(self, alert_id: int, value: float | str | None, **detail: Any) -> None:
        """A rule the clock triggers (a summary) is due: fire it, within its cooldown and snooze."""
        state = self.states.get(alert_id)
        if state is not None:
            self._fire(state, value, **detail)

    def _on_event(self, state: RuleState, event: Event) -> None:
        rule = state.watch.rule
        assert isinstance(rule, EventRule)
        symbol = event.data.get('symbol')
        if rule.symbol is not None and symbol != rule.symbol:
            return
        detail = {'event_type': event.type.value, 'event_id': event.id, 'event_data': event.data}
        self._fire(state, summarize(event), symbol=symbol, **detail)

    # ---- what a rule sees now ----------------------------------------------------------------------------
    def current(self, rule: Rule) -> tuple[bool, float | str | None, dict[str, Any]] | None:
        """Whether ``rule``'s condition holds now and the value it sees (None: nothing to see yet), for a saved
        rule or one being edited (its indicators are then computed from the stored candles)."""
        if isinstance(rule, PriceRule):
            price = self.prices.get(rule.symbol)
            return None if price is None else price_reading(rule, price, self._windows.get(rule.symbol, {}))
        if isinstance(rule, IndicatorRule):
            return indicator_reading(rule, self._feeds.get((rule.symbol, rule.timeframe)), self.candles)
        if isinstance(rule, AccountRule) and rule.metric.startswith('position'):
            return position_reading(rule, self.positions, self.prices)
        if isinstance(rule, AccountRule):
            return self._account_reading(rule)
        if isinstance(rule, HealthRule):
            age = self.clock.time() - self.last_tick_time
            return health_reading(rule, feed_age=age, bot_state=self.bot_state, database_failing=self.database_failing)
        return None
