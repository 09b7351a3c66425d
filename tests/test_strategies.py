"""Strategy rules on crafted candles and indicator values."""

import math

import pytest

from oracle_ui.engine.models import Candle, Regime, Side, SignalKind
from oracle_ui.engine.strategies import StrategyError, create_strategy, parse_assignments


class View:
    """A crafted indicator view: ``current`` now, ``previous`` one candle before."""

    def __init__(self, current: dict[str, float], previous: dict[str, float] | None = None) -> None:
        self.current, self.previous = current, previous or {}

    def __getitem__(self, name: str) -> float:
        return self.current.get(name, math.nan)

    def prev(self, name: str) -> float:
        return self.previous.get(name, math.nan)


def candle(close: float = 100.0, *, high: float | None = None, low: float | None = None, volume: float = 10.0):
    return Candle(
        'BTC/USDT',
        0,
        close,
        high if high is not None else close + 1,
        low if low is not None else close - 1,
        close,
        volume,
    )


def trend_view(**overrides: float) -> View:
    values = {
        'adx': 30.0,
        'adx_plus_di': 30.0,
        'adx_minus_di': 10.0,
        'bb_upper': 102.5,
        'bb_middle': 100.0,
        'bb_lower': 97.5,
        'ema_fast': 99.5,
        'ema_mid': 99.0,
        'ema_slow': 98.0,
        'macd': 0.5,
        'macd_signal': 0.2,
        'rsi': 60.0,
        'atr': 2.0,
        'vol_sma': 5.0,
    }
    values.update(overrides)
    return View(values)


def range_view(**overrides: float) -> View:
    values = {
        'adx': 15.0,
        'adx_plus_di': 20.0,
        'adx_minus_di': 18.0,
        'bb_upper': 104.0,
        'bb_middle': 101.0,
        'bb_lower': 98.0,
        'rsi': 28.0,
        'atr': 1.0,
    }
    values.update(overrides)
    return View(values)


def test_regime_detection_uses_adx_direction_and_width_as_a_fraction() -> None:
    regime = create_strategy('regime')
    assert regime.classify(trend_view()).regime is Regime.TRENDING_UP
    assert regime.classify(trend_view(adx_plus_di=5.0)).regime is Regime.TRENDING_DOWN
    assert regime.classify(range_view()).regime is Regime.SIDEWAYS
    wide = range_view(bb_upper=110.0, bb_lower=90.0)  # width 0.198 > 0.10
    assert regime.classify(wide).regime is Regime.VOLATILE
    normal = regime.classify(range_view(bb_upper=102.5, bb_lower=97.5))  # 5 % wide: normal, not "5 > 0.10"
    assert normal.volatility == 'normal' and normal.regime is Regime.SIDEWAYS
    assert regime.classify(View({})) is None


def test_trend_long_scores_caps_at_one_and_brackets_with_atr() -> None:
    signal = create_strategy('regime').evaluate(candle(100.0, low=99.0, volume=10.0), trend_view(), None)
    assert signal is not None and signal.kind is SignalKind.LONG
    assert signal.strength == 1.0, '0.4 + 0.3 + 0.3 + 0.1 volume bonus is capped at 1.0'
    assert signal.stop_loss == pytest.approx(99.0 - 1.5 * 2.0)
    assert signal.take_profit == pytest.approx(100.0 + 2.0 * (100.0 - 96.0))
    assert signal.leverage == 15 and signal.regime is Regime.TRENDING_UP


def test_trend_short_is_the_mirror() -> None:
    view = trend_view(
        adx_plus_di=10.0, adx_minus_di=30.0, ema_fast=100.5, ema_mid=101.0, ema_slow=102.0, macd=-0.5, rsi=40.0
    )
    signal = create_strategy('trend_following').evaluate(candle(100.0, high=101.0, volume=1.0), view, None)
    assert signal is not None and signal.kind is SignalKind.SHORT
    assert signal.strength == pytest.approx(1.0) and signal.leverage == 15
    assert signal.stop_loss == pytest.approx(101.0 + 3.0)


@pytest.mark.parametrize(
    'overrides',
    [
        {'ema_fast': 98.5},  # EMAs not aligned
        {'macd': 0.1, 'rsi': 75.0},  # score 0.4 < 0.5 (volume below its average: no bonus)
        {'adx': 18.0},  # not trending
    ],
)
def test_trend_does_not_trigger_without_its_conditions(overrides) -> None:
    view = trend_view(**overrides)
    assert create_strategy('trend_following').evaluate(candle(100.0, volume=1.0), view, None) is None


