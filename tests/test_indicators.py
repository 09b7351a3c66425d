"""Indicators, batch (TA-Lib) and live (incremental), against textbook definitions computed here."""

import math

import numpy as np
import pytest

from oracle_ui.engine import indicators as ind


def _series(n: int = 600, seed: int = 3) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 1, n))
    high = close + rng.random(n) * 2
    low = close - rng.random(n) * 2
    open_ = close + rng.normal(0, 0.3, n)
    high, low = np.maximum(high, open_), np.minimum(low, open_)
    volume = rng.random(n) * 1000 + 1
    return open_, high, low, close, volume


def ref_sma(x: list[float], n: int) -> list[float]:
    return [math.nan if i < n - 1 else sum(x[i - n + 1 : i + 1]) / n for i in range(len(x))]


def ref_ema(x: list[float], n: int) -> list[float]:
    out, k = [math.nan] * len(x), 2 / (n + 1)
    value = sum(x[:n]) / n
    out[n - 1] = value
    for i in range(n, len(x)):
        value = value + k * (x[i] - value)
        out[i] = value
    return out


def ref_wilder(values: list[float], n: int, first: int) -> list[float]:
    """Wilder's moving average of values[first:], seeded with their first n values' mean."""
    out = [math.nan] * len(values)
    value = sum(values[first : first + n]) / n
    out[first + n - 1] = value
    for i in range(first + n, len(values)):
        value = (value * (n - 1) + values[i]) / n
        out[i] = value
    return out


def ref_rsi(close: list[float], n: int = 14) -> list[float]:
    gains = [0.0] + [max(close[i] - close[i - 1], 0.0) for i in range(1, len(close))]
    losses = [0.0] + [max(close[i - 1] - close[i], 0.0) for i in range(1, len(close))]
    g, l_ = ref_wilder(gains, n, 1), ref_wilder(losses, n, 1)
    return [math.nan if math.isnan(a) else 100 * a / (a + b) for a, b in zip(g, l_, strict=True)]


def ref_true_range(high: list[float], low: list[float], close: list[float]) -> list[float]:
    return [high[0] - low[0]] + [
        max(high[i] - low[i], abs(high[i] - close[i - 1]), abs(low[i] - close[i - 1])) for i in range(1, len(close))
    ]


def ref_adx(high: list[float], low: list[float], close: list[float], n: int = 14) -> tuple[list[float], ...]:
    """Wilder's DMI: smoothed sums (first n-1 summed), DI = 100 * DM/TR, ADX = Wilder mean of DX."""
    size = len(close)
    tr = ref_true_range(high, low, close)
    plus_dm, minus_dm = [0.0] * size, [0.0] * size
    for i in range(1, size):
        up, down = high[i] - high[i - 1], low[i - 1] - low[i]
        plus_dm[i] = up if up > down and up > 0 else 0.0
        minus_dm[i] = down if down > up and down > 0 else 0.0
    plus_di, minus_di, dx = [math.nan] * size, [math.nan] * size, [math.nan] * size
    s_tr, s_p, s_m = sum(tr[1:n]), sum(plus_dm[1:n]), sum(minus_dm[1:n])
    for i in range(n, size):
        s_tr = s_tr - s_tr / n + tr[i]
        s_p = s_p - s_p / n + plus_dm[i]
        s_m = s_m - s_m / n + minus_dm[i]
        plus_di[i], minus_di[i] = 100 * s_p / s_tr, 100 * s_m / s_tr
        dx[i] = 100 * abs(plus_di[i] - minus_di[i]) / (plus_di[i] + minus_di[i])
    adx = [math.nan] * size
    value = sum(dx[n : 2 * n]) / n
    adx[2 * n - 1] = value
    for i in range(2 * n, size):
        value = (value * (n - 1) + dx[i]) / n
        adx[i] = value
    return adx, plus_di, minus_di


def ref_bbands(close: list[float], n: int = 20, k: float = 2.0) -> tuple[list[float], ...]:
    upper, middle, lower = [math.nan] * len(close), [math.nan] * len(close), [math.nan] * len(close)
    for i in range(n - 1, len(close)):
        window = close[i - n + 1 : i + 1]
        mean = sum(window) / n
        std = math.sqrt(sum((x - mean) ** 2 for x in window) / n)
        upper[i], middle[i], lower[i] = mean + k * std, mean, mean - k * std
    return upper, middle, lower


def ref_stoch(high: list[float], low: list[float], close: list[float], n: int = 14, s: int = 3, d: int = 3):
    fast = [math.nan] * len(close)
    for i in range(n - 1, len(close)):
        hh, ll = max(high[i - n + 1 : i + 1]), min(low[i - n + 1 : i + 1])
        fast[i] = 100 * (close[i] - ll) / (hh - ll)
    slow_k = [math.nan] * len(close)
    for i in range(n + s - 2, len(close)):
        slow_k[i] = sum(fast[i - s + 1 : i + 1]) / s
    slow_d = [math.nan] * len(close)
    for i in range(n + s + d - 3, len(close)):
        slow_d[i] = sum(slow_k[i - d + 1 : i + 1]) / d
    return slow_k, slow_d


