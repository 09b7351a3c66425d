"""The daily loss limit: the day starts at the equity of 00:00 UTC, and its block survives a restart."""

from __future__ import annotations

import pytest

from oracle_ui.engine.models import OrderRequest, Side, Tick
from oracle_ui.events import EventType
from oracle_ui.settings import RiskSettings

from .helpers import advance_until

DAY_S = 86_400
MIDNIGHT = 20_256 * DAY_S
"""2025-06-17 00:00 UTC."""


async def test_the_day_starts_at_the_equity_of_midnight_not_of_the_first_tick_after_it(make_system) -> None:
    system = make_system()
    engine = system.engine
    engine.restore()
    engine.on_tick(Tick('BTC/USDT', MIDNIGHT - 120, 65_000.0))
    engine.broker.submit(OrderRequest(symbol='BTC/USDT', side=Side.LONG, leverage=10, margin=1_000), MIDNIGHT - 90)
    engine.on_tick(Tick('BTC/USDT', MIDNIGHT - 60, 65_000.0))
    assert engine.broker.positions, 'the order filled'
    engine.on_tick(Tick('BTC/USDT', MIDNIGHT - 1, 66_000.0))
    at_midnight = engine.broker.equity
    engine.on_tick(Tick('BTC/USDT', MIDNIGHT + 5, 60_000.0))  # a big move in the first seconds of the day
    assert engine.risk.day == MIDNIGHT // DAY_S
    assert engine.risk.day_start_equity == pytest.approx(at_midnight, rel=1e-12)
    assert engine.daily_pnl == pytest.approx(engine.broker.equity - at_midnight, rel=1e-12)
    system.store.close()


async def test_a_restart_on_the_same_day_keeps_the_block(make_system, clock) -> None:
    risk = RiskSettings(sizing='percent', margin_pct=50, max_daily_loss_pct=0.01)
    system = make_system(autostart=True, speed=60, risk=risk)
    seen = []
    system.bus.subscribe(seen.append)
    await system.start()
    await advance_until(clock, lambda: any(e.type is EventType.RISK_LIMIT_HIT for e in seen), what='the limit')
    day, start_equity = system.engine.risk.day, system.engine.risk.day_start_equity
    await system.stop()

    again = make_system(autostart=True, speed=60, risk=risk)
    after = []
    again.bus.subscribe(after.append)
    await again.start()
    assert again.engine.risk.is_blocked and again.engine.risk.day == day
    assert again.engine.risk.day_start_equity == start_equity
    await advance_until(
        clock,
        lambda: any(e.type is EventType.ORDER_REJECTED and 'daily loss limit' in e.data['reason'] for e in after),
        what='a signal refused by the kept block',
    )
    assert again.engine.risk.day == day, 'still the same UTC day'
    assert not [e for e in after if e.type is EventType.POSITION_OPENED], 'no new trade that day'
    await again.stop()
