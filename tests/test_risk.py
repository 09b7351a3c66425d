"""Risk sizing modes and limits."""

import pytest

from oracle_ui.engine.broker import PaperBroker
from oracle_ui.engine.models import OrderRequest, Side, Signal, SignalKind
from oracle_ui.engine.risk import RiskManager
from oracle_ui.settings import RiskSettings

SYMBOLS = ['A/USDT', 'B/USDT', 'C/USDT', 'D/USDT']


def signal(symbol: str = 'A/USDT', stop: float = 95.0, leverage: float = 5.0) -> Signal:
    return Signal(symbol=symbol, kind=SignalKind.LONG, stop_loss=stop, take_profit=120.0, leverage=leverage)


def test_fixed_percent_and_risk_sizing() -> None:
    broker = PaperBroker(SYMBOLS, balance=10_000, commission=0.001)
    fixed = RiskManager(RiskSettings(sizing='fixed', fixed_margin=25)).size(signal(), broker, 100.0)
    assert isinstance(fixed, OrderRequest) and fixed.margin == 25 and fixed.leverage == 5
    percent = RiskManager(RiskSettings(sizing='percent', margin_pct=10)).size(signal(), broker, 100.0)
    assert percent.margin == pytest.approx(1000)
    risk = RiskManager(RiskSettings(sizing='risk', risk_pct=1)).size(signal(stop=95.0), broker, 100.0)
    assert risk.quantity == pytest.approx(10_000 * 0.01 / 5.0), 'losing 1 % of equity at the stop'
    assert (
        RiskManager(RiskSettings(sizing='risk')).size(Signal(symbol='A/USDT', kind=SignalKind.LONG), broker, 100.0)
        == 'risk sizing needs a stop-loss'
    )


def test_max_concurrent_positions_counts_open_and_pending() -> None:
    broker = PaperBroker(SYMBOLS, balance=10_000, commission=0.0)
    risk = RiskManager(RiskSettings(max_positions=2, fixed_margin=10))
    for symbol in SYMBOLS[:2]:
        broker.on_price(symbol, 100.0, 0)
        assert broker.submit(risk.size(signal(symbol), broker, 100.0), 0) is None
    broker.on_price('A/USDT', 100.0, 1)
    assert risk.size(signal('C/USDT'), broker, 100.0) == 'max concurrent positions (2) reached'


def test_margin_beyond_free_balance_is_refused() -> None:
    broker = PaperBroker(SYMBOLS, balance=20, commission=0.001)
    reason = RiskManager(RiskSettings(fixed_margin=50)).size(signal(), broker, 100.0)
    assert isinstance(reason, str) and reason.startswith('insufficient balance')


def test_daily_loss_limit_blocks_new_trades_until_the_next_day() -> None:
    broker = PaperBroker(SYMBOLS, balance=10_000, commission=0.0)
    risk = RiskManager(RiskSettings(max_daily_loss_pct=5))
    day = 86_400 * 20_000
    assert risk.check_daily_loss(day + 10, 10_000) is None
    assert risk.check_daily_loss(day + 20, 9_600) is None
    hit = risk.check_daily_loss(day + 30, 9_490)
    assert hit is not None and hit.loss_pct == pytest.approx(5.1)
    assert risk.check_daily_loss(day + 40, 9_000) is None, 'reported once'
    assert 'daily loss limit' in risk.size(signal(), broker, 100.0)
    assert risk.check_daily_loss(day + 86_400, 9_000) is None
    assert isinstance(risk.size(signal(), broker, 100.0), OrderRequest), 'a new day allows trading again'


def test_flat_signals_are_not_sized() -> None:
    broker = PaperBroker(SYMBOLS, balance=100, commission=0)
    flat = Signal(symbol='A/USDT', kind=SignalKind.FLAT)
    assert 'not sized' in RiskManager(RiskSettings()).size(flat, broker, 1.0)
    assert Side.LONG.sign == 1
