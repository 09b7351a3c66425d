"""The live trading engine: feed -> indicators -> strategy -> risk -> broker, reported on the event bus.

The feed runs for as long as the app does, so prices stay live and open positions keep their stop-loss,
take-profit and liquidation enforced while the bot is stopped; ``is_trading`` (set by the bot controller)
only decides whether new signals are acted on. Every fill is committed to the store before its events are
published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Mapping

from sqlalchemy.exc import SQLAlchemyError

from ..bus import EventBus
from ..events import (
    AnalysisComplete,
    BalanceUpdate,
    BotError,
    CandleClosed,
    EventType,
    FillInfo,
    MarketData,
    Notification,
    OrderbookUpdate,
    OrderInfo,
    PnlUpdate,
    PortfolioUpdate,
    PositionInfo,
    PriceUpdate,
    RegimeChanged,
    RiskLimitHit,
    SignalGenerated,
    TickerUpdate,
    TradeInfo,
)
from ..settings import Settings
from ..store import EquityPoint, Store
from .broker import BrokerUpdate, OrderRejected, PaperBroker, PositionClosed, PositionOpened
from .feed import FeedError, FeedStatus, MarketFeed
from .indicators import LiveIndicators
from .models import Candle, Fill, OrderRequest, Position, Side, Signal, SignalKind, Tick, Trade, TradeStatus
from .risk import RiskManager
from .strategies import RegimeReading, Strategy

log = logging.getLogger(__name__)
WARMUP_CANDLES = 1000
"""Stored candles replayed through the live indicators on start."""


class _LiveView:
    __slots__ = ('current', 'previous')

    def __init__(self, current: Mapping[str, float], previous: Mapping[str, float]) -> None:
        self.current, self.previous = current, previous

    def __getitem__(self, name: str) -> float:
        return self.current[name]

    def prev(self, name: str) -> float:
        return self.previous.get(name, math.nan)


class _SymbolState:
    def __init__(self, strategy: Strategy, timeframe_s: int) -> None:
        self.indicators = LiveIndicators(strategy.indicators())
        self.previous: dict[str, float] = {}
        self.regime: RegimeReading | None = None
        self.day = deque[Candle](maxlen=max(1, 86_400 // timeframe_s))
        self.last_tick: Tick | None = None
        self.forming: Candle | None = None
        """The candle still open, built from the ticks since the last close (what a chart's last bar shows)."""


def _extend_forming(forming: Candle | None, tick: Tick, length_s: int) -> Candle:
    start = int(tick.time // length_s) * length_s
    if forming is None or forming.time != start:
        return Candle(tick.symbol, start, tick.price, tick.price, tick.price, tick.price, 0.0)
    return Candle(
        tick.symbol, start, forming.open, max(forming.high, tick.price), min(forming.low, tick.price), tick.price, 0.0
    )


def position_info(p: Position) -> PositionInfo:
    return PositionInfo(
        id=p.id,
        symbol=p.symbol,
        side=p.side.value,
        quantity=p.quantity,
        entry_price=p.entry_price,
        entry_time=p.entry_time,
        leverage=p.leverage,
        margin=p.margin,
        entry_fee=p.entry_fee,
        liquidation_price=p.liquidation_price,
        stop_loss=p.stop_loss,
        take_profit=p.take_profit,
        mark_price=p.mark_price,
        unrealized_pnl=p.unrealized_pnl,
        strategy=p.strategy,
        regime=p.regime,
    )


def trade_info(t: Trade, price: float, timestamp: float) -> TradeInfo:
    return TradeInfo(
        id=t.id,
        symbol=t.symbol,
        side=t.side.value,
        quantity=t.quantity,
        price=price,
        leverage=t.leverage,
        margin=t.margin,
        entry_price=t.entry_price,
        exit_price=t.exit_price,
        entry_time=t.entry_time,
        exit_time=t.exit_time,
        entry_fee=t.entry_fee,
        exit_fee=t.exit_fee,
        fees=t.fees,
        pnl=t.pnl,
        pnl_pct=t.pnl_pct,
        status=t.status.value,
        exit_reason=t.exit_reason,
        strategy=t.strategy,
        regime=t.regime,
        timestamp=timestamp,
    )


class TradingEngine:
    """Runs one feed, one strategy and one paper account.

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
        store: Store,
        bus: EventBus,
        on_feed_stopped: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.settings = settings
        self.feed = feed
        self.broker = broker
        self.risk = risk
        self.strategy = strategy
        self.store = store
        self.bus = bus
        self.on_feed_stopped = on_feed_stopped
        self.is_trading = False
        self.symbols = list(feed.symbols)
        self.state: dict[str, _SymbolState] = {s: _SymbolState(strategy, feed.timeframe_s) for s in self.symbols}
        self.realized_pnl = 0.0
        self.total_fees = 0.0
        self.market_time = 0.0
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_pnl_publish = 0.0
        self._last_equity_time = -1

    # ---- start-up ----------------------------------------------------------------------------------------
    def restore(self) -> None:
        """Load balance, open positions and totals from the store."""
        balance, _start = self.store.load_account(self.settings.starting_balance)
        self.broker.restore(balance=balance, positions=self.store.open_positions(), next_id=self.store.next_order_id())
        closed = self.store.trades(closed_only=True)
        self.realized_pnl = sum(t.pnl for t in closed)
        self.total_fees = sum(t.fees for t in closed) + sum(p.entry_fee for p in self.broker.positions.values())

    def warm_up(self) -> None:
        """Run the stored candles through fresh indicator state (on start and after a strategy change)."""
        last_ticks = {s: state.last_tick for s, state in self.state.items()}
        self.state = {s: _SymbolState(self.strategy, self.feed.timeframe_s) for s in self.symbols}
        for symbol in self.symbols:
            self.state[symbol].last_tick = last_ticks.get(symbol)
            for candle in self.store.candles(symbol, self.feed.timeframe, WARMUP_CANDLES):
                self._update_indicators(candle)
                self.broker.prices.setdefault(symbol, candle.close)
            self.state[symbol].regime = self.strategy.classify(
                _LiveView(self.state[symbol].indicators.values, self.state[symbol].previous)
            )

    def set_strategy(self, strategy: Strategy) -> None:
        """Switch strategy: indicator state is rebuilt from the stored candles."""
        self.strategy = strategy
        self.warm_up()

    def start_feed(self) -> None:
        """Start (or restart after a failure) the feed task."""
        if self._task is None or self._task.done():
            self.ready.clear()
            self._task = asyncio.get_running_loop().create_task(self._run_feed(), name='market-feed')

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
            history = await feed.connect(last)
            for candles in history.values():
                self.store.save_candles(candles, feed.timeframe)
            self.warm_up()
            self.ready.set()
            async for item in feed.stream():
                if isinstance(item, Tick):
                    self.on_tick(item)
                elif isinstance(item, Candle):
                    self.on_candle(item)
                else:
                    self.bus.publish(
                        EventType.ORDERBOOK_UPDATE,
                        OrderbookUpdate(
                            symbol=item.symbol, bids=list(item.bids), asks=list(item.asks), timestamp=item.time
                        ),
                        source='feed',
                    )
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

    def _feed_stopped(self, message: str, *, failed: bool) -> None:
        self.bus.publish(
            EventType.BOT_ERROR if failed else EventType.NOTIFICATION,
            BotError(message=f'market feed failed: {message}', component='feed')
            if failed
            else Notification(message=message, level='warning', category='feed'),
            source='feed',
        )
        if self.on_feed_stopped is not None:
            self.on_feed_stopped(message, failed)

    # ---- market data -------------------------------------------------------------------------------------
    def on_tick(self, tick: Tick) -> None:
        """A new price: fills pending orders, enforces exits, publishes the price."""
        self.market_time = max(self.market_time, tick.time)
        state = self.state[tick.symbol]
        state.last_tick = tick
        state.forming = _extend_forming(state.forming, tick, self.feed.timeframe_s)
        self._handle(self.broker.on_price(tick.symbol, tick.price, tick.time))
        self.bus.publish(
            EventType.PRICE_UPDATE,
            PriceUpdate(symbol=tick.symbol, price=tick.price, timestamp=tick.time),
            source='feed',
        )
        self._check_daily_loss()
        now = time.monotonic()
        if now - self._last_pnl_publish >= 1.0:
            self._last_pnl_publish = now
            self.bus.publish(
                EventType.PNL_UPDATE,
                PnlUpdate(
                    unrealized_pnl=self.broker.unrealized_pnl,
                    realized_pnl=self.realized_pnl,
                    equity=self.broker.equity,
                    daily_pnl=self.daily_pnl,
                ),
                source='broker',
            )

    def on_candle(self, candle: Candle) -> None:
        """A closed candle: store it, update indicators and regime, and let the strategy decide."""
        symbol, tf = candle.symbol, self.feed.timeframe
        self.market_time = max(self.market_time, candle.time + self.feed.timeframe_s)
        self.store.save_candles([candle], tf)
        self.bus.publish(
            EventType.CANDLE_CLOSED,
            CandleClosed(
                symbol=symbol,
                timeframe=tf,
                time=candle.time,
                open=candle.open,
                high=candle.high,
                low=candle.low,
                close=candle.close,
                volume=candle.volume,
            ),
            source='feed',
        )
        state = self.state[symbol]
        view = self._update_indicators(candle)
        self._publish_ticker(state)
        reading = self.strategy.classify(view)
        if reading is not None and (state.regime is None or reading.regime != state.regime.regime):
            self.bus.publish(
                EventType.REGIME_CHANGED,
                RegimeChanged(
                    symbol=symbol,
                    regime=reading.regime.value,
                    previous=state.regime.regime.value if state.regime else 'unknown',
                    adx=reading.adx,
                    plus_di=reading.plus_di,
                    minus_di=reading.minus_di,
                    bb_width=reading.bb_width,
                    volatility=reading.volatility,
                    is_strong=reading.is_strong,
                ),
                source='strategy',
            )
        state.regime = reading
        self.bus.publish(
            EventType.ANALYSIS_COMPLETE,
            AnalysisComplete(
                symbol=symbol,
                time=candle.time,
                regime=reading.regime.value if reading else None,
                indicators={k: (None if math.isnan(v) else v) for k, v in view.current.items()},
            ),
            source='strategy',
        )
        if self.is_trading:
            self._decide(candle, view)
        self._record_equity(candle.time + self.feed.timeframe_s)
        if symbol == self.symbols[-1]:
            self._publish_market_data()

    def _update_indicators(self, candle: Candle) -> _LiveView:
        state = self.state[candle.symbol]
        state.previous = dict(state.indicators.values)
        current = state.indicators.update(candle.high, candle.low, candle.close, candle.volume)
        state.day.append(candle)
        return _LiveView(current, state.previous)

    def _publish_ticker(self, state: _SymbolState) -> None:
        day = state.day
        first, last = day[0], day[-1]
        self.bus.publish(
            EventType.TICKER_UPDATE,
            TickerUpdate(
                symbol=last.symbol,
                last=last.close,
                open_24h=first.open,
                high_24h=max(c.high for c in day),
                low_24h=min(c.low for c in day),
                volume_24h=sum(c.volume for c in day),
                change_pct_24h=100.0 * (last.close / first.open - 1.0),
            ),
            source='feed',
        )

    def _publish_market_data(self) -> None:
        snapshot = {}
        for symbol, state in self.state.items():
            if state.day:
                price = state.last_tick.price if state.last_tick else state.day[-1].close
                snapshot[symbol] = {'price': price, 'change': 100.0 * (price / state.day[0].open - 1.0)}
        self.bus.publish(
            EventType.MARKET_DATA,
            MarketData(symbols=snapshot, feed=self.feed.name, timeframe=self.feed.timeframe),
            source='feed',
        )

    # ---- decisions ---------------------------------------------------------------------------------------
    def _decide(self, candle: Candle, view: _LiveView) -> None:
        position = self.broker.positions.get(candle.symbol)
        try:
            signal = self.strategy.evaluate(candle, view, position.side if position else None)
        except Exception as error:
            log.warning('strategy %s failed on %s: %s', self.strategy.name, candle.symbol, error)
            self.bus.publish(
                EventType.BOT_ERROR,
                BotError(
                    message=f'strategy {self.strategy.name} failed on {candle.symbol}: {type(error).__name__}: {error}',
                    component='strategy',
                ),
                source='strategy',
            )
            return
        if signal is None:
            return
        self.bus.publish(
            EventType.SIGNAL_GENERATED,
            SignalGenerated(
                symbol=signal.symbol,
                kind=signal.kind.value,
                strength=signal.strength,
                stop_loss=signal.stop_loss,
                take_profit=signal.take_profit,
                leverage=signal.leverage,
                reason=signal.reason,
                regime=signal.regime.value if signal.regime else None,
                strategy=self.strategy.name,
            ),
            source='strategy',
        )
        if signal.kind is SignalKind.FLAT:
            self.broker.request_close(signal.symbol, signal.reason or 'strategy exit')
            return
        self._place(signal, candle)

    def _place(self, signal: Signal, candle: Candle) -> None:
        sized = self.risk.size(signal, self.broker, candle.close, strategy=self.strategy.name)
        if isinstance(sized, str):
            order = OrderRequest(
                symbol=signal.symbol,
                side=Side(signal.kind.value),
                leverage=signal.leverage,
                stop_loss=signal.stop_loss,
                take_profit=signal.take_profit,
                strategy=self.strategy.name,
                reason=signal.reason,
                id=self.broker.next_id,
                created_time=self.market_time,
            )
            self.broker.next_id += 1
            self._rejected(OrderRejected(order, sized, self.market_time))
            return
        rejected = self.broker.submit(sized, self.market_time)
        if rejected is not None:
            self._rejected(rejected)
            return
        self.store.record_order(sized, 'placed')
        self.bus.publish(EventType.ORDER_PLACED, _order_info(sized), source='broker')

    def cancel_pending_orders(self, reason: str) -> int:
        """Cancel orders not yet filled (the bot stopped); returns how many."""
        pending = self.broker.cancel_pending()
        if pending:
            self.store.set_order_status((o.id for o in pending), 'cancelled', reason)
        for order in pending:
            self.bus.publish(EventType.ORDER_CANCELLED, _order_info(order, reason), source='broker')
        return len(pending)

    def close_position(self, symbol: str, reason: str) -> Trade | None:
        """Close ``symbol``'s position at the last price now; None if there is none."""
        closed = self.broker.close_now(symbol, self.market_time or time.time(), reason)
        if closed is None:
            return None
        self._handle([closed])
        return closed.trade

    def close_all(self, reason: str) -> list[Trade]:
        return [t for s in list(self.broker.positions) if (t := self.close_position(s, reason)) is not None]

    # ---- broker results ----------------------------------------------------------------------------------
    def _handle(self, updates: list[BrokerUpdate]) -> None:
        for update in updates:
            if isinstance(update, PositionOpened):
                self._opened(update)
            elif isinstance(update, PositionClosed):
                self._closed(update)
            else:
                self._rejected(update)

    def _opened(self, update: PositionOpened) -> None:
        p, fill = update.position, update.fill
        self.store.record_open(p, fill, self.broker.balance)
        self.total_fees += fill.fee
        self.bus.publish(EventType.ORDER_FILLED, _fill_info(fill), source='broker')
        self.bus.publish(EventType.POSITION_OPENED, position_info(p), source='broker')
        self.bus.publish(
            EventType.TRADE_EXECUTED,
            TradeInfo(
                id=p.id,
                symbol=p.symbol,
                side=p.side.value,
                quantity=p.quantity,
                price=fill.price,
                leverage=p.leverage,
                margin=p.margin,
                entry_price=p.entry_price,
                exit_price=None,
                entry_time=p.entry_time,
                exit_time=None,
                entry_fee=p.entry_fee,
                exit_fee=0.0,
                fees=p.entry_fee,
                pnl=0.0,
                pnl_pct=0.0,
                status='OPEN',
                exit_reason='',
                strategy=p.strategy,
                regime=p.regime,
                timestamp=fill.time,
            ),
            source='broker',
        )
        self._publish_account(fill.time)

    def _closed(self, update: PositionClosed) -> None:
        t, fill = update.trade, update.fill
        self.store.record_close(t, fill, self.broker.balance)
        self.realized_pnl += t.pnl
        self.total_fees += fill.fee
        info = trade_info(t, fill.price, fill.time)
        self.bus.publish(EventType.ORDER_FILLED, _fill_info(fill), source='broker')
        self.bus.publish(EventType.POSITION_CLOSED, info, source='broker')
        self.bus.publish(EventType.TRADE_EXECUTED, info, source='broker')
        special = {
            TradeStatus.CLOSED_SL: EventType.STOP_LOSS_HIT,
            TradeStatus.CLOSED_TP: EventType.TAKE_PROFIT_HIT,
            TradeStatus.CLOSED_LIQUIDATION: EventType.POSITION_LIQUIDATED,
        }.get(t.status)
        if special is not None:
            self.bus.publish(special, info, source='broker')
        self._publish_account(fill.time)

    def _rejected(self, rejected: OrderRejected) -> None:
        self.store.record_order(rejected.order, 'rejected', rejected.reason)
        self.bus.publish(EventType.ORDER_REJECTED, _order_info(rejected.order, rejected.reason), source='broker')

    # ---- account -----------------------------------------------------------------------------------------
    @property
    def daily_pnl(self) -> float:
        """Equity change since the start of the current (market-time UTC) day."""
        return self.broker.equity - self.risk.day_start_equity if self.risk.day >= 0 else 0.0

    def _check_daily_loss(self) -> None:
        hit = self.risk.check_daily_loss(self.market_time, self.broker.equity)
        if hit is not None:
            message = (
                f'daily loss limit hit: equity is {hit.loss_pct:.2f}% below the day start '
                f'(limit {hit.threshold_pct:g}%); no new trades until the next UTC day'
            )
            self.bus.publish(
                EventType.RISK_LIMIT_HIT,
                RiskLimitHit(
                    limit='max_daily_loss_pct', message=message, value=hit.loss_pct, threshold=hit.threshold_pct
                ),
                source='risk',
            )

    def _publish_account(self, when: float) -> None:
        b = self.broker
        used = b.locked_margin
        self.bus.publish(
            EventType.BALANCE_UPDATE,
            BalanceUpdate(balance=b.balance, free=b.balance - used, used=used, equity=b.equity),
            source='broker',
        )
        self.bus.publish(
            EventType.PORTFOLIO_UPDATE,
            PortfolioUpdate(
                balance=b.balance,
                equity=b.equity,
                free=b.balance - used,
                used=used,
                unrealized_pnl=b.unrealized_pnl,
                realized_pnl=self.realized_pnl,
                fees=self.total_fees,
                open_positions=len(b.positions),
                time=when,
            ),
            source='broker',
        )

    def _record_equity(self, when: int) -> None:
        if when == self._last_equity_time:
            return
        self._last_equity_time = when
        b = self.broker
        self.store.record_equity(EquityPoint(float(when), b.balance, b.equity, b.unrealized_pnl))


def _order_info(order: OrderRequest, reason: str = '') -> OrderInfo:
    return OrderInfo(
        order_id=order.id,
        symbol=order.symbol,
        side=order.side.value,
        leverage=order.leverage,
        quantity=order.quantity,
        margin=order.margin,
        stop_loss=order.stop_loss,
        take_profit=order.take_profit,
        strategy=order.strategy,
        reason=reason or order.reason,
    )


def _fill_info(fill: Fill) -> FillInfo:
    return FillInfo(
        order_id=fill.order_id,
        position_id=fill.position_id,
        symbol=fill.symbol,
        side=fill.side.value,
        is_entry=fill.is_entry,
        quantity=fill.quantity,
        price=fill.price,
        fee=fill.fee,
        time=fill.time,
    )