def _live(indicators: list[ind.Indicator], o, h, low, c, v) -> dict[str, np.ndarray]:
    live = ind.LiveIndicators(indicators)
    rows = [dict(live.update(h[i], low[i], c[i], v[i])) for i in range(len(c))]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def _assert_same(actual: np.ndarray, expected: list[float], *, start: int = 0, rtol: float = 1e-9) -> None:
    expected_arr = np.array(expected)
    assert np.array_equal(np.isnan(actual[start:]), np.isnan(expected_arr[start:])), 'warm-up length differs'
    np.testing.assert_allclose(actual[start:], expected_arr[start:], rtol=rtol, atol=1e-9, equal_nan=True)


@pytest.fixture(params=['batch', 'live'])
def compute(request):
    """Both forms of every indicator must agree with the textbook."""
    return ind.compute if request.param == 'batch' else _live


def test_moving_averages_match_textbook(compute) -> None:
    o, h, low, c, v = _series()
    out = compute([ind.sma('s', 20), ind.ema('e', 10), ind.volume_sma('vs', 20)], o, h, low, c, v)
    _assert_same(out['s'], ref_sma(list(c), 20))
    _assert_same(out['e'], ref_ema(list(c), 10))
    _assert_same(out['vs'], ref_sma(list(v), 20))


def test_rsi_and_atr_use_wilder_smoothing(compute) -> None:
    o, h, low, c, v = _series()
    out = compute([ind.rsi('rsi', 14), ind.atr('atr', 14)], o, h, low, c, v)
    _assert_same(out['rsi'], ref_rsi(list(c)))
    _assert_same(out['atr'], ref_wilder(ref_true_range(list(h), list(low), list(c)), 14, 1))


def test_adx_and_directional_indicators(compute) -> None:
    o, h, low, c, v = _series()
    out = compute([ind.adx('adx', 14)], o, h, low, c, v)
    adx, plus_di, minus_di = ref_adx(list(h), list(low), list(c))
    _assert_same(out['adx'], adx)
    _assert_same(out['adx_plus_di'], plus_di)
    _assert_same(out['adx_minus_di'], minus_di)


def test_bollinger_bands_use_population_deviation(compute) -> None:
    o, h, low, c, v = _series()
    out = compute([ind.bbands('bb', 20, 2.0)], o, h, low, c, v)
    for name, values in zip(('bb_upper', 'bb_middle', 'bb_lower'), ref_bbands(list(c)), strict=True):
        _assert_same(out[name], values, rtol=1e-7)


def test_stochastic(compute) -> None:
    o, h, low, c, v = _series()
    out = compute([ind.stoch('st', 14, 3, 3)], o, h, low, c, v)
    k, d = ref_stoch(list(h), list(low), list(c))
    assert np.isnan(out['st_k'][16]) and not np.isnan(out['st_k'][17]), '%K is reported from where %D exists'
    _assert_same(out['st_k'], k, start=17)
    _assert_same(out['st_d'], d, start=17)


def test_macd_converges_to_textbook_emas(compute) -> None:
    """TA-Lib aligns the fast EMA's seed with the slow one; after the seeds decay both equal EMA12 - EMA26."""
    o, h, low, c, v = _series()
    out = compute([ind.macd('m', 12, 26, 9)], o, h, low, c, v)
    line = np.array(ref_ema(list(c), 12)) - np.array(ref_ema(list(c), 26))
    assert np.isnan(out['m'][32]) and not np.isnan(out['m'][33])
    np.testing.assert_allclose(out['m'][300:], line[300:], rtol=1e-8, atol=1e-9)
    signal = np.array([math.nan] * 25 + ref_ema(list(line[25:]), 9))
    np.testing.assert_allclose(out['m_signal'][300:], signal[300:], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(out['m_hist'][33:], out['m'][33:] - out['m_signal'][33:], atol=1e-12)


def test_live_equals_batch_over_long_history() -> None:
    """The incremental state reproduces TA-Lib over the whole history (no truncated window)."""
    o, h, low, c, v = _series(5000, seed=11)
    indicators = [
        ind.ema('e', 50),
        ind.rsi('r'),
        ind.macd('m'),
        ind.adx('a'),
        ind.atr('atr'),
        ind.bbands('bb'),
        ind.stoch('st'),
    ]
    batch, live = ind.compute(indicators, o, h, low, c, v), _live(indicators, o, h, low, c, v)
    for name, values in batch.items():
        np.testing.assert_allclose(live[name], values, rtol=1e-9, atol=1e-8, equal_nan=True, err_msg=name)


def test_unknown_indicator_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match='unknown indicator kind'):
        ind.LiveIndicators([ind.Indicator('x', 'vwap', (14,))])