def test_volume_bonus_alone_lifts_the_base_score_to_the_threshold() -> None:
    signal = create_strategy('trend_following').evaluate(
        candle(100.0, volume=10.0), trend_view(macd=0.1, rsi=75.0), None
    )
    assert signal is not None and signal.strength == pytest.approx(0.5) and signal.leverage == 5


def test_trend_needs_no_open_position_and_halves_leverage_when_volatile() -> None:
    strategy = create_strategy('trend_following')
    assert strategy.evaluate(candle(100.0), trend_view(), Side.LONG) is None
    signal = strategy.evaluate(candle(100.0, volume=1.0), trend_view(macd=0.1, bb_upper=110.0, bb_lower=90.0), None)
    assert signal is not None and signal.strength == pytest.approx(0.7)
    assert signal.leverage == 5, '10x tier halved in high volatility'


def test_range_long_at_lower_band_with_oversold_rsi() -> None:
    signal = create_strategy('regime').evaluate(candle(98.5, low=97.5), range_view(rsi=28.0), None)
    assert signal is not None and signal.kind is SignalKind.LONG
    assert signal.strength == pytest.approx(0.8) and signal.leverage == 3
    assert signal.stop_loss == pytest.approx(97.5 - 1.0)
    assert signal.take_profit == pytest.approx(min(98.5 + 1.5 * 2.0, 101.0)), 'capped at the middle band'
    strong = create_strategy('range_trading').evaluate(candle(98.5, low=97.5), range_view(rsi=20.0), None)
    assert strong.strength == pytest.approx(1.0) and strong.leverage == 5


def test_range_short_at_upper_band() -> None:
    signal = create_strategy('range_trading').evaluate(candle(103.5, high=104.5), range_view(rsi=72.0), None)
    assert signal is not None and signal.kind is SignalKind.SHORT
    assert signal.take_profit == pytest.approx(max(103.5 - 1.5 * 2.0, 101.0))


@pytest.mark.parametrize(('close', 'low', 'rsi'), [(99.0, 98.5, 28.0), (98.5, 97.5, 35.0)])
def test_range_does_not_trigger_off_the_band_or_without_rsi_extreme(close, low, rsi) -> None:
    assert create_strategy('range_trading').evaluate(candle(close, low=low), range_view(rsi=rsi), None) is None


def test_range_does_not_trade_in_high_volatility() -> None:
    view = range_view(bb_upper=120.0, bb_lower=97.9, bb_middle=109.0)
    assert create_strategy('regime').evaluate(candle(98.5, low=97.5), view, None) is None


def test_sma_cross_enters_on_cross_above_and_exits_on_cross_below() -> None:
    s = create_strategy('sma_cross', {'fast': 3, 'slow': 5})
    above = View({'sma_fast': 11.0, 'sma_slow': 10.0}, {'sma_fast': 9.5, 'sma_slow': 10.0})
    below = View({'sma_fast': 9.0, 'sma_slow': 10.0}, {'sma_fast': 10.5, 'sma_slow': 10.0})
    stays = View({'sma_fast': 11.0, 'sma_slow': 10.0}, {'sma_fast': 10.5, 'sma_slow': 10.0})
    assert s.evaluate(candle(), above, None).kind is SignalKind.LONG
    assert s.evaluate(candle(), above, Side.LONG) is None
    assert s.evaluate(candle(), below, Side.LONG).kind is SignalKind.FLAT
    assert s.evaluate(candle(), below, None) is None
    assert s.evaluate(candle(), stays, None) is None


def test_unknown_strategy_and_bad_parameters_list_what_is_valid() -> None:
    with pytest.raises(StrategyError, match=r"unknown strategy 'macd_magic'; valid: regime, trend_following"):
        create_strategy('macd_magic')
    with pytest.raises(StrategyError, match=r'fast \(30\) must be smaller than slow \(20\).*Valid: fast=10; slow=20'):
        create_strategy('sma_cross', {'fast': 30})
    with pytest.raises(StrategyError, match=r'trend\.min_score') as error:
        create_strategy('regime', parse_assignments(['trend.min_score=2']))
    valid = str(error.value).partition('Valid: ')[2].split('; ')  # tuple defaults stay whole
    assert 'trend.leverage_tiers=((0.9, 15.0), (0.7, 10.0), (0.5, 5.0))' in valid
    assert 'range.leverage_tiers=((0.95, 5.0), (0.8, 3.0))' in valid and 'trend.min_score=0.5' in valid
    with pytest.raises(StrategyError, match='Extra inputs'):
        create_strategy('sma_cross', {'fastest': 3})
    assert create_strategy('regime', parse_assignments(['trend.min_score=0.6'])).params.trend.min_score == 0.6
