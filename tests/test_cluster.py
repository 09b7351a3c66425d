"""Split roles on a real Redis server, in one process: an engine system and web replica systems sharing the test's
database, the market on the manual clock (the multi-process tests are in tests/test_cluster_processes.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import redis as redis_client

from oracle_ui import live_settings, views
from oracle_ui.alerts.rules import AlertSpec
from oracle_ui.cluster.lease import LeaseHeld
from oracle_ui.control import BotState
from oracle_ui.engine.feed import FeedStatus
from oracle_ui.errors import CommandError, ErrorKind
from oracle_ui.events import Event, EventType
from oracle_ui.live_settings import parse_update
from oracle_ui.security.accounts import LOCAL, Principal, Role
from oracle_ui.settings import Settings
from oracle_ui.system import System
from oracle_ui.web.state import SharedState
from tests.helpers import advance_until, eventually
from tests.redis_server import RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.slow]
VIEWER = Principal('victor', Role.VIEWER, 'user')


def test_a_split_role_without_redis_is_refused_with_what_to_set() -> None:
    settings = Settings(_env_file=None, role='web')
    with pytest.raises(ValueError, match='ORACLE_REDIS_URL'):
        settings.check_role()
    Settings(_env_file=None).check_role()  # the default, one process, needs nothing


@pytest.fixture
def cluster(make_system: Callable[..., System], redis: RedisServer) -> Callable[..., System]:
    """Builds an engine or a web replica on the session's Redis (keyword arguments override settings)."""

    def make(role: str, **overrides: object) -> System:
        return make_system(role=role, redis_url=redis.url, **overrides)

    return make


async def test_commands_on_a_replica_run_on_the_engine_and_its_events_reach_every_replica(cluster, clock) -> None:
    engine, web_a, web_b = cluster('engine'), cluster('web', replica_name='a'), cluster('web', replica_name='b')
    await engine.start()
    await web_a.start()
    await web_b.start()
    seen_on_b: list[Event] = []
    web_b.bus.subscribe(seen_on_b.append)
    try:
        await eventually(lambda: web_a.link_up and web_b.link_up, what='both replicas linked')
        event = await web_a.commands.emit_test_event(EventType.NOTIFICATION, {'message': 'hi'}, who=LOCAL, origin='t')
        assert event.id > 0  # the engine's id
        await eventually(lambda: any(e.id == event.id and e.test for e in seen_on_b), what='the event on replica b')

        result = await web_b.commands.control('start', who=LOCAL, origin='ui 10.0.0.9', reason='test')
        assert result.success and result.state is BotState.RUNNING
        assert engine.controller.state is BotState.RUNNING
        await eventually(lambda: web_a.controller.state is BotState.RUNNING, what='replica a shows the bot running')
        await advance_until(clock, lambda: engine.engine.broker.positions, what='an open position')
        await eventually(lambda: web_a.engine.feed.status is FeedStatus.LIVE, what='replica a shows the feed live')
        closed = await web_a.commands.close_positions(None, who=LOCAL, origin='ui 10.0.0.8')
        assert closed and not engine.engine.broker.positions
        await eventually(lambda: not web_b.engine.broker.positions, what="replica b's copy of the account")
        audits = engine.store.events(type_=EventType.USER_ACTION.value, limit=50)
        assert {'ui 10.0.0.9 via b', 'ui 10.0.0.8 via a'} <= {a.data['origin'] for a in audits}

        applied = await web_b.commands.change_settings(
            parse_update(risk={'max_positions': 2}), who=LOCAL, origin='ui 10.0.0.9'
        )
        assert applied.risk.max_positions == 2 and engine.engine.risk.settings.max_positions == 2
        await eventually(lambda: web_a.settings.risk.max_positions == 2, what="replica a's copy of the settings")
        await web_a.commands.save_symbols(['BTC/USDT'], who=LOCAL, origin='ui 10.0.0.8')
        assert live_settings.saved_symbols(engine) == ['BTC/USDT']
        with pytest.raises(CommandError) as invalid:
            await web_a.commands.change_settings(
                parse_update(strategy='sma_cross', strategy_params={'fast': 50, 'slow': 10}), who=LOCAL, origin='t'
            )
        assert invalid.value.kind in (ErrorKind.CONFLICT, ErrorKind.INVALID), "the engine's refusal, as it gave it"

        with pytest.raises(CommandError) as refused:
            await web_a.commands.control('stop', who=VIEWER, origin='ui 10.0.0.7', reason='test')
        assert refused.value.kind is ErrorKind.FORBIDDEN and engine.controller.state is BotState.RUNNING
    finally:
        for system in (web_b, web_a, engine):
            await system.stop()


