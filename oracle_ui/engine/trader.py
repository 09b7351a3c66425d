"""The live trading engine: feed -> market state -> strategy -> risk -> broker, recorded and reported.

The feed runs for as long as the app does, so prices stay live and open positions keep their stop-loss,
take-profit and liquidation enforced while the bot is stopped; ``is_trading`` (set by the bot controller)
only decides whether new signals are acted on. Every fill is committed to the store before its events are
published. The jobs are split: :class:`~.market.MarketState` (prices, candles, indicators, regime),
:class:`~.execution.Execution` (signals, orders, broker results) and :class:`~.ledger.Ledger` (the account's
books and persistence); this module runs the feed through them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from ..bus import EventBus
from ..clock import WALL_CLOCK, Clock
from ..events import BotError, EventType, Notification
from ..settings import Settings
from .broker import PaperBroker
from .execution import Execution
from .feed import FeedError, FeedStatus, History, MarketFeed
from .ledger import Ledger
from .market import MarketState, SymbolState
from .models import Candle, Tick, Trade
from .risk import RiskManager
from .storage import EngineStorage
from .strategies import Strategy

log = logging.getLogger(__name__)
HISTORY_CHUNK = 5_000
"""Candles per transaction when the feed's history is stored."""


class TradingEngine:
    """Runs one feed, one strategy and one paper account.

    :param clock: market pacing of account updates, and the time of manual closes before any market data
    :param on_feed_stopped: called with a message when the feed fails or ends
    """

    def __init__(
        self,
        *,
        settings: Settings,
        feed: MarketFeed,
        broker: PaperBroker,
        risk: RiskManager,
        strategy: Strategy,
        store: EngineStorage,
        bus: EventBus,
        clock: Clock = WALL_CLOCK,
        on_feed_stopped: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.settings = settings
        self.feed = feed
        self.broker = broker
        self.risk = risk
        self.strategy = strategy
        self.store = store
        self.bus = bus
        self.clock = clock
        self.on_feed_stopped = on_feed_stopped
        self.is_trading = False
        self.symbols = list(feed.symbols)
        self.market = MarketState(feed, strategy, store, bus, retention_s=settings.candle_retention_days * 86_400)
        self.ledger = Ledger(settings=settings, broker=broker, risk=risk, store=store, bus=bus, clock=clock)
        self.execution = Execution(broker=broker, risk=risk, ledger=self.ledger, store=store, bus=bus)
        self.market_time = 0.0
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # ---- what the rest of the system reads ---------------------------------------------------------------
    @property
    def state(self) -> dict[str, SymbolState]:
        """Each symbol's market picture."""
        return self.market.states

    @property
    def realized_pnl(self) -> float:
        return self.ledger.realized_pnl

    @property
    def total_fees(self) -> float:
        return self.ledger.total_fees

    @property
    def daily_pnl(self) -> float:
        return self.ledger.daily_pnl

    # ---- start-up ----------------------------------------------------------------------------------------
    def restore(self) -> None:
        """Load balance, open positions, totals and the daily loss state from the store."""
        self.ledger.restore()

    def warm_up(self) -> None:
        """Run the stored candles through fresh indicator state (on start and after a strategy change); open
        positions are marked at the last stored close."""
        for symbol, close in self.market.warm_up(self.strategy).items():
            self.broker.prices.setdefault(symbol, close)
            if (position := self.broker.positions.get(symbol)) is not None:
                position.mark_price = self.broker.prices[symbol]

    def set_strategy(self, strategy: Strategy) -> None:
        """Switch strategy: indicator state is rebuilt from the stored candles."""
        self.strategy = strategy
        self.warm_up()

    def start_feed(self) -> None:
        """Start (or restart after a failure) the feed task."""
        if self._task is None or self._task.done():
            self.ready.clear()
            self._task = asyncio.get_running_loop().create_task(self._run_feed(), name='market-feed')

    async def wait_ready(self, connect_timeout_s: float) -> bool:
        """Wait until the feed has connected and its history is stored, however long storing takes (a year of
        simulated minutes is minutes of work); give up if it has not connected within ``connect_timeout_s``.
        Returns whether the engine is ready."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + connect_timeout_s
        while not self.ready.is_set():
            if self.feed.status is not FeedStatus.LIVE and loop.time() >= deadline:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready.wait(), 0.5)
        return True

    @property
    def is_feed_running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.feed.close()

    async def _run_feed(self) -> None:
        feed = self.feed
        try:
            if feed.status is FeedStatus.FAILED:  # a failed write may have left memory ahead of the store
                self.restore()  # (the first run's state comes from System.start)
            last = {s: (c[-1] if (c := self.store.candles(s, feed.timeframe, 1)) else None) for s in self.symbols}
            # a fresh month of candles takes a second or two to store; nothing keeps them in memory afterwards
            await asyncio.to_thread(self._keep_history, await feed.connect(last))
            self.warm_up()
            self.ready.set()
            async for item in feed.stream():
                if isinstance(item, Tick):
                    self.on_tick(item)
                elif isinstance(item, Candle):
                    self.on_candle(item)
                else:
                    self.market.publish_book(item)
            message = feed.status_message or 'the market feed ended'
            feed.status = FeedStatus.ENDED
            self._feed_stopped(message, failed=False)
        except asyncio.CancelledError:
            raise
        except FeedError as error:
            feed.status, feed.status_message = FeedStatus.FAILED, str(error)
            self._feed_stopped(str(error), failed=True)
        except SQLAlchemyError as error:  # disk full, locked by another process: expected faults, said plainly
            cause = getattr(error, 'orig', None) or error
            log.warning('trading stopped: database write failed: %s', cause)
            feed.status, feed.status_message = FeedStatus.FAILED, f'database write failed: {cause}'
            self._feed_stopped(feed.status_message, failed=True)
        except Exception as error:
            log.exception('market feed crashed')
            feed.status, feed.status_message = FeedStatus.FAILED, f'{type(error).__name__}: {error}'
            self._feed_stopped(feed.status_message, failed=True)
        finally:
            self.ready.set()

    def _keep_history(self, history: History) -> None:
        """Store the feed's history in short transactions (other writers get their turn) and build the longer
        timeframes from it."""
        for candles in history:
            for start in range(0, len(candles), HISTORY_CHUNK):
                self.store.save_candles(candles[start : start + HISTORY_CHUNK], self.feed.timeframe)
        self.market.catch_up()

    def _feed_stopped(self, message: str, *, failed: bool) -> None:
        if failed:
            error = BotError(message=f'market feed failed: {message}', component='feed')
            self.bus.publish(EventType.BOT_ERROR, error, source='feed')
        else:
            notice = Notification(message=message, level='warning', category='feed')
            self.bus.publish(EventType.NOTIFICATION, notice, source='feed')
        if self.on_feed_stopped is not None:
            self.on_feed_stopped(message, failed)

    # ---- market data -------------------------------------------------------------------------------------
    def on_tick(self, tick: Tick) -> None:
        """A new price: fills pending orders, enforces exits, publishes the price, checks the daily loss."""
        self.ledger.start_day(tick.time)
        self.market_time = max(self.market_time, tick.time)
        self.market.on_tick(tick)
        self.execution.handle(self.broker.on_price(tick.symbol, tick.price, tick.time))
        self.market.publish_price(tick)
        self.ledger.check_daily_loss(self.market_time)
        self.ledger.publish_pnl(tick.time)

    def on_candle(self, candle: Candle) -> None:
        """A closed candle: store it, update indicators and regime, and let the strategy decide."""
        self.market_time = max(self.market_time, candle.time + self.feed.timeframe_s)
        view = self.market.on_candle(candle, self.strategy)
        if self.is_trading:
            self.execution.decide(self.strategy, candle, view, self.market_time)
        self.ledger.record_equity(candle.time + self.feed.timeframe_s)
        if candle.symbol == self.symbols[-1]:
            self.market.publish_snapshot()

    # ---- commands ----------------------------------------------------------------------------------------
    def cancel_pending_orders(self, reason: str) -> int:
        """Cancel orders not yet filled (the bot stopped); returns how many."""
        return self.execution.cancel_pending(reason, self.market_time or self.clock.time())

    def close_position(self, symbol: str, reason: str) -> Trade | None:
        """Close ``symbol``'s position at the last price now; None if there is none."""
        return self.execution.close_now(symbol, reason, self.market_time or self.clock.time())

    def close_all(self, reason: str) -> list[Trade]:
        return [t for s in list(self.broker.positions) if (t := self.close_position(s, reason)) is not None]
