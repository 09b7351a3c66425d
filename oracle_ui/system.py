"""Assembles the running system from settings: store, bus, feed, strategy, broker, risk, engine, controller."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

from . import runtime
from .access import Access, weak_secret_warnings
from .accounts import Accounts
from .api.connections import ConnectionManager, WsConfig
from .bus import EventBus
from .control import BotController
from .engine.broker import PaperBroker
from .engine.ccxt_feed import CcxtFeed
from .engine.feed import MarketFeed, ReplayFeed, SimFeed
from .engine.risk import RiskManager
from .engine.strategies import Strategy, create_strategy
from .engine.trader import TradingEngine
from .events import EventType, StrategyUpdate
from .metrics import MetricsSampler
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)


def make_feed(settings: Settings) -> MarketFeed:
    """The feed named by ``settings.feed``: ``sim``, ``replay:PATH.csv`` or ``ccxt:EXCHANGE``."""
    kind, _, arg = settings.feed.partition(':')
    if kind == 'replay':
        return ReplayFeed(arg, settings.symbols, settings.timeframe, speed=settings.speed)
    if kind == 'ccxt':
        return CcxtFeed(arg, settings.symbols, settings.timeframe)
    return SimFeed(settings.symbols, settings.timeframe, seed=settings.seed, speed=settings.speed)


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
    connections: ConnectionManager
    started_time: float = field(default_factory=time.time)

    async def start(self) -> None:
        """Restore the account, start the market feed and, if the settings say so, the bot."""
        runtime.restore(self)
        self.engine.restore()
        self.connections.start()
        self.metrics.start()
        self.engine.start_feed()
        s = self.settings
        self.bus.publish(EventType.STRATEGY_UPDATE, StrategyUpdate(
            strategy=self.strategy.name, params=self.strategy.params.model_dump(mode='json'), symbols=s.symbols,
            timeframe=s.timeframe), source='system')
        if s.autostart:
            result = await self.controller.start(reason='autostart')
            if not result.success:
                log.warning('bot did not start: %s', result.message)

    async def stop(self) -> None:
        """Stop the bot and the feed and close the database."""
        if self.controller.state.value not in ('stopped', 'error'):
            await self.controller.stop(reason='shutdown')
        await self.engine.shutdown()
        await self.metrics.stop()
        await self.connections.stop()
        self.store.close()


def build_system(settings: Settings, *, feed: MarketFeed | None = None) -> System:
    """Build (but do not start) the system; raises StrategyError/ValueError for bad settings."""
    strategy = create_strategy(settings.strategy, settings.strategy_params)
    store = Store(settings.database_path)
    saved = store.get_meta(runtime.SYMBOLS_KEY)
    if saved and 'symbols' not in settings.model_fields_set:  # chosen on /settings; flags and env still win
        settings.symbols = json.loads(saved)
    bus = EventBus(history_size=settings.event_history, persist=store.append_event, reserve_ids=store.reserve_ids,
                   first_id=store.first_event_id())
    feed = feed or make_feed(settings)
    broker = PaperBroker(feed.symbols, balance=settings.starting_balance, commission=settings.commission,
                         slippage=settings.slippage)
    engine = TradingEngine(settings=settings, feed=feed, broker=broker, risk=RiskManager(settings.risk),
                           strategy=strategy, store=store, bus=bus)
    controller = BotController(engine, bus)
    config_token = settings.api_token.get_secret_value() if settings.api_token else None
    access = Access(Accounts(store.engine), config_token)
    for warning in weak_secret_warnings(config_token):
        log.warning(warning)
    connections = ConnectionManager(bus, WsConfig(heartbeat_s=settings.ws_heartbeat_s, timeout_s=settings.ws_timeout_s,
                                                  cleanup_s=settings.ws_cleanup_s), is_token_valid=access.is_valid)

    def health() -> tuple[str, str, str, str]:
        database = 'failing' if bus.store_failing else 'ok'
        return feed.status.value, feed.status_message, database, controller.state.value

    metrics = MetricsSampler(bus, interval_s=settings.metrics_interval_s, health=health,
                             data_dir=str(settings.data_dir))
    return System(settings=settings, store=store, bus=bus, strategy=strategy, engine=engine, controller=controller,
                  access=access, metrics=metrics, connections=connections)
