"""Assembles the running system from settings: store, bus, feed, strategy, broker, risk, engine, controller."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from . import i18n, live_settings
from .alerts.channels import SecretBox
from .alerts.commands import AlertCommands
from .alerts.schedule import period_report
from .alerts.service import AlertService, AlertSettings, Preferences
from .bus import EventBus
from .clock import WALL_CLOCK, Clock
from .commands import Commands, Remote
from .control import READY_TIMEOUT_S, BotController
from .engine.broker import PaperBroker
from .engine.ccxt_feed import CcxtFeed
from .engine.feed import MarketFeed, ReplayFeed, SimFeed
from .engine.models import Position
from .engine.risk import RiskManager
from .engine.strategies import Strategy, create_strategy
from .engine.trader import TradingEngine
from .events import EventType, StrategyUpdate
from .metrics import MetricsSampler
from .security.access import Access, weak_secret_warnings
from .security.accounts import Accounts
from .settings import Settings
from .store import Store
from .store.alerts import AlertStore
from .timeframes import timeframe_seconds
from .views.models import WebSocketStats

log = logging.getLogger(__name__)


def make_feed(settings: Settings, clock: Clock = WALL_CLOCK) -> MarketFeed:
    """The feed named by ``settings.feed``: ``sim``, ``replay:PATH.csv`` or ``ccxt:EXCHANGE``, paced by ``clock``."""
    kind, _, arg = settings.feed.partition(':')
    if kind == 'replay':
        return ReplayFeed(arg, settings.symbols, settings.timeframe, speed=settings.speed, sleep=clock.sleep)
    if kind == 'ccxt':
        backfill = round(settings.backfill_days * 86_400 / timeframe_seconds(settings.timeframe))
        return CcxtFeed(arg, settings.symbols, settings.timeframe, history_candles=backfill)
    history = round(settings.sim_history_days * 86_400 / timeframe_seconds(settings.timeframe))
    return SimFeed(
        settings.symbols,
        settings.timeframe,
        seed=settings.seed,
        speed=settings.speed,
        history_candles=history,
        sleep=clock.sleep,
        wall_clock=clock.time,
    )


class Clients(Protocol):
    """The WebSocket clients of the app, as counted by whoever serves them (the API's connection manager)."""

    def stats(self) -> WebSocketStats: ...

    @property
    def count(self) -> int:
        """Clients connected now."""


class Service(Protocol):
    """Something that runs beside the engine for as long as the system does."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class NoClients:
    """Until an API serves WebSocket clients: none."""

    def __init__(self) -> None:
        self.started = time.time()

    count = 0

    def stats(self) -> WebSocketStats:
        return WebSocketStats(
            total_connections=0,
            connections_by_type={},
            topics=[],
            total_subscriptions=0,
            recent_events_count=0,
            last_event_time=None,
            connections_by_endpoint={},
            subscribers_by_topic={},
            messages_sent=0,
            messages_dropped=0,
            direct_connections=0,
            disconnects_by_reason={},
            uptime_s=time.time() - self.started,
            last_event_id=0,
        )


@dataclass(kw_only=True)
class System:
    """Everything one running bot consists of; built once by :func:`build_system`."""

    settings: Settings
    store: Store
    bus: EventBus
    strategy: Strategy
    engine: TradingEngine
    controller: BotController
    access: Access
    metrics: MetricsSampler
    alerts: AlertService
    """Alert rules, channels and history (checked on the bus, sent off the event loop)."""
    clients: Clients = field(default_factory=NoClients)
    services: list[Service] = field(default_factory=list)
    """Started after the engine is restored, stopped before it shuts down (e.g. the WebSocket manager)."""
    started_time: float = field(default_factory=time.time)
    overridden: live_settings.Overridden | None = None
    """What flags or environment override of the settings saved on /settings (None if nothing)."""
    remote: Remote | None = None
    """A web replica's way to the engine, where its commands run (None: the engine is this process)."""
    link_up: bool = True
    """A web replica hears from the engine (Redis answers); False: pages say "engine link lost"."""
    link_listeners: list[Callable[[bool], None]] = field(default_factory=list)
    commands: Commands = field(init=False)
    """The one path for changes (role check, audit, one error type)."""
    alert_commands: AlertCommands = field(init=False)
    """The same for alerts and their channels."""

    def __post_init__(self) -> None:
        self.commands = Commands(self)
        self.alert_commands = AlertCommands(self)
        if self.settings.role != 'web':
            self.services.append(self.alerts)

    @property
    def trades(self) -> bool:
        """This process runs the engine (role ``all`` or ``engine``); a web replica shows an engine elsewhere."""
        return self.settings.role != 'web'

    def set_link(self, is_up: bool) -> None:
        """A web replica's link to the engine came up or went down (listeners are told)."""
        self.link_up = is_up
        for listener in tuple(self.link_listeners):
            listener(is_up)

    async def start(self) -> None:
        """Restore the account, start the market feed (returning once it is ready, or has failed) and, if the
        settings say so, the bot. A web replica restores the account and follows the engine instead."""
        self.overridden = live_settings.restore(self)
        if self.overridden is not None:
            with i18n.using(i18n.SOURCE):  # the log in English
                log.warning(self.overridden.text())
        self.engine.restore()
        for service in self.services:
            await service.start()
        if not self.trades:
            return
        self.metrics.start()
        self.engine.start_feed()
        s = self.settings
        self.bus.publish(
            EventType.STRATEGY_UPDATE,
            StrategyUpdate(
                strategy=self.strategy.name,
                params=self.strategy.params.model_dump(mode='json'),
                symbols=s.symbols,
                timeframe=s.timeframe,
            ),
            source='system',
        )
        await self.engine.wait_ready(READY_TIMEOUT_S)  # a feed that cannot connect says so itself (bot_error)
        if s.autostart:
            result = await self.controller.start('autostart')
            if not result.success:
                log.warning('bot did not start: %s', result.message)

    async def stop(self) -> None:
        """Stop the bot and the feed and close the database."""
        if not self.trades:
            for service in self.services:
                await service.stop()
            self.store.close()
            return
        if self.controller.state.value not in ('stopped', 'error'):
            await self.controller.stop('shutdown')
        await self.engine.shutdown()
        await self.metrics.stop()
        for service in self.services:
            await service.stop()
        self.store.close()


def build_system(settings: Settings, *, feed: MarketFeed | None = None, clock: Clock = WALL_CLOCK) -> System:
    """Build (but do not start) the system; raises StrategyError/ValueError for bad settings.

    :param feed: the market feed (default: the one ``settings.feed`` names, paced by ``clock``)
    :param clock: time for the feed, the engine's account updates and event timestamps (tests move a manual one)
    """
    strategy = create_strategy(settings.strategy, settings.strategy_params)
    store = Store(settings.database)
    saved = store.get_meta(live_settings.SYMBOLS_KEY)
    if saved and 'symbols' not in settings.model_fields_set:  # chosen on /settings; flags and env still win
        settings.symbols = json.loads(saved)
    bus = _event_bus(settings, store, clock)
    feed = feed or make_feed(settings, clock)
    broker = PaperBroker(
        feed.symbols,
        balance=settings.starting_balance,
        commission=settings.commission,
        slippage=settings.slippage,
        bar_s=feed.timeframe_s,
    )
    engine = TradingEngine(
        settings=settings,
        feed=feed,
        broker=broker,
        risk=RiskManager(settings.risk),
        strategy=strategy,
        store=store,
        bus=bus,
        clock=clock,
    )
    controller = BotController(engine, bus)
    config_token = settings.api_token.get_secret_value() if settings.api_token else None
    access = Access(Accounts(store.engine), config_token)
    for warning in weak_secret_warnings(config_token):
        log.warning(warning)

    def health() -> tuple[str, str, str, str]:
        database = 'failing' if bus.store_failing else 'ok'
        return feed.status.value, feed.status_message, database, controller.state.value

    metrics = MetricsSampler(
        bus, interval_s=settings.metrics_interval_s, health=health, data_dir=str(settings.data_dir)
    )
    system = System(
        settings=settings,
        store=store,
        bus=bus,
        strategy=strategy,
        engine=engine,
        controller=controller,
        access=access,
        metrics=metrics,
        alerts=_alert_service(settings, store, bus, engine, clock),
    )
    if settings.role != 'all':
        from .cluster.roles import EngineCluster, WebCluster  # redis is imported only by split roles

        system.services.insert(0, EngineCluster(system) if settings.role == 'engine' else WebCluster(system))
    return system


def _event_bus(settings: Settings, store: Store, clock: Clock) -> EventBus:
    """The bus, numbering and storing its events in ``store`` (and saying so when the store fails)."""
    bus = EventBus(
        history_size=settings.event_history,
        persist=store.append_event,
        reserve_ids=store.reserve_ids,
        first_id=store.first_event_id(),
        clock=clock,
        writer=store.writer,
    )
    if store.writer is not None:
        store.writer.on_error = bus.report_store_failure
    return bus


def _alert_service(
    settings: Settings, store: Store, bus: EventBus, engine: TradingEngine, clock: Clock
) -> AlertService:
    """The alerts, reading candles, the account and period reports from the store and the engine."""
    broker = engine.broker

    def account() -> tuple[list[Position], dict[str, float], float]:
        peak = max((p.equity for p in store.equity_curve(limit=100_000)), default=broker.equity)
        return list(broker.positions.values()), dict(broker.prices), max(peak, broker.equity)

    return AlertService(
        store=AlertStore(store.engine),
        preferences=Preferences(store.get_preference, store.set_preference),
        bus=bus,
        clock=clock,
        box=SecretBox(settings.data_dir),
        candles=lambda symbol, timeframe, count: store.candles(symbol, timeframe, count),
        account=account,
        report=lambda span_s: period_report(
            store, settings, list(engine.symbols), engine.market_time or clock.time(), span_s
        ),
        settings=AlertSettings(timeout_s=settings.alert_timeout_s, language=settings.locale),
    )
