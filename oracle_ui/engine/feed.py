"""Market feeds behind one interface: a seeded simulation and a CSV replay (``ccxt_feed`` adds live data).

A feed yields ticks and closed candles in time order from :meth:`MarketFeed.stream`; :meth:`MarketFeed.connect`
first returns history to warm indicators up and fill charts.
"""

from __future__ import annotations

import asyncio
import math
import random
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal

from ..timeframes import candle_start, timeframe_seconds
from .bars import Bars, load_bars
from .intrabar import POINTS, bar_path, path_times
from .models import Candle, OrderBook, Tick

Sleep = Callable[[float], Awaitable[None]]
FeedItem = Tick | Candle | OrderBook
Speed = float | Literal['max']
"""Feed seconds per real second, or ``'max'``: no pacing, only a yield to the event loop between steps."""
History = Iterable[Sequence[Candle]]
"""What :meth:`MarketFeed.connect` hands over: batches of closed candles, each symbol's in time order, iterated once
(in a worker thread). The simulator makes each batch only when it is asked for: a fresh month of candles never sits
in memory at once (it held ~60 MB at its peak, and the process kept most of it)."""
HISTORY_BATCH = 1_440
"""Candles per symbol in one batch of simulated history (a day of 1-minute candles)."""


def describe_speed(speed: Speed) -> str:
    return 'at full speed' if speed == 'max' else f'x{speed:g}'


class FeedStatus(StrEnum):
    IDLE = 'idle'
    CONNECTING = 'connecting'
    LIVE = 'live'
    ENDED = 'ended'
    FAILED = 'failed'


class FeedError(RuntimeError):
    """The feed cannot deliver data; the message says why and what to do."""


class MarketFeed(ABC):
    """Source of ticks and closed candles for ``symbols`` at ``timeframe``."""

    name: str = 'feed'

    def __init__(self, symbols: list[str], timeframe: str) -> None:
        self.symbols = list(symbols)
        self.timeframe = timeframe
        self.timeframe_s = timeframe_seconds(timeframe)
        self.status = FeedStatus.IDLE
        self.status_message = ''

    @abstractmethod
    async def connect(self, last_candles: Mapping[str, Candle | None]) -> History:
        """Prepare to stream; returns the history (may be empty) continuing after ``last_candles``."""

    @abstractmethod
    def stream(self) -> AsyncIterator[FeedItem]:
        """Ticks and closed candles, in time order, until the feed ends or fails."""

    async def close(self) -> None:  # noqa: B027 - most feeds hold nothing to release
        """Release network resources."""


# ---- simulation --------------------------------------------------------------------------------------------
@dataclass(slots=True, frozen=True)
class SimProfile:
    price: float
    volatility: float
    """Per-candle standard deviation of log returns at 1m (scaled by sqrt of the timeframe)."""
    volume: float


PROFILES: dict[str, SimProfile] = {
    'BTC': SimProfile(65_000.0, 0.0007, 12.0),
    'ETH': SimProfile(3_400.0, 0.0009, 140.0),
    'SOL': SimProfile(150.0, 0.0012, 2_500.0),
}


