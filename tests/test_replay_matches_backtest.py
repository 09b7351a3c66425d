"""A CSV replayed through the live system at full speed trades exactly like the backtest of the same CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle_ui.backtest import BacktestConfig, Sizing, run_backtest, sample_files
from oracle_ui.engine.bars import format_time, load_bars
from oracle_ui.engine.strategies import create_strategy
from oracle_ui.events import EventType, Topic
from oracle_ui.settings import RiskSettings, Settings
from oracle_ui.system import build_system

CASH, COMMISSION, MARGIN, RISK_PCT = 10_000.0, 0.001, 1_000.0, 1.0


async def _replay_live(csv: Path, data_dir: Path, strategy: str, sizing: Sizing, timeframe: str) -> tuple[list, float]:
    """Every trade of the live system replaying ``csv`` until the feed says it ended, and the final equity."""
    risk = RiskSettings(
        sizing='fixed' if sizing == 'fixed' else 'risk',
        fixed_margin=MARGIN,
        risk_pct=RISK_PCT,
        max_positions=1,
        max_daily_loss_pct=100,  # backtests have no daily loss limit
    )
    settings = Settings(
        data_dir=data_dir,
        feed=f'replay:{csv}',
        symbols=['BTC/USDT'],
        timeframe=timeframe,
        speed='max',
        strategy=strategy,
        risk=risk,
        starting_balance=CASH,
        commission=COMMISSION,
        autostart=True,
        show=False,
        _env_file=None,
    )
    system = build_system(settings)
    async with system.bus.stream([Topic.NOTIFICATIONS], types=[EventType.NOTIFICATION]) as notifications:
        await system.start()
        async for event in notifications:
            if event.data['category'] == 'feed':
                assert 'replayed to the end' in event.data['message']
                break
    trades, equity = system.store.trades(newest_first=False), system.engine.broker.equity
    await system.stop()
    return trades, equity


@pytest.mark.slow
@pytest.mark.parametrize(
    ('sample', 'timeframe', 'strategy', 'sizing'),
    [
        ('BTCUSDT_sim_1m.csv', '1m', 'sma_cross', 'fixed'),  # entries and strategy exits at the next open
        ('BTCUSDT_sim_1m.csv', '1m', 'regime', 'risk'),  # longs and shorts, stops, targets, leverage
        ('GOOG_daily.csv', '1d', 'regime', 'risk'),
    ],
)
async def test_live_replay_makes_the_backtests_trades(
    tmp_path: Path, sample: str, timeframe: str, strategy: str, sizing: Sizing
) -> None:
    csv = sample_files()[sample]
    live, live_equity = await _replay_live(csv, tmp_path, strategy, sizing, timeframe)
    config = BacktestConfig(cash=CASH, commission=COMMISSION, sizing=sizing, fixed_margin=MARGIN, risk_pct=RISK_PCT)
    backtest = run_backtest(load_bars(csv), create_strategy(strategy), config)
    assert len(backtest.trades) >= 50
    assert len(live) == len(backtest.trades)
    exits = {'CLOSED_SL': 0, 'CLOSED_TP': 0, 'CLOSED_BOT_EXIT': 0, 'CLOSED_LIQUIDATION': 0, 'OPEN': 0}
    for got, want in zip(live, backtest.trades, strict=True):
        exits[got.status.value] += 1
        assert (got.side.value, format_time(got.entry_time)) == (want.side, want.entry_time)
        assert (got.exit_time and format_time(got.exit_time)) == want.exit_time
        assert got.entry_price == pytest.approx(want.entry_price, rel=1e-9, abs=1e-9)
        assert got.quantity == pytest.approx(want.size, rel=1e-9, abs=1e-9)
        if want.exit_price is None:
            assert got.exit_price is None
        else:
            assert got.exit_price == pytest.approx(want.exit_price, rel=1e-9, abs=1e-9)
            assert got.pnl == pytest.approx(want.pnl, rel=1e-9, abs=1e-9)
            assert got.fees == pytest.approx(want.fees, rel=1e-9, abs=1e-9)
    assert live_equity == pytest.approx(backtest.stats['end_equity'], rel=1e-9)
    if strategy == 'regime':
        assert exits['CLOSED_SL'] and exits['CLOSED_TP'], exits
