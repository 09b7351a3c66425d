"""Technical indicators with TA-Lib's definitions, in two forms behind one description.

* :func:`compute` runs TA-Lib over whole arrays (backtests, chart history).
* :class:`LiveIndicators` keeps O(1) incremental state per indicator, so a new candle costs the same whatever
  the history length, and gives the same values TA-Lib would over the full history (same seeding, Wilder
  smoothing for RSI/ATR/ADX; no truncated window, which would change EMA and Wilder values).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import talib

NAN = math.nan
_ZERO = 1e-14  # TA-Lib's TA_IS_ZERO
SMA_AVERAGE = talib.MA_Type.SMA  # type: ignore[attr-defined]  # exported at run time, not in TA-Lib's stubs
"""TA-Lib's simple moving average, for the indicators that take an averaging type (Bollinger, Stochastic)."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator instance: ``key`` names its outputs, ``kind`` says what it computes.

    Outputs: sma/ema/rsi/atr/volume_sma -> ``key``; macd -> ``key``, ``key_signal``, ``key_hist``;
    bbands -> ``key_upper``, ``key_middle``, ``key_lower``; adx -> ``key``, ``key_plus_di``, ``key_minus_di``;
    stoch -> ``key_k``, ``key_d``.
    """

    key: str
    kind: str
    params: tuple[float, ...]

    @property
    def outputs(self) -> tuple[str, ...]:
        suffixes = _OUTPUTS[self.kind]
        return tuple(f'{self.key}_{s}' if s else self.key for s in suffixes)


_OUTPUTS: dict[str, tuple[str, ...]] = {
    'sma': ('',),
    'ema': ('',),
    'rsi': ('',),
    'atr': ('',),
    'volume_sma': ('',),
    'macd': ('', 'signal', 'hist'),
    'bbands': ('upper', 'middle', 'lower'),
    'adx': ('', 'plus_di', 'minus_di'),
    'stoch': ('k', 'd'),
}


def sma(key: str, period: int) -> Indicator:
    return Indicator(key, 'sma', (period,))


def ema(key: str, period: int) -> Indicator:
    return Indicator(key, 'ema', (period,))


def rsi(key: str, period: int = 14) -> Indicator:
    return Indicator(key, 'rsi', (period,))


def atr(key: str, period: int = 14) -> Indicator:
    return Indicator(key, 'atr', (period,))


def volume_sma(key: str, period: int = 20) -> Indicator:
    return Indicator(key, 'volume_sma', (period,))


def macd(key: str, fast: int = 12, slow: int = 26, signal: int = 9) -> Indicator:
    return Indicator(key, 'macd', (fast, slow, signal))


def bbands(key: str, period: int = 20, std: float = 2.0) -> Indicator:
    return Indicator(key, 'bbands', (period, std))


def adx(key: str, period: int = 14) -> Indicator:
    return Indicator(key, 'adx', (period,))


def stoch(key: str, k_period: int = 14, k_smooth: int = 3, d_period: int = 3) -> Indicator:
    return Indicator(key, 'stoch', (k_period, k_smooth, d_period))


# ---- whole series (TA-Lib) ---------------------------------------------------------------------------------
def compute(
    indicators: Iterable[Indicator],
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
) -> dict[str, np.ndarray]:
    """All outputs of ``indicators`` over whole float64 arrays (NaN where not yet defined)."""
    out: dict[str, np.ndarray] = {}
    for ind in indicators:
        p = ind.params
        if ind.kind == 'sma':
            values: tuple[np.ndarray, ...] = (talib.SMA(close, int(p[0])),)
        elif ind.kind == 'ema':
            values = (talib.EMA(close, int(p[0])),)
        elif ind.kind == 'rsi':
            values = (talib.RSI(close, int(p[0])),)
        elif ind.kind == 'atr':
            values = (talib.ATR(high, low, close, int(p[0])),)
        elif ind.kind == 'volume_sma':
            values = (talib.SMA(volume, int(p[0])),)
        elif ind.kind == 'macd':
            values = talib.MACD(close, int(p[0]), int(p[1]), int(p[2]))
        elif ind.kind == 'bbands':
            values = talib.BBANDS(close, int(p[0]), p[1], p[1], SMA_AVERAGE)
        elif ind.kind == 'adx':
            n = int(p[0])
            values = (
                talib.ADX(high, low, close, n),
                talib.PLUS_DI(high, low, close, n),
                talib.MINUS_DI(high, low, close, n),
            )
        elif ind.kind == 'stoch':
            values = talib.STOCH(high, low, close, int(p[0]), int(p[1]), SMA_AVERAGE, int(p[2]), SMA_AVERAGE)
        else:
            raise ValueError(f'unknown indicator kind {ind.kind!r}')
        out.update(zip(ind.outputs, values, strict=True))
    return out


# ---- incremental (live) ------------------------------------------------------------------------------------
class _Sma:
    __slots__ = ('n', 'total', 'window')

    def __init__(self, n: int) -> None:
        self.n, self.window, self.total = n, deque[float](), 0.0

    def update(self, x: float) -> float:
        self.window.append(x)
        self.total += x
        if len(self.window) > self.n:
            self.total -= self.window.popleft()
        return self.total / self.n if len(self.window) == self.n else NAN


class _Ema:
    """EMA seeded with the SMA of its first ``n`` inputs (TA-Lib's default)."""

    __slots__ = ('k', 'n', 'seed', 'value')

    def __init__(self, n: int) -> None:
        self.n, self.k, self.value = n, 2.0 / (n + 1), NAN
        self.seed: list[float] | None = []

    def update(self, x: float) -> float:
        if self.seed is not None:
            self.seed.append(x)
            if len(self.seed) < self.n:
                return NAN
            self.value, self.seed = sum(self.seed) / self.n, None
            return self.value
        self.value = (x - self.value) * self.k + self.value
        return self.value


class _Wilder:
    """Wilder's smoothing seeded with the simple mean of the first ``n`` inputs."""

    __slots__ = ('count', 'n', 'value')

    def __init__(self, n: int) -> None:
        self.n, self.count, self.value = n, 0, 0.0

    def update(self, x: float) -> float:
        if self.count < self.n:
            self.count += 1
            self.value += x
            if self.count < self.n:
                return NAN
            self.value /= self.n
            return self.value
        self.value = (self.value * (self.n - 1) + x) / self.n
        return self.value


class _Rsi:
    __slots__ = ('gain', 'loss', 'prev')

    def __init__(self, n: int) -> None:
        self.gain, self.loss, self.prev = _Wilder(n), _Wilder(n), NAN

    def update(self, close: float) -> float:
        prev, self.prev = self.prev, close
        if math.isnan(prev):
            return NAN
        change = close - prev
        gain = self.gain.update(change if change > 0 else 0.0)
        loss = self.loss.update(-change if change < 0 else 0.0)
        if math.isnan(gain):
            return NAN
        total = gain + loss
        return 100.0 * gain / total if total > _ZERO or total < -_ZERO else 0.0


def _true_range(high: float, low: float, prev_close: float) -> float:
    return max(high, prev_close) - min(low, prev_close)


class _Atr:
    __slots__ = ('prev_close', 'wilder')

    def __init__(self, n: int) -> None:
        self.wilder, self.prev_close = _Wilder(n), NAN

    def update(self, high: float, low: float, close: float) -> float:
        prev, self.prev_close = self.prev_close, close
        return NAN if math.isnan(prev) else self.wilder.update(_true_range(high, low, prev))


class _Macd:
    """TA-Lib's MACD: both EMAs first defined at bar ``slow - 1`` (the fast one seeded from the ``fast`` closes
    ending there), the signal EMA seeded from the first ``signal`` MACD values."""

    __slots__ = ('count', 'fast', 'fast_value', 'history', 'signal', 'slow')

    def __init__(self, fast: int, slow: int, signal: int) -> None:
        fast, slow = min(fast, slow), max(fast, slow)
        self.fast, self.slow, self.signal = _Ema(fast), _Ema(slow), _Ema(signal)
        self.history = deque[float](maxlen=fast - 1)
        self.count = 0
        self.fast_value = NAN

    def update(self, close: float) -> tuple[float, float, float]:
        self.count += 1
        slow = self.slow.update(close)
        if math.isnan(slow):
            self.history.append(close)
            return NAN, NAN, NAN
        if self.history:  # the fast EMA starts where the slow one does
            for x in self.history:
                self.fast.update(x)
            self.history.clear()
        fast = self.fast.update(close)
        line = fast - slow
        signal = self.signal.update(line)
        if math.isnan(signal):
            return NAN, NAN, NAN
        return line, signal, line - signal


class _Bbands:
    """Middle = SMA, bands = middle +/- k * population standard deviation (running sums, as TA-Lib)."""

    __slots__ = ('k', 'n', 'total', 'total2', 'window')

    def __init__(self, n: int, k: float) -> None:
        self.n, self.k, self.window, self.total, self.total2 = n, k, deque[float](), 0.0, 0.0

    def update(self, x: float) -> tuple[float, float, float]:
        self.window.append(x)
        self.total += x
        self.total2 += x * x
        if len(self.window) > self.n:
            old = self.window.popleft()
            self.total -= old
            self.total2 -= old * old
        if len(self.window) < self.n:
            return NAN, NAN, NAN
        mean = self.total / self.n
        variance = self.total2 / self.n - mean * mean
        dev = self.k * math.sqrt(variance) if variance > _ZERO else 0.0
        return mean + dev, mean, mean - dev


class _Adx:
    """TA-Lib's ADX with +DI/-DI: Wilder-smoothed DM and TR sums (first n-1 summed), ADX = Wilder mean of DX."""

    __slots__ = ('adx', 'bars', 'dx_count', 'minus_dm', 'n', 'plus_dm', 'prev', 'tr')

    def __init__(self, n: int) -> None:
        self.n = n
        self.bars = 0
        self.prev: tuple[float, float, float] | None = None
        self.plus_dm = self.minus_dm = self.tr = 0.0
        self.dx_count = 0
        self.adx = 0.0

    def update(self, high: float, low: float, close: float) -> tuple[float, float, float]:
        prev, self.prev = self.prev, (high, low, close)
        if prev is None:
            return NAN, NAN, NAN
        self.bars += 1
        n = self.n
        diff_plus, diff_minus = high - prev[0], prev[1] - low
        plus = diff_plus if diff_plus > 0 and diff_plus > diff_minus else 0.0
        minus = diff_minus if diff_minus > 0 and diff_minus > diff_plus else 0.0
        tr = _true_range(high, low, prev[2])
        if self.bars < n:
            self.plus_dm += plus
            self.minus_dm += minus
            self.tr += tr
            return NAN, NAN, NAN
        self.plus_dm += plus - self.plus_dm / n
        self.minus_dm += minus - self.minus_dm / n
        self.tr += tr - self.tr / n
        if -_ZERO < self.tr < _ZERO:
            return (self.adx if self.dx_count > n else NAN), 0.0, 0.0
        plus_di, minus_di = 100.0 * self.plus_dm / self.tr, 100.0 * self.minus_dm / self.tr
        total = plus_di + minus_di
        dx = 100.0 * abs(plus_di - minus_di) / total if not -_ZERO < total < _ZERO else None
        if self.dx_count < n:
            self.dx_count += 1
            self.adx += dx or 0.0
            if self.dx_count < n:
                return NAN, plus_di, minus_di
            self.adx /= n
            self.dx_count += 1
            return self.adx, plus_di, minus_di
        if dx is not None:
            self.adx = (self.adx * (n - 1) + dx) / n
        return self.adx, plus_di, minus_di


class _Stoch:
    """Slow stochastic: %K over ``k_period`` bars smoothed by an SMA, %D an SMA of that."""

    __slots__ = ('closes', 'd', 'highs', 'k_smooth', 'lows')

    def __init__(self, k_period: int, k_smooth: int, d_period: int) -> None:
        self.highs, self.lows = deque[float](maxlen=k_period), deque[float](maxlen=k_period)
        self.k_smooth, self.d = _Sma(k_smooth), _Sma(d_period)
        self.closes = k_period

    def update(self, high: float, low: float, close: float) -> tuple[float, float]:
        self.highs.append(high)
        self.lows.append(low)
        if len(self.highs) < self.closes:
            return NAN, NAN
        highest, lowest = max(self.highs), min(self.lows)
        span = highest - lowest
        fast_k = 100.0 * (close - lowest) / span if span > _ZERO else 0.0
        slow_k = self.k_smooth.update(fast_k)
        if math.isnan(slow_k):
            return NAN, NAN
        slow_d = self.d.update(slow_k)
        return (NAN, NAN) if math.isnan(slow_d) else (slow_k, slow_d)


Step = Callable[[float, float, float, float], tuple[float, ...]]
"""One indicator's incremental update: (high, low, close, volume) -> its outputs' values."""


class LiveIndicators:
    """Incremental values of ``indicators`` for one symbol; :meth:`update` costs O(1) per candle."""

    def __init__(self, indicators: Iterable[Indicator]) -> None:
        self.indicators = list(indicators)
        self._steps = [(_make(ind), ind.outputs) for ind in self.indicators]  # names made once, not per candle
        self.values: dict[str, float] = {name: NAN for _, outputs in self._steps for name in outputs}
        self.count = 0

    def update(self, high: float, low: float, close: float, volume: float) -> Mapping[str, float]:
        """Feed one closed candle; returns all current values (NaN until warmed up)."""
        values = self.values
        for step, outputs in self._steps:
            results = step(high, low, close, volume)
            if len(outputs) == 1:
                values[outputs[0]] = results[0]
            else:
                values.update(zip(outputs, results, strict=True))
        self.count += 1
        return values


def _make(ind: Indicator) -> Step:
    p = [int(x) for x in ind.params]
    kind = ind.kind
    if kind in ('sma', 'ema', 'rsi', 'volume_sma'):
        single = _Ema(p[0]) if kind == 'ema' else _Rsi(p[0]) if kind == 'rsi' else _Sma(p[0])
        if kind == 'volume_sma':
            return lambda _h, _l, _c, v: (single.update(v),)
        return lambda _h, _l, c, _v: (single.update(c),)
    if kind == 'atr':
        atr = _Atr(p[0])
        return lambda h, lo, c, _v: (atr.update(h, lo, c),)
    if kind in ('macd', 'bbands'):
        series = _Macd(p[0], p[1], p[2]) if kind == 'macd' else _Bbands(p[0], ind.params[1])
        return lambda _h, _l, c, _v: series.update(c)
    if kind in ('adx', 'stoch'):
        ranged = _Adx(p[0]) if kind == 'adx' else _Stoch(p[0], p[1], p[2])
        return lambda h, lo, c, _v: ranged.update(h, lo, c)
    raise ValueError(f'unknown indicator kind {kind!r}; known: {", ".join(sorted(_OUTPUTS))}')