class _SimSymbol:
    """One symbol's price process: trending and ranging regimes that alternate, GARCH(1,1) volatility."""

    def __init__(self, symbol: str, rng: random.Random, price: float | None, candle_s: int) -> None:
        base = symbol.split('/')[0]
        profile = PROFILES.get(base) or SimProfile(10.0 + (sum(map(ord, base)) % 90), 0.0018, 1000.0)
        self.symbol = symbol
        self.rng = rng
        self.log_price = math.log(price or profile.price)
        scale = math.sqrt(candle_s / 60.0)
        self.sigma_candle = profile.volatility * scale
        self.candle_s = candle_s
        self.variance = 1.0
        """GARCH variance multiplier around 1."""
        self.volume = profile.volume * candle_s / 60.0
        self.regime_left = 0.0
        self.drift = 0.0
        self.anchor = self.log_price
        self._next_regime()

    def _next_regime(self) -> None:
        rng = self.rng
        self.regime_left = rng.uniform(40, 160) * self.candle_s
        if rng.random() < 0.55:
            self.drift = rng.choice((-1, 1)) * rng.uniform(0.05, 0.15) * self.sigma_candle / self.candle_s
        else:
            self.drift = 0.0
            self.anchor = self.log_price

    def step(self, dt: float) -> tuple[float, float]:
        """Advance ``dt`` seconds; returns (price, traded volume)."""
        rng = self.rng
        self.regime_left -= dt
        if self.regime_left <= 0:
            self._next_regime()
        frac = dt / self.candle_s
        sigma = self.sigma_candle * math.sqrt(self.variance * frac)
        shock = rng.gauss(0.0, 1.0)
        mean = self.drift * dt if self.drift else (self.anchor - self.log_price) * min(1.0, 0.08 * frac)
        self.log_price += mean + sigma * shock
        alpha, beta = 0.08 * min(frac * 4, 1.0), 1 - 0.1 * min(frac * 4, 1.0)
        self.variance = max(0.25, min(4.0, (1 - alpha - beta) + alpha * shock * shock + beta * self.variance))
        volume = self.volume * frac * rng.lognormvariate(0.0, 0.5) * (0.6 + 0.4 * self.variance)
        return math.exp(self.log_price), volume


class _CandleBuilder:
    __slots__ = ('close', 'high', 'low', 'open', 'start', 'volume')

    def __init__(self, start: int, price: float) -> None:
        self.start, self.open, self.high, self.low, self.close, self.volume = start, price, price, price, price, 0.0

    def add(self, price: float, volume: float) -> None:
        self.high = max(self.high, price)
        self.low = min(self.low, price)
        self.close = price
        self.volume += volume

    def candle(self, symbol: str) -> Candle:
        return Candle(symbol, self.start, self.open, self.high, self.low, self.close, self.volume)


class SimulatedMarket:
    """Deterministic multi-symbol market: the same seed, start and step sizes give the same prices.

    :param symbols: symbols to simulate (BTC, ETH and SOL have realistic prices; others get a made-up one)
    :param timeframe_s: candle length
    :param seed: random seed
    :param start: simulated start time (Unix seconds)
    :param prices: starting prices per symbol (to continue after a restart)
    """

    def __init__(
        self, symbols: list[str], timeframe_s: int, seed: int, start: float, prices: Mapping[str, float] | None = None
    ) -> None:
        self.time = float(start)
        self.timeframe_s = timeframe_s
        self._symbols = [
            _SimSymbol(s, random.Random(f'{seed}:{s}:{int(start)}'), (prices or {}).get(s), timeframe_s)
            for s in symbols
        ]
        self._builders: dict[str, _CandleBuilder] = {}
        for sim in self._symbols:
            price = math.exp(sim.log_price)
            self._builders[sim.symbol] = _CandleBuilder(candle_start(self.time, timeframe_s), price)

    def advance(self, seconds: float, max_step: float) -> tuple[list[Candle], list[Tick]]:
        """Move ``seconds`` forward in steps of at most ``max_step``; returns closed candles and the last ticks."""
        steps = max(1, math.ceil(seconds / max_step - 1e-9))
        dt = seconds / steps
        closed: list[Candle] = []
        for _ in range(steps):
            self.time += dt
            for sim in self._symbols:
                price, volume = sim.step(dt)
                builder = self._builders[sim.symbol]
                start = candle_start(self.time, self.timeframe_s)
                if start != builder.start:
                    closed.append(builder.candle(sim.symbol))
                    builder = self._builders[sim.symbol] = _CandleBuilder(start, builder.close)
                builder.add(price, volume)
        ticks = [Tick(sim.symbol, self.time, self._builders[sim.symbol].close) for sim in self._symbols]
        return closed, ticks

    def forming(self, symbol: str) -> Candle:
        """The candle still open for ``symbol``."""
        return self._builders[symbol].candle(symbol)

    def order_books(self, levels: int = 10) -> list[OrderBook]:
        """Simulated depth around each price: the spread and sizes widen with the current volatility."""
        books = []
        for sim in self._symbols:
            price = self._builders[sim.symbol].close
            rng = random.Random(f'book:{sim.symbol}:{self.time:.3f}')
            half_spread = price * 0.00005 * (0.5 + sim.variance)
            step = price * 0.0001
            unit = sim.volume / 50
            bids = tuple(
                (price - half_spread - k * step, unit * rng.lognormvariate(0, 0.6) * (1 + k / 3)) for k in range(levels)
            )
            asks = tuple(
                (price + half_spread + k * step, unit * rng.lognormvariate(0, 0.6) * (1 + k / 3)) for k in range(levels)
            )
            books.append(OrderBook(sim.symbol, self.time, bids, asks))
        return books


