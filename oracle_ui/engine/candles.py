"""Candles of every timeframe built from the feed's base candles by one resampling path: history is resampled
in bulk, live candles roll up one base candle at a time, and both give the same candles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..timeframes import timeframe_seconds
from .models import Candle

CHART_TIMEFRAMES = ('1m', '5m', '15m', '1h', '4h', '1d')
"""The timeframes charts offer (those that whole base candles make up)."""


def higher_timeframes(base: str, candidates: Iterable[str] = CHART_TIMEFRAMES) -> list[str]:
    """The ``candidates`` longer than ``base`` that whole ``base`` candles make up."""
    base_s = timeframe_seconds(base)
    return [tf for tf in candidates if timeframe_seconds(tf) > base_s and timeframe_seconds(tf) % base_s == 0]


def merge(into: Candle | None, candle: Candle, start: int) -> Candle:
    """``candle`` folded into the bucket candle ``into`` (which opens at ``start``), or a new bucket candle."""
    if into is None or into.time != start:
        return Candle(candle.symbol, start, candle.open, candle.high, candle.low, candle.close, candle.volume)
    return Candle(
        candle.symbol,
        start,
        into.open,
        max(into.high, candle.high),
        min(into.low, candle.low),
        candle.close,
        into.volume + candle.volume,
    )


def resample(candles: Sequence[Candle], length_s: int) -> list[Candle]:
    """Aggregate time-ordered candles into ``length_s`` buckets (a multiple of their own length); the last bucket
    may be incomplete."""
    out: list[Candle] = []
    for candle in candles:
        start = candle.time - candle.time % length_s
        bucket = out[-1] if out and out[-1].time == start else None
        merged = merge(bucket, candle, start)
        if bucket is None:
            out.append(merged)
        else:
            out[-1] = merged
    return out


class CandleRollup:
    """Higher-timeframe candles of one symbol, completed as base candles close.

    :param base: the feed's timeframe
    :param timeframes: the longer timeframes to build (each a multiple of ``base``)
    """

    def __init__(self, base: str, timeframes: Iterable[str]) -> None:
        self.base_s = timeframe_seconds(base)
        self.lengths = {tf: timeframe_seconds(tf) for tf in timeframes}
        self.forming: dict[str, Candle | None] = dict.fromkeys(self.lengths)
        """Each timeframe's candle still open, made of the base candles closed so far."""
        self._whole: dict[str, bool] = dict.fromkeys(self.lengths, False)
        """The forming candle holds every base candle of its period so far (one joined mid-period is partial)."""

    def add(self, candle: Candle) -> list[tuple[str, Candle]]:
        """Fold a closed base candle in; returns the (timeframe, candle) pairs it completed (a period joined in
        the middle is never returned: it would lack its first candles)."""
        done = []
        end = candle.time + self.base_s
        for tf, length in self.lengths.items():
            start = candle.time - candle.time % length
            forming = self.forming[tf]
            if forming is None or forming.time != start:
                self._whole[tf] = candle.time == start
            merged = merge(forming, candle, start)
            if end == start + length:
                if self._whole[tf]:
                    done.append((tf, merged))
                self.forming[tf] = None
            else:
                self.forming[tf] = merged
        return done

    def seed(self, tf: str, base_candles: Sequence[Candle]) -> None:
        """Start ``tf``'s forming candle from the base candles already closed in its current period."""
        self.forming[tf] = None
        for candle in base_candles:
            start = candle.time - candle.time % self.lengths[tf]
            if self.forming[tf] is None:
                self._whole[tf] = candle.time == start
            self.forming[tf] = merge(self.forming[tf], candle, start)
