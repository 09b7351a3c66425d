"""Every declared event type is published somewhere, and the rare ones are published when they should be."""

import ast
from pathlib import Path

from oracle_ui.bus import EventBus
from oracle_ui.events import TOPIC_OF, EventType, Topic
from oracle_ui.metrics import MetricsSampler
from oracle_ui.settings import RiskSettings

from .helpers import advance_until

CORE = Path(__file__).parent.parent / 'oracle_ui'


def _published_types() -> set[str]:
    """EventType members handed to a call (``publish`` or a helper that publishes), the default of a publishing
    helper's parameter, or sat in a dispatch table, anywhere in the core but the module that declares them."""
    found = set()
    for path in CORE.rglob('*.py'):
        if path.name == 'events.py':
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                candidates = [*node.args, *(k.value for k in node.keywords)]
            elif isinstance(node, ast.arguments):
                candidates = [*node.defaults, *(d for d in node.kw_defaults if d is not None)]
            elif isinstance(node, ast.Dict):
                candidates = node.values
            else:
                continue
            for argument in candidates:
                for sub in ast.walk(argument):
                    if isinstance(sub, ast.Attribute) and getattr(sub.value, 'id', '') == 'EventType':
                        found.add(sub.attr)
    return found


def test_every_event_type_has_a_topic_and_a_publisher() -> None:
    assert set(TOPIC_OF) == set(EventType)
    assert {t.value for t in Topic} == {
        'trading',
        'market_data',
        'bot_status',
        'system',
        'notifications',
        'analysis',
        'portfolio',
        'audit',
        'clients',
        'alerts',
    }
    assert {e.name for e in EventType} - _published_types() == set()


def test_original_23_event_types_are_all_there() -> None:
    original = {
        'trade_executed',
        'order_placed',
        'order_filled',
        'order_cancelled',
        'position_opened',
        'position_closed',
        'price_update',
        'market_data',
        'ticker_update',
        'orderbook_update',
        'bot_started',
        'bot_stopped',
        'bot_error',
        'bot_status_update',
        'system_alert',
        'health_update',
        'notification',
        'signal_generated',
        'strategy_update',
        'analysis_complete',
        'portfolio_update',
        'balance_update',
        'pnl_update',
    }
    assert len(original) == 23 and original <= {e.value for e in EventType}


async def test_daily_loss_limit_is_published_and_stops_new_trades(make_system, clock) -> None:
    system = make_system(autostart=True, risk=RiskSettings(sizing='percent', margin_pct=50, max_daily_loss_pct=0.01))
    seen = []
    system.bus.subscribe(seen.append)
    await system.start()
    await advance_until(clock, lambda: any(e.type is EventType.RISK_LIMIT_HIT for e in seen), what='risk limit hit')
    hit = next(e for e in seen if e.type is EventType.RISK_LIMIT_HIT)
    assert hit.topic is Topic.NOTIFICATIONS and 'daily loss limit hit' in hit.data['message']
    await advance_until(
        clock,
        lambda: any(e.type is EventType.ORDER_REJECTED and 'daily loss limit' in e.data['reason'] for e in seen),
        what='a signal refused by the limit',
    )
    opened_after = [
        e
        for e in seen
        if e.type is EventType.POSITION_OPENED
        and e.id > hit.id
        and e.data['entry_time'] // 86_400 == hit.timestamp // 86_400
    ]
    assert not [e for e in opened_after if e.data['entry_time'] // 86_400 == system.engine.risk.day]
    await system.stop()


async def test_metrics_sampler_publishes_metrics_alerts_and_health() -> None:
    bus = EventBus()
    seen = []
    bus.add_sink(type('Sink', (), {'wants': lambda self, e: True, 'put': lambda self, e: seen.append(e)})())
    health = ['live', 'ok', 'ok', 'running']
    sampler = MetricsSampler(bus, health=lambda: tuple(health))
    sampler.sample(lag_ms=2.0)
    sampler.sample(lag_ms=800.0)
    sampler.sample(lag_ms=900.0)
    health[0] = 'failed'
    sampler.sample(lag_ms=1.0)
    types = [e.type for e in seen]
    assert types.count(EventType.SYSTEM_METRICS) == 4
    alerts = [e.data for e in seen if e.type is EventType.SYSTEM_ALERT]
    assert [a['level'] for a in alerts if a['metric'] == 'event_loop_lag_ms'] == ['warning', 'info'], (
        'one alert per crossing, and one when it recovers'
    )
    assert [e.data['feed'] for e in seen if e.type is EventType.HEALTH_UPDATE] == ['live', 'failed']
    metrics = next(e.data for e in seen if e.type is EventType.SYSTEM_METRICS)
    assert metrics['process_rss_mb'] > 10 and metrics['threads'] >= 1
