"""Bot lifecycle: stopped -> starting -> running -> stopping -> stopped, and error.

``start``, ``stop`` and ``restart`` may be called at any time and concurrently: they run one at a time, and
asking for the state the bot is already in succeeds with a message saying so. Stopping stops new trades and
cancels unfilled orders; open positions stay open with their stop-loss, take-profit and liquidation still
enforced, because the market feed keeps running. Close them explicitly (close one / close all) if wanted.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from . import audit
from .accounts import Principal
from .bus import EventBus
from .engine.models import Trade
from .engine.trader import TradingEngine
from .events import BotLifecycle, BotStatusUpdate, EventType

Action = Literal['start', 'stop', 'restart']
ACTIONS: tuple[Action, ...] = ('start', 'stop', 'restart')
READY_TIMEOUT_S = 60.0


class BotState(StrEnum):
    STOPPED = 'stopped'
    STARTING = 'starting'
    RUNNING = 'running'
    STOPPING = 'stopping'
    ERROR = 'error'


@dataclass(slots=True, frozen=True)
class ControlResult:
    """Outcome of a control command (the original API's ``{success, message, action}`` plus ``state``)."""

    success: bool
    message: str
    action: str
    state: BotState


class BotController:
    """Serialized lifecycle commands for one :class:`TradingEngine`."""

    def __init__(self, engine: TradingEngine, bus: EventBus) -> None:
        self.engine = engine
        self.bus = bus
        self.state = BotState.STOPPED
        self.error_message = ''
        self._lock = asyncio.Lock()
        engine.on_feed_stopped = self._feed_stopped

    @contextlib.asynccontextmanager
    async def transition(self) -> AsyncIterator[None]:
        """Hold off start/stop/restart while changing something the bot depends on."""
        async with self._lock:
            yield

    @property
    def is_busy(self) -> bool:
        """A transition is running."""
        return self._lock.locked()

    def _set(self, state: BotState, reason: str, **details: object) -> None:
        self.state = state
        self.bus.publish(EventType.BOT_STATUS_UPDATE, BotStatusUpdate(status=state.value, details={
            'reason': reason, **details}), source='bot')

    def _lifecycle(self, type_: EventType, reason: str) -> None:
        self.bus.publish(type_, BotLifecycle(status=self.state.value, reason=reason, strategy=self.engine.strategy.name,
                                             symbols=self.engine.symbols), source='bot')

    async def run(self, action: str, *, reason: str, who: Principal | None = None,
                  origin: str = 'internal') -> ControlResult:
        """Run ``action`` (start, stop or restart) for ``who`` (audited; None: the system itself).

        Unknown actions raise ValueError listing the valid ones; a principal without the operator role is refused.
        """
        if action not in ACTIONS:
            raise ValueError(f'unknown action {action!r}; allowed: {", ".join(ACTIONS)}')
        if who is not None and not who.can_control:
            audit.record(self.bus, who=who, action=action, origin=origin, result='denied',
                         details={'reason': 'viewer role'})
            return ControlResult(False, f'forbidden: {who.label} has the viewer role; control needs an operator',
                                 action, self.state)
        async with self._lock:
            if action == 'start':
                result = await self._start(reason)
            elif action == 'stop':
                result = await self._stop(reason)
            else:
                await self._stop(reason)
                result = await self._start(reason)
                if result.success:
                    self._lifecycle(EventType.BOT_RESTARTED, reason)
                    result = ControlResult(True, 'bot restarted', 'restart', self.state)
                else:
                    result = ControlResult(False, result.message, 'restart', self.state)
        if who is not None:
            audit.record(self.bus, who=who, action=action, origin=origin, result='ok' if result.success else 'failed',
                         details={'message': result.message, 'state': result.state.value})
        return result

    def close_positions(self, symbols: list[str] | None, *, who: Principal, origin: str) -> list[Trade]:
        """Close ``symbols``' positions (None: all) at market now, for an operator; audited either way."""
        action = 'close_all' if symbols is None else 'close_position'
        if not who.can_control:
            audit.record(self.bus, who=who, action=action, origin=origin, result='denied',
                         details={'reason': 'viewer role', 'symbols': symbols})
            raise PermissionError(f'forbidden: {who.label} has the viewer role; closing positions needs an operator')
        how = f'closed by {who.label}'
        if symbols is None:
            trades = self.engine.close_all(how)
        else:
            trades = [t for s in symbols if (t := self.engine.close_position(s, how)) is not None]
        audit.record(self.bus, who=who, action=action, origin=origin, result='ok',
                     details={'symbols': symbols, 'closed': [t.id for t in trades]})
        return trades

    async def start(self, reason: str = 'requested', **who: Any) -> ControlResult:
        return await self.run('start', reason=reason, **who)

    async def stop(self, reason: str = 'requested', **who: Any) -> ControlResult:
        return await self.run('stop', reason=reason, **who)

    async def restart(self, reason: str = 'requested', **who: Any) -> ControlResult:
        return await self.run('restart', reason=reason, **who)

    async def _start(self, reason: str) -> ControlResult:
        if self.state is BotState.RUNNING:
            return ControlResult(True, 'bot is already running', 'start', self.state)
        self._set(BotState.STARTING, reason)
        engine = self.engine
        engine.start_feed()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(engine.ready.wait(), READY_TIMEOUT_S)
        if not engine.is_feed_running or not engine.ready.is_set():
            message = f'cannot start: {engine.feed.status_message or "the market feed is not running"}'
            self.error_message = message
            self._set(BotState.ERROR, message)
            return ControlResult(False, message, 'start', self.state)
        engine.is_trading = True
        self.error_message = ''
        self._set(BotState.RUNNING, reason)
        self._lifecycle(EventType.BOT_STARTED, reason)
        return ControlResult(True, 'bot started', 'start', self.state)

    async def _stop(self, reason: str) -> ControlResult:
        if self.state is BotState.STOPPED:
            return ControlResult(True, 'bot is already stopped', 'stop', self.state)
        self._set(BotState.STOPPING, reason)
        self.engine.is_trading = False
        cancelled = self.engine.cancel_pending_orders(f'bot stopped: {reason}')
        self._set(BotState.STOPPED, reason, cancelled_orders=cancelled)
        self._lifecycle(EventType.BOT_STOPPED, reason)
        message = 'bot stopped; open positions keep their stop-loss and take-profit'
        return ControlResult(True, message, 'stop', self.state)

    def _feed_stopped(self, message: str, failed: bool) -> None:
        if self.state in (BotState.RUNNING, BotState.STARTING):
            self.engine.is_trading = False
            self.error_message = message
            self._set(BotState.ERROR if failed else BotState.STOPPED, message)
            if not failed:
                self._lifecycle(EventType.BOT_STOPPED, message)
