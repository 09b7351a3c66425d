"""Live public market data (OHLCV and tickers, no API keys) from an exchange through ccxt (extra ``live``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

from .feed import FeedError, FeedItem, FeedStatus, History, MarketFeed, Sleep
from .models import Candle, OrderBook, Tick

PAGE_CANDLES = 1000
"""Candles asked for per ``fetch_ohlcv`` call while backfilling (what most exchanges allow at most)."""


class CcxtFeed(MarketFeed):
    """Polls ``fetch_ticker`` for ticks and ``fetch_ohlcv`` for closed candles.

    :param exchange_id: a ccxt exchange id such as ``binance`` or ``kraken``
    :param exchange: a ready ccxt async exchange object (tests pass one whose network calls are replaced)
    :param poll_s: seconds between polls of each symbol
    :param history_candles: closed candles fetched on connect when none are stored, and how far back at most the
        gap since the last stored candle is filled (paged, :data:`PAGE_CANDLES` a request)
    """

    name = 'ccxt'

    def __init__(
        self,
        exchange_id: str,
        symbols: list[str],
        timeframe: str,
        *,
        exchange: Any = None,
        poll_s: float = 2.0,
        history_candles: int = 300,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(symbols, timeframe)
        self.exchange_id = exchange_id
        self.exchange = exchange
        self.poll_s = poll_s
        self.history_candles = history_candles
        self._sleep = sleep
        self._last_closed: dict[str, int] = {}

    def _ccxt(self) -> Any:
        try:
            import ccxt.async_support as ccxt_async
        except ImportError:
            raise FeedError("the ccxt feed needs ccxt: pip install 'oracle-trader[live]'") from None
        return ccxt_async

    async def connect(self, last_candles: Mapping[str, Candle | None]) -> History:
        ccxt_async = self._ccxt()
        self.status = FeedStatus.CONNECTING
        if self.exchange is None:
            factory = getattr(ccxt_async, self.exchange_id, None)
            if factory is None:
                raise self._fail(
                    f'unknown exchange {self.exchange_id!r}; ccxt knows e.g. binance, kraken, okx, bybit, coinbase'
                )
            self.exchange = factory({'enableRateLimit': True})
        history: list[list[Candle]] = []  # one batch per symbol
        try:
            markets = await self.exchange.load_markets()
            unknown = [s for s in self.symbols if s not in markets]
            if unknown:
                raise self._fail(f'{self.exchange_id} does not list {", ".join(unknown)}')
            for symbol in self.symbols:
                history.append(await self._backfill(symbol, last_candles.get(symbol)))
        except ccxt_async.NetworkError as error:
            raise self._fail(
                f'cannot reach {self.exchange_id} ({type(error).__name__}): check the internet '
                'connection, or start with --feed sim'
            ) from None
        except ccxt_async.BaseError as error:
            raise self._fail(f'{self.exchange_id} refused the request: {error}') from None
        self.status, self.status_message = FeedStatus.LIVE, f'{self.exchange_id} public data'
        return history

    def _fail(self, message: str) -> FeedError:
        self.status, self.status_message = FeedStatus.FAILED, message
        return FeedError(message)

    async def _backfill(self, symbol: str, last: Candle | None) -> list[Candle]:
        """The closed candles after ``last`` (or the last ``history_candles`` of them), a page at a time."""
        period_ms = self.timeframe_s * 1000
        oldest = self.exchange.milliseconds() - self.history_candles * period_ms
        if last is not None:
            self._last_closed[symbol] = last.time  # nothing stored comes again
        since = max(oldest, (last.time * 1000 + period_ms) if last is not None else oldest)
        candles: list[Candle] = []
        while True:
            rows = await self.exchange.fetch_ohlcv(symbol, self.timeframe, since=since, limit=PAGE_CANDLES)
            fresh = self._closed(symbol, rows)
            if not fresh:
                return candles
            candles += fresh
            since = fresh[-1].time * 1000 + period_ms

    def _closed(self, symbol: str, rows: list[list[float]]) -> list[Candle]:
        """Candles from OHLCV rows newer than the last one emitted, without the one still forming."""
        now_ms = self.exchange.milliseconds()
        last = self._last_closed.get(symbol, -1)
        candles = []
        for t, o, h, low, c, v in rows:
            start = int(t // 1000)
            if start > last and t + self.timeframe_s * 1000 <= now_ms:
                candles.append(Candle(symbol, start, float(o), float(h), float(low), float(c), float(v or 0.0)))
        if candles:
            self._last_closed[symbol] = candles[-1].time
        return candles

    async def stream(self) -> AsyncIterator[FeedItem]:
        ccxt_async = self._ccxt()
        if self.exchange is None:
            raise FeedError('connect() the feed before streaming')
        failures = 0
        polls = 0
        while True:
            polls += 1
            try:
                for symbol in self.symbols:
                    ticker = await self.exchange.fetch_ticker(symbol)
                    price = ticker.get('last') or ticker.get('close')
                    if price:
                        yield Tick(
                            symbol, (ticker.get('timestamp') or self.exchange.milliseconds()) / 1000.0, float(price)
                        )
                    rows = await self.exchange.fetch_ohlcv(symbol, self.timeframe, limit=3)
                    for candle in self._closed(symbol, rows):
                        yield candle
                    if polls % 5 == 1:
                        book = await self.exchange.fetch_order_book(symbol, limit=10)
                        yield OrderBook(
                            symbol,
                            (book.get('timestamp') or self.exchange.milliseconds()) / 1000.0,
                            tuple((float(p), float(a)) for p, a, *_ in book.get('bids', [])[:10]),
                            tuple((float(p), float(a)) for p, a, *_ in book.get('asks', [])[:10]),
                        )
                failures = 0
                self.status, self.status_message = FeedStatus.LIVE, f'{self.exchange_id} public data'
            except ccxt_async.NetworkError as error:
                failures += 1
                self.status_message = f'{self.exchange_id} unreachable ({type(error).__name__}), retry {failures}/5'
                if failures >= 5:
                    raise self._fail(
                        f'lost connection to {self.exchange_id} after 5 retries; check the network'
                    ) from None
            await self._sleep(self.poll_s)

    async def close(self) -> None:
        if self.exchange is not None:
            await self.exchange.close()
