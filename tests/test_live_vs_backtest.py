"""Live vs backtest on a replayed CSV: the running strategy's backtest over the stored candles of the period matches
the live trades one to one, with no slippage, no delay and the same equity; a trade only one side made is reported
as missed or extra."""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle_ui.backtest import sample_files
from oracle_ui.events import EventType, Topic
from oracle_ui.settings import RiskSettings, Settings
from oracle_ui.system import System, build_system
from oracle_ui.views.live_vs_backtest import compare_live_with_backtest

pytestmark = pytest.mark.slow


async def replayed(data_dir: Path, strategy: str, risk: RiskSettings) -> System:
    """A live system that replayed the shipped 1-minute BTC sample to its end (still open: the caller stops it)."""
    settings = Settings(
        data_dir=data_dir,
        feed=f'replay:{sample_files()["BTCUSDT_sim_1m.csv"]}',
        symbols=['BTC/USDT'],
        timeframe='1m',
        speed='max',
        strategy=strategy,
        risk=risk,
        commission=0.001,
        autostart=True,
        show=False,
        _env_file=None,
    )
    system = build_system(settings)
    async with system.bus.stream([Topic.NOTIFICATIONS], types=[EventType.NOTIFICATION]) as notifications:
        await system.start()
        async for event in notifications:
            if event.data['category'] == 'feed':
                break
    return system


@pytest.mark.parametrize(
    ('strategy', 'risk'),
    [
        ('sma_cross', RiskSettings(sizing='fixed', fixed_margin=1000, max_positions=1, max_daily_loss_pct=100)),
        ('regime', RiskSettings(sizing='risk', risk_pct=1, max_positions=1, max_daily_loss_pct=100)),
    ],
)
async def test_a_replay_matches_its_backtest_trade_for_trade(tmp_path: Path, strategy: str, risk: RiskSettings) -> None:
    system = await replayed(tmp_path / 'data', strategy, risk)
    try:
        first, last = system.store.candle_span('BTC/USDT', '1m') or (0, 0)
        comparison = compare_live_with_backtest(system, first, last + 60)
        live_trades = system.store.trades(newest_first=False)
        assert len(comparison.matched) == len(live_trades) >= 50
        assert comparison.missed == [] and comparison.extra == []
        for pair in comparison.matched:
            assert pair.entry_slippage == pytest.approx(0, abs=1e-9) and pair.entry_delay_s == 0
            if pair.live.exit_time is not None:
                assert pair.exit_slippage == pytest.approx(0, abs=1e-9) and pair.exit_delay_s == 0
                assert pair.pnl_difference == pytest.approx(0, abs=1e-9)
        assert comparison.backtest.trades == comparison.live.trades
        assert comparison.backtest.net_pnl == pytest.approx(comparison.live.net_pnl, rel=1e-9)
        assert comparison.backtest_equity[1][-1] == pytest.approx(system.engine.broker.equity, rel=1e-9)
        # the live curve is a chart series: 7 significant digits (analytics.CHART_DIGITS)
        assert comparison.live_equity[1][-1] == pytest.approx(comparison.backtest_equity[1][-1], rel=1e-6)
    finally:
        await system.stop()


async def test_trades_only_one_side_made_are_missed_or_extra(tmp_path: Path) -> None:
    """Live with a daily loss limit the backtest does not have: the trades it skipped are 'missed'."""
    risk = RiskSettings(sizing='fixed', fixed_margin=3000, max_positions=1, max_daily_loss_pct=0.5)
    system = await replayed(tmp_path / 'data', 'sma_cross', risk)
    try:
        first, last = system.store.candle_span('BTC/USDT', '1m') or (0, 0)
        comparison = compare_live_with_backtest(system, first, last + 60)
        live_trades = system.store.trades(newest_first=False)
        assert comparison.missed, 'the backtest kept trading after the live daily limit stopped new trades'
        assert len(comparison.matched) == len(live_trades) and comparison.extra == []
        assert len(comparison.matched) + len(comparison.missed) == comparison.backtest.trades + sum(
            1 for t in comparison.missed + [p.backtest for p in comparison.matched] if t.exit_time is None
        )
    finally:
        await system.stop()