def simulate_bars(
    symbol: str, timeframe_s: int, count: int, *, seed: int = 7, start: float = 1_700_000_000, steps_per_candle: int = 8
) -> Bars:
    """``count`` simulated candles of one symbol as arrays (for backtests and benchmarks)."""
    import numpy as np

    market = SimulatedMarket([symbol], timeframe_s, seed, candle_start(start, timeframe_s))
    rows: list[tuple[float, ...]] = []
    while len(rows) < count:
        closed, _ticks = market.advance(timeframe_s, timeframe_s / steps_per_candle)
        rows.extend((c.time, c.open, c.high, c.low, c.close, c.volume) for c in closed)
    data = np.asarray(rows[:count], dtype=np.float64)
    return Bars(data[:, 0], data[:, 1], data[:, 2], data[:, 3], data[:, 4], data[:, 5])


class SimFeed(MarketFeed):
    """The simulated market paced against the wall clock at ``speed`` x real time (``'max'``: unpaced).

    :param tick_interval_s: real seconds between ticks (default 0.25: four ticks per second per symbol)
    :param history_candles: candles generated before the start on a fresh data directory
    :param start: simulated start time of a fresh run (default: now)
    :param sleep: how to wait between ticks (tests may pass a fake)
    """

    name = 'sim'

    def __init__(
        self,
        symbols: list[str],
        timeframe: str,
        *,
        seed: int = 7,
        speed: Speed = 1.0,
        tick_interval_s: float = 0.25,
        history_candles: int = 300,
        start: float | None = None,
        sleep: Sleep = asyncio.sleep,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(symbols, timeframe)
        self.seed, self.speed, self.tick_interval_s = seed, speed, tick_interval_s
        self.history_candles = history_candles
        self._start = start
        self._sleep = sleep
        self._wall = wall_clock or _wall_time
        self.market: SimulatedMarket | None = None

    async def connect(self, last_candles: Mapping[str, Candle | None]) -> History:
        self.status = FeedStatus.CONNECTING
        known = {s: c for s, c in last_candles.items() if c is not None and s in self.symbols}
        step = self.timeframe_s / 8
        history: History = ()
        if known:  # continue where the stored history ends; symbols traded for the first time get history too
            resume = max(c.time for c in known.values()) + self.timeframe_s
            prices = {s: c.close for s, c in known.items()}
            new = [s for s in self.symbols if s not in known]
            if new and self.history_candles:  # made now: the new symbols' live prices carry on from it
                begin = resume - self.history_candles * self.timeframe_s
                earlier = SimulatedMarket(new, self.timeframe_s, self.seed, begin)
                history = await asyncio.to_thread(lambda: list(self._history(earlier, self.history_candles, step)))
                prices |= {c.symbol: c.close for batch in history for c in batch}  # each symbol's last close
            self.market = SimulatedMarket(self.symbols, self.timeframe_s, self.seed, resume, prices)
        else:
            now = self._start if self._start is not None else self._wall()
            begin = candle_start(now, self.timeframe_s) - self.history_candles * self.timeframe_s
            self.market = SimulatedMarket(self.symbols, self.timeframe_s, self.seed, begin)
            history = self._history(self.market, self.history_candles, step)  # made as it is stored
        self.status, self.status_message = FeedStatus.LIVE, f'simulated market {describe_speed(self.speed)}'
        return history

    @staticmethod
    def _history(market: SimulatedMarket, count: int, step: float) -> Iterator[list[Candle]]:
        """The next ``count`` closed candles of each of ``market``'s symbols, a day's batch at a time."""
        for start in range(0, count, HISTORY_BATCH):
            batch: list[Candle] = []
            for _ in range(min(HISTORY_BATCH, count - start)):
                closed, _ticks = market.advance(market.timeframe_s, step)
                batch.extend(closed)
            yield batch

    async def stream(self) -> AsyncIterator[FeedItem]:
        market = self.market
        if market is None:
            raise FeedError('connect() the feed before streaming')
        max_step = self.timeframe_s / 8
        next_wall = self._wall()
        count, books_every = 0, max(1, round(1.0 / self.tick_interval_s))  # one book per symbol per step-second
        while True:
            if self.speed == 'max':  # one step of the simulation per turn of the event loop
                await self._sleep(0)
                closed, ticks = market.advance(max_step, max_step)
            else:
                next_wall += self.tick_interval_s
                delay = next_wall - self._wall()
                if delay > 0:
                    await self._sleep(delay)
                elif delay < -5 * self.tick_interval_s:  # fell far behind (suspended laptop): don't burst
                    next_wall = self._wall()
                closed, ticks = market.advance(self.tick_interval_s * self.speed, max_step)
            for candle in closed:
                yield candle
            for tick in ticks:
                yield tick
            count += 1
            if count % books_every == 0:
                for book in market.order_books():
                    yield book


def _wall_time() -> float:
    import time

    return time.time()


# ---- CSV replay --------------------------------------------------------------------------------------------
class ReplayFeed(MarketFeed):
    """Replays a CSV of bars for the first symbol at ``speed`` x the bars' own spacing (``'max'``: unpaced).

    Each bar becomes the four ticks of its path (:mod:`.intrabar`: open, the nearer extreme, the other extreme,
    close — the path backtests walk) and then a closed candle.
    """

    name = 'replay'

    def __init__(
        self, path: Path | str, symbols: list[str], timeframe: str, *, speed: Speed = 1.0, sleep: Sleep = asyncio.sleep
    ) -> None:
        super().__init__(symbols[:1], timeframe)
        self.path = Path(path)
        self.speed = speed
        self._sleep = sleep
        self.bars: Bars | None = None

    async def connect(self, last_candles: Mapping[str, Candle | None]) -> History:
        self.status = FeedStatus.CONNECTING
        try:
            self.bars = load_bars(self.path)
        except ValueError as error:
            self.status, self.status_message = FeedStatus.FAILED, str(error)
            raise FeedError(str(error)) from None
        self.status, self.status_message = FeedStatus.LIVE, f'replaying {self.path.name} {describe_speed(self.speed)}'
        return ()

    async def stream(self) -> AsyncIterator[FeedItem]:
        bars = self.bars
        if bars is None:
            raise FeedError('connect() the feed before streaming')
        symbol = self.symbols[0]
        is_max = self.speed == 'max'
        pause = 0.0 if self.speed == 'max' else bars.interval_s / self.speed / POINTS
        for i in range(len(bars)):
            candle = bars.candle(symbol, i)
            path = bar_path(candle.open, candle.high, candle.low, candle.close)
            if is_max:  # unpaced, but the event loop gets a turn before every bar
                await self._sleep(0)
            for time, price in zip(path_times(candle.time, bars.interval_s), path, strict=True):
                if not is_max:
                    await self._sleep(pause)
                yield Tick(symbol, time, price)
            yield candle
        self.status, self.status_message = FeedStatus.ENDED, f'{self.path.name} replayed to the end ({len(bars)} bars)'
