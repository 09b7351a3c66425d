"""Why an order was refused, in the viewer's language: the broker's and the risk manager's reasons stay English
where programs read them (events, the API, a backtest's JSON) and are written again in the page's language where
people read them (the live feed, toasts, a backtest's notes)."""

from __future__ import annotations

import pytest

from oracle_ui.engine import refusals
from oracle_ui.engine.broker import OrderRejected, PaperBroker
from oracle_ui.engine.models import OrderRequest, Side, Signal, SignalKind
from oracle_ui.engine.risk import RiskManager
from oracle_ui.events import Event, EventType, OrderInfo
from oracle_ui.i18n import using
from oracle_ui.settings import RiskSettings
from oracle_ui.summaries import summarize

SYM = 'BTC/USDT'


def refused(order: OrderRequest, *, balance: float = 10_000.0) -> str:
    broker = PaperBroker([SYM], balance=balance, commission=0.001)
    broker.on_price(SYM, 64_973.6, 0)
    rejected = broker.submit(order, 0) or next(iter(broker.on_price(SYM, 64_973.6, 1)))
    assert isinstance(rejected, OrderRejected)
    return rejected.reason


@pytest.mark.parametrize(
    ('order', 'english', 'german'),
    [
        (
            OrderRequest(symbol=SYM, side=Side.LONG, margin=50_000),
            'insufficient balance: margin 50000.00 > free 10000.00',
            'Guthaben reicht nicht: Margin 50.000,00 > frei 10.000,00',
        ),
        (
            OrderRequest(symbol=SYM, side=Side.SHORT, quantity=1, take_profit=70_000),
            'take-profit 70000 is on the wrong side of price 64973.6 for a short',
            'Take-Profit 70.000 liegt für eine Short-Order auf der falschen Seite des Preises 64.973,6',
        ),
        (
            OrderRequest(symbol='DOGE/USDT', side=Side.LONG, quantity=1),
            "unknown symbol 'DOGE/USDT'; tradable: BTC/USDT",
            "unbekanntes Symbol 'DOGE/USDT'; handelbar: BTC/USDT",
        ),
        (
            OrderRequest(symbol=SYM, side=Side.LONG, all_in=True),
            'free balance 100.00 buys no whole unit at 64973.6',
            'freies Guthaben 100,00 reicht bei 64.973,6 für keine ganze Einheit',
        ),
    ],
)
def test_the_brokers_reasons_are_english_and_translated_where_shown(
    order: OrderRequest, english: str, german: str
) -> None:
    reason = refused(order, balance=100.0 if order.all_in else 10_000.0)
    assert reason == english
    assert refusals.translated(reason) == english, 'English outside a page'
    with using('de'):
        assert refusals.translated(reason) == german
    with using('fa'):
        assert refusals.translated(reason) != english


def test_the_risk_managers_reasons_too_and_other_text_stays_as_it_is() -> None:
    broker = PaperBroker([SYM], balance=10_000.0, commission=0.001)
    reason = RiskManager(RiskSettings(sizing='risk')).size(Signal(symbol=SYM, kind=SignalKind.LONG), broker, 1.0)
    assert reason == 'risk sizing needs a stop-loss'
    with using('ja'):
        assert refusals.translated(str(reason)) == 'リスク基準のサイズには損切りが必要です'
        assert refusals.translated('exchange says no') == 'exchange says no'


def test_every_template_is_found_again_with_its_values() -> None:
    for template in refusals.TEMPLATES:
        names = [part.split('}')[0] for part in template.split('{')[1:]]
        values = {name: f'v{i}' for i, name in enumerate(names)}
        assert refusals.template_of(template.format(**values)) == (template, values), template


def test_the_live_feed_says_a_refusal_in_the_viewers_language() -> None:
    payload = OrderInfo(
        order_id=1,
        symbol=SYM,
        side='long',
        leverage=1.0,
        quantity=None,
        margin=10.0,
        stop_loss=None,
        take_profit=None,
        strategy='regime',
        reason='max concurrent positions (3) reached',
    )
    event = Event(id=1, type=EventType.ORDER_REJECTED, timestamp=0.0, source='broker', payload=payload)
    assert summarize(event) == 'BTC/USDT long refused: max concurrent positions (3) reached'
    with using('fr'):
        assert summarize(event).endswith('nombre maximal de positions simultanées (3) atteint')


def test_the_daily_loss_limit_is_said_with_the_languages_percent() -> None:
    risk = RiskManager(RiskSettings(max_daily_loss_pct=2.5))
    broker = PaperBroker([SYM], balance=10_000.0, commission=0.001)
    risk.check_daily_loss(0.0, 10_000.0)  # the day starts at 10,000
    assert risk.check_daily_loss(60.0, 9_700.0) is not None  # 3 % down: blocked for the day
    reason = risk.size(Signal(symbol=SYM, kind=SignalKind.LONG, stop_loss=60_000.0), broker, 64_000.0)
    assert reason == 'daily loss limit of 2.5% reached; no new trades today'
    with using('de'):
        assert '2,5 %' in refusals.translated(str(reason))