async def test_a_replica_says_the_engine_link_is_lost_when_the_engine_is_gone_and_recovers_with_a_new_one(
    cluster,
) -> None:
    engine, web = cluster('engine'), cluster('web')
    await engine.start()
    await web.start()
    try:
        await eventually(lambda: web.link_up, what='linked')
        await engine.stop()
        await eventually(lambda: not web.link_up, 15, what='the link lost with the engine gone')
        engine = cluster('engine')
        await engine.start()
        await eventually(lambda: web.link_up, 15, what='the link back with a new engine')
    finally:
        await web.stop()
        await engine.stop()


async def test_a_replicas_status_shows_the_engines_process_not_zeros(cluster) -> None:
    """A replica samples nothing itself: its system status carries the engine's latest sample."""
    engine, web = cluster('engine'), cluster('web')
    await engine.start()
    await web.start()
    try:
        await eventually(lambda: web.metrics.latest.time > 0, 15, what="the engine's metrics on the replica")
        status = views.system_status(web)
        assert status.process_rss_mb > 0 and status.threads > 0 and status.uptime > 0
        assert status.process_rss_mb == web.metrics.latest.process_rss_mb
    finally:
        await web.stop()
        await engine.stop()


async def test_a_replica_shows_the_engines_quotes_regimes_and_24h_change(cluster, clock) -> None:
    """Computed from the database on start and kept current from the engine's candles and prices: the same
    figures the engine has, not zeros and "unknown"."""
    engine, web = cluster('engine'), cluster('web')
    await engine.start()
    await web.start()
    try:
        await eventually(lambda: web.link_up, what='linked')
        for _ in range(5):
            await clock.advance(60)  # closed candles on the manual clock
        symbols = engine.engine.symbols

        def same() -> bool:
            ours, theirs = views.market_quotes(web), views.market_quotes(engine)
            return all(
                s in ours and ours[s].regime == theirs[s].regime and ours[s].change == theirs[s].change for s in symbols
            )

        await eventually(same, 15, what="the engine's quotes on the replica")
        quotes = views.market_quotes(web)
        assert all(quotes[s].regime is not None and quotes[s].change != 0.0 for s in symbols)
    finally:
        await web.stop()
        await engine.stop()


async def test_a_command_nobody_answers_is_unavailable_and_never_runs_late(cluster) -> None:
    web = cluster('web', command_timeout_s=0.5)
    await web.start()
    try:
        with pytest.raises(CommandError) as unanswered:
            await web.commands.control('stop', who=LOCAL, origin='t', reason='test')
        assert unanswered.value.kind is ErrorKind.UNAVAILABLE and '0.5 s' in unanswered.value.message
        rule = {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'above', 'value': 1}
        spec = AlertSpec.model_validate({'name': 'never', 'rule': rule})
        with pytest.raises(CommandError) as alert_unanswered:  # alert changes go to the engine too
            await web.alert_commands.create(spec, who=LOCAL, origin='t')
        assert alert_unanswered.value.kind is ErrorKind.UNAVAILABLE
    finally:
        await web.stop()
    engine = cluster('engine', autostart=True)
    await engine.start()
    try:
        await asyncio.sleep(1.5)  # the engine took the stale requests and dropped them
        assert engine.controller.state is BotState.RUNNING
        assert not engine.alerts.rules, 'the alert asked for too late was never made'
    finally:
        await engine.stop()


