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
from typing import Literal

from .bus import EventBus
from .engine.trader import TradingEngine
from .events import BotLifecycle, BotStatusUpdate, EventType
from .i18n import N_

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
    """Outcome of a control command (the original API's ``{success, message, action}`` plus ``state``); the
    message is English (the API's), its fixed ones marked for the catalog so that pages show them translated."""

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
        self.bus.publish(
            EventType.BOT_STATUS_UPDATE,
            BotStatusUpdate(status=state.value, details={'reason': reason, **details}),
            source='bot',
        )

    def _lifecycle(self, type_: EventType, reason: str) -> None:
        self.bus.publish(
            type_,
            BotLifecycle(
                status=self.state.value, reason=reason, strategy=self.engine.strategy.name, symbols=self.engine.symbols
            ),
            source='bot',
        )

    async def run(self, action: Action, *, reason: str) -> ControlResult:
        """Run ``action`` (start, stop or restart), one transition at a time.

        Callers go through :class:`oracle_ui.commands.Commands`, which checks the role and audits.
        """
        async with self._lock:
            if action == 'start':
                return await self._start(reason)
            if action == 'stop':
                return await self._stop(reason)
            await self._stop(reason)
            result = await self._start(reason)
            if not result.success:
                return ControlResult(False, result.message, 'restart', self.state)
            self._lifecycle(EventType.BOT_RESTARTED, reason)
            return ControlResult(True, N_('bot restarted'), 'restart', self.state)

    async def start(self, reason: str = 'requested') -> ControlResult:
        return await self.run('start', reason=reason)

    async def stop(self, reason: str = 'requested') -> ControlResult:
        return await self.run('stop', reason=reason)

    async def _start(self, reason: str) -> ControlResult:
        if self.state is BotState.RUNNING:
            return ControlResult(True, N_('bot is already running'), 'start', self.state)
        self._set(BotState.STARTING, reason)
        engine = self.engine
        engine.start_feed()
        if not await engine.wait_ready(READY_TIMEOUT_S) or not engine.is_feed_running:
            message = f'cannot start: {engine.feed.status_message or "the market feed is not running"}'
            self.error_message = message
            self._set(BotState.ERROR, message)
            return ControlResult(False, message, 'start', self.state)
        engine.is_trading = True
        self.error_message = ''
        self._set(BotState.RUNNING, reason)
        self._lifecycle(EventType.BOT_STARTED, reason)
        return ControlResult(True, N_('bot started'), 'start', self.state)

    async def _stop(self, reason: str) -> ControlResult:
        if self.state is BotState.STOPPED:
            return ControlResult(True, N_('bot is already stopped'), 'stop', self.state)
        self._set(BotState.STOPPING, reason)
        self.engine.is_trading = False
        cancelled = self.engine.cancel_pending_orders(f'bot stopped: {reason}')
        self._set(BotState.STOPPED, reason, cancelled_orders=cancelled)
        self._lifecycle(EventType.BOT_STOPPED, reason)
        message = N_('bot stopped; open positions keep their stop-loss and take-profit')
        return ControlResult(True, message, 'stop', self.state)

    def _feed_stopped(self, message: str, failed: bool) -> None:
        if self.state in (BotState.RUNNING, BotState.STARTING):
            self.engine.is_trading = False
            self.error_message = message
            self._set(BotState.ERROR if failed else BotState.STOPPED, message)
            if not failed:
                self._lifecycle(EventType.BOT_STOPPED, message)
