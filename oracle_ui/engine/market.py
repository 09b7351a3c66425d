"""The market as the engine sees it: per symbol the last tick, the candle still forming, live indicators, the
regime and the last 24 h of candles. Closed candles are stored; every change is published on the bus."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping

from ..bus import EventBus
from ..events import (
    AnalysisComplete,
    CandleClosed,
    EventType,
    MarketData,
    OrderbookUpdate,
    PriceUpdate,
    RegimeChanged,
    TickerUpdate,
)
from .candles import CandleRollup, higher_timeframes, resample
from .feed import MarketFeed
from .indicators import LiveIndicators
from .models import Candle, OrderBook, Tick
from .storage import CandleStorage
from .strategies import RegimeReading, Strategy

WARMUP_CANDLES = 1000
"""Stored candles replayed through the live indicators on start."""
DAY_S = 86_400
CATCH_UP_CANDLES = 5_000
"""Base candles resampled at a time when longer timeframes catch up with stored history (a few days: reading a
month at once held ~30 MB that the process kept after it was freed)."""


class LiveView:
    """Indicator values at the current closed candle and the one before (the live side of ``IndicatorView``)."""

    __slots__ = ('current', 'previous')

    def __init__(self, current: Mapping[str, float], previous: Mapping[str, float]) -> None:
        self.current, self.previous = current, previous

    def __getitem__(self, name: str) -> float:
        return self.current[name]

    def prev(self, name: str) -> float:
        return self.previous.get(name, math.nan)


class SymbolState:
    """One symbol's market picture."""

    def __init__(self, strategy: Strategy, timeframe_s: int) -> None:
        self.indicators = LiveIndicators(strategy.indicators())
        self.previous: dict[str, float] = {}
        self.regime: RegimeReading | None = None
        self.day = deque[Candle](maxlen=max(1, DAY_S // timeframe_s))
        """The last 24 h of closed candles."""
        self.last_tick: Tick | None = None
        self.forming: Candle | None = None
        """The candle still open, built from the ticks since the last close (what a chart's last bar shows)."""

    def update(self, candle: Candle) -> LiveView:
        """Fold a closed candle into the indicators and the 24 h window."""
        self.previous = dict(self.indicators.values)
        current = self.indicators.update(candle.high, candle.low, candle.close, candle.volume)
        self.day.append(candle)
        return LiveView(current, self.previous)

    def extend_forming(self, tick: Tick, length_s: int) -> None:
        """Take ``tick`` into the forming candle (a new one if the tick starts the next period)."""
        forming, start = self.forming, int(tick.time // length_s) * length_s
        if forming is None or forming.time != start:
            self.forming = Candle(tick.symbol, start, tick.price, tick.price, tick.price, tick.price, 0.0)
        else:
            self.forming = Candle(
                tick.symbol,
                start,
                forming.open,
                max(forming.high, tick.price),
                min(forming.low, tick.price),
                tick.price,
                0.0,
            )


class MarketState:
    """The market picture of every symbol of ``feed``.

    :param store: where closed candles of every timeframe are kept (and warm-up history comes from)
    :param bus: where price, candle, ticker, regime, analysis and book events go
    :param retention_s: base candles older than this (before the newest) are deleted, once a day
    """

    def __init__(
        self,
        feed: MarketFeed,
        strategy: Strategy,
        store: CandleStorage,
        bus: EventBus,
        *,
        retention_s: float = 400 * DAY_S,
    ) -> None:
        self.feed = feed
        self.store = store
        self.bus = bus
        self.retention_s = retention_s
        self.symbols = list(feed.symbols)
        self.states = {s: SymbolState(strategy, feed.timeframe_s) for s in self.symbols}
        self.timeframes = higher_timeframes(feed.timeframe)
        """The longer timeframes built from the base candles (stored, announced, charted)."""
        self.rollups = {s: CandleRollup(feed.timeframe, self.timeframes) for s in self.symbols}
        self._pruned_day = -1

    def warm_up(self, strategy: Strategy) -> dict[str, float]:
        """Fresh indicator state for ``strategy`` from the stored candles (on start and after a strategy
        change); returns each symbol's last stored close."""
        last_ticks = {s: state.last_tick for s, state in self.states.items()}
        self.states = {s: SymbolState(strategy, self.feed.timeframe_s) for s in self.symbols}
        closes: dict[str, float] = {}
        for symbol, state in self.states.items():
            state.last_tick = last_ticks.get(symbol)
            for candle in self.store.candles(symbol, self.feed.timeframe, WARMUP_CANDLES):
                state.update(candle)
                closes[symbol] = candle.close
            state.regime = strategy.classify(LiveView(state.indicators.values, state.previous))
        return closes

    def catch_up(self) -> None:
        """Build the longer timeframes' candles the store lacks from its base candles (a fresh history, an upgrade
        from a version that kept only base candles, a stop), prune base candles past retention, and start each
        timeframe's forming candle."""
        base, base_s = self.feed.timeframe, self.feed.timeframe_s
        for symbol in self.symbols:
            span = self.store.candle_span(symbol, base)
            if span is None:
                continue
            self._prune(span[1])
            end = span[1] + base_s
            rollup = self.rollups[symbol]
            for tf, length in rollup.lengths.items():
                done = self.store.candle_span(symbol, tf)
                start = done[1] + length if done else span[0] + (-span[0]) % length  # whole buckets only
                window = length * max(1, CATCH_UP_CANDLES * base_s // length)
                while start + length <= end:
                    chunk = self.store.candles(symbol, base, 2 * CATCH_UP_CANDLES, since=start, before=start + window)
                    closed = [c for c in resample(chunk, length) if c.time + length <= end]
                    self.store.save_candles(closed, tf)
                    start += window
                rollup.seed(tf, self.store.candles(symbol, base, length // base_s, since=end - end % length))

    def _prune(self, newest: int) -> None:
        day = newest // DAY_S
        if day != self._pruned_day:
            self._pruned_day = day
            self.store.prune_candles(self.feed.timeframe, int(newest - self.retention_s))

    def on_tick(self, tick: Tick) -> None:
        """Remember the price and extend the forming candle."""
        state = self.states[tick.symbol]
        state.last_tick = tick
        state.extend_forming(tick, self.feed.timeframe_s)

    def publish_price(self, tick: Tick) -> None:
        self.bus.publish(
            EventType.PRICE_UPDATE,
            PriceUpdate(symbol=tick.symbol, price=tick.price, timestamp=tick.time),
            source='feed',
        )

    def publish_book(self, book: OrderBook) -> None:
        self.bus.publish(
            EventType.ORDERBOOK_UPDATE,
            OrderbookUpdate(symbol=book.symbol, bids=list(book.bids), asks=list(book.asks), timestamp=book.time),
            source='feed',
        )

    def on_candle(self, candle: Candle, strategy: Strategy) -> LiveView:
        """Store and announce a closed candle, update indicators, 24 h ticker and regime; returns the indicator
        view the strategy decides on."""
        tf = self.feed.timeframe
        self.store.save_candles([candle], tf)
        self._prune(candle.time)
        self._publish_candle(candle, tf)
        for longer, closed in self.rollups[candle.symbol].add(candle):
            self.store.save_candles([closed], longer)
            self._publish_candle(closed, longer)
        state = self.states[candle.symbol]
        view = state.update(candle)
        self._publish_ticker(state)
        reading = strategy.classify(view)
        if reading is not None and (state.regime is None or reading.regime != state.regime.regime):
            self.bus.publish(
                EventType.REGIME_CHANGED,
                RegimeChanged(
                    symbol=candle.symbol,
                    regime=reading.regime.value,
                    previous=state.regime.regime.value if state.regime else 'unknown',
                    adx=reading.adx,
                    plus_di=reading.plus_di,
                    minus_di=reading.minus_di,
                    bb_width=reading.bb_width,
                    volatility=reading.volatility,
                    is_strong=reading.is_strong,
                    time=candle.time + self.feed.timeframe_s,
                ),
                source='strategy',
            )
        state.regime = reading
        self.bus.publish(
            EventType.ANALYSIS_COMPLETE,
            AnalysisComplete(
                symbol=candle.symbol,
                time=candle.time,
                regime=reading.regime.value if reading else None,
                indicators={k: (None if math.isnan(v) else v) for k, v in view.current.items()},
            ),
            source='strategy',
        )
        return view

    def follow(self, candle: Candle, strategy: Strategy) -> None:
        """A closed candle of the engine's, seen by a web replica: its indicators, 24 h window and regime as the
        engine has them (the same computation), nothing stored or announced."""
        if (state := self.states.get(candle.symbol)) is not None:
            state.regime = strategy.classify(state.update(candle))

    def _publish_candle(self, candle: Candle, timeframe: str) -> None:
        closed = CandleClosed(
            symbol=candle.symbol,
            timeframe=timeframe,
            time=candle.time,
            open=candle.open,
            high=candle.high,
            low=candle.low,
            close=candle.close,
            volume=candle.volume,
        )
        self.bus.publish(EventType.CANDLE_CLOSED, closed, source='feed')

    def _publish_ticker(self, state: SymbolState) -> None:
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

    def publish_snapshot(self) -> None:
        """``market_data``: every symbol's price and change over its 24 h window."""
        snapshot = {}
        for symbol, state in self.states.items():
            if state.day:
                price = state.last_tick.price if state.last_tick else state.day[-1].close
                snapshot[symbol] = {'price': price, 'change': 100.0 * (price / state.day[0].open - 1.0)}
        self.bus.publish(
            EventType.MARKET_DATA,
            MarketData(symbols=snapshot, feed=self.feed.name, timeframe=self.feed.timeframe),
            source='feed',
        )