async def test_a_second_engine_refuses_to_trade_and_says_who_holds_the_lease(cluster, tmp_path) -> None:
    first = cluster('engine')
    await first.start()
    second = cluster('engine', data_dir=tmp_path / 'other')
    try:
        with pytest.raises(LeaseHeld, match=r'another engine .* holds the trading lease'):
            await second.start()
        assert second.controller.state is BotState.STOPPED and not second.engine.ready.is_set()
    finally:
        await second.stop()
        await first.stop()


async def test_redis_away_loses_no_stored_event_and_the_replica_recovers(cluster, clock, redis: RedisServer) -> None:
    engine, web = cluster('engine', autostart=True), cluster('web')
    await engine.start()
    await web.start()
    shown = SharedState(web.engine.symbols)  # what the replica's pages show in the header
    shown.follow(web)
    try:
        await eventually(lambda: web.link_up and shown.bot.engine_link, what='linked')
        redis.kill()
        await eventually(lambda: not shown.bot.engine_link, what='"engine link lost" shown')
        before = engine.bus.last_id
        await advance_until(clock, lambda: engine.bus.last_id > before + 50, what='events while Redis is away')
        stored = [e.id for e in engine.store.events(since_id=before, limit=10_000)]
        assert stored  # the engine went on storing
        redis.start()
        await eventually(lambda: shown.bot.engine_link, 15, what='the link back')
        await eventually(lambda: web.bus.last_id >= stored[-1], 15, what='the replica caught up')
        on_web = {e.id for e in web.bus.history}
        assert set(stored) <= on_web
        client = redis_client.Redis.from_url(redis.url)  # the engine appended them to the stream too, in order
        await eventually(lambda: client.xrevrange('oracle:events', count=1), what='the stream refilled')
        in_stream = [int(entry.split(b'-')[0]) for entry, _ in client.xrange('oracle:events', count=100_000)]
        assert set(stored) <= set(in_stream) and in_stream == sorted(in_stream)
        client.close()
    finally:
        shown.unfollow()
        await web.stop()
        await engine.stop()


async def test_an_alert_made_on_a_replica_is_checked_by_the_engine_and_shown_on_every_replica(cluster) -> None:
    engine, web_a, web_b = cluster('engine'), cluster('web', replica_name='a'), cluster('web', replica_name='b')
    for system in (engine, web_a, web_b):
        await system.start()
    try:
        await eventually(lambda: web_a.link_up and web_b.link_up, what='both replicas linked')
        rule = {'kind': 'price', 'symbol': 'BTC/USDT', 'op': 'above', 'value': 1}
        spec = AlertSpec.model_validate({'name': 'from a', 'rule': rule, 'cooldown_s': 0})
        alert = await web_a.alert_commands.create(spec, who=LOCAL, origin='ui 10.0.0.5')
        await eventually(lambda: alert.id in engine.alerts.evaluator.states, what='the engine checks it')
        await eventually(lambda: alert.id in web_b.alerts.rules, what='replica b shows it')
        await web_b.alert_commands.delete(alert.id, who=LOCAL, origin='ui 10.0.0.6')
        await eventually(lambda: alert.id not in engine.alerts.evaluator.states, what='the engine dropped it')
        await eventually(lambda: alert.id not in web_a.alerts.rules, what='replica a no longer shows it')
        audits = {a.data['action']: a.data['origin'] for a in engine.store.events(type_='user_action', limit=50)}
        assert audits['create_alert'] == 'ui 10.0.0.5 via a' and audits['delete_alert'] == 'ui 10.0.0.6 via b'
    finally:
        for system in (web_b, web_a, engine):
            await system.stop()
