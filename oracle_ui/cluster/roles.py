"""Wires a :class:`~oracle_ui.system.System` for its role: the engine's stream, command server and lease; a web
replica's stream follower, command client and its mirror of the engine's state."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import TYPE_CHECKING, Any

from .. import live_settings
from ..control import BotState
from ..engine.feed import FeedStatus
from ..engine.models import Candle, Tick
from ..events import (
    BotStatusUpdate,
    CandleClosed,
    Event,
    EventType,
    HealthUpdate,
    PriceUpdate,
    SystemMetrics,
    UserAction,
)
from .handlers import engine_handlers
from .keys import Keys, connect
from .lease import EngineLease
from .rpc import CommandClient, CommandServer
from .stream import StreamFollower, StreamPublisher

if TYPE_CHECKING:
    from ..system import System

log = logging.getLogger(__name__)

ACCOUNT_EVENTS = frozenset(
    {EventType.POSITION_OPENED, EventType.POSITION_CLOSED, EventType.POSITION_LIQUIDATED, EventType.BALANCE_UPDATE}
)
"""On these a web replica reloads the account (balance, open positions) from the database."""
QUIET_S = 5.0
"""An engine that published nothing this long (its metrics come every second) is taken for gone."""
ALERT_CHANGES = frozenset(
    {'acknowledge_alerts', 'create_alert', 'create_channel', 'delete_alert', 'delete_channel', 'update_alert'}
    | {'update_channel'}
)
"""Audited alert commands after which the engine checks, and every replica shows, the alerts the database holds (a
replica runs them on the shared database itself)."""


def changes_alerts(event: Event) -> bool:
    """An audit event of a successful change to alerts or channels."""
    action = event.payload_as(UserAction)
    return action is not None and action.result == 'ok' and action.action in ALERT_CHANGES


def stored_loader(system: System) -> Any:
    async def load(since_id: int, limit: int) -> list[Event]:
        return await asyncio.to_thread(system.store.events, since_id=since_id, limit=limit)

    return load


class EngineCluster:
    """The engine's side, a service of its system: the lease first (refusing to trade without it), then the event
    stream and the command server."""

    def __init__(self, system: System) -> None:
        settings = system.settings
        self.system = system
        self.redis = connect(settings.redis)
        keys = Keys(settings.redis_prefix)
        self.lease = EngineLease(self.redis, keys.lease)
        self.publisher = StreamPublisher(
            self.redis, keys.events, maxlen=settings.redis_stream_maxlen, load_stored=stored_loader(system)
        )
        self.server = CommandServer(self.redis, keys, handlers=engine_handlers(system), republish=self._republish)
        self._remove_sink = system.bus.add_sink(self.publisher)

    async def start(self) -> None:
        await self.lease.acquire()  # raises LeaseHeld / RedisError: System.start fails, nothing trades
        self.lease.keep(self._lost)
        self.publisher.start()
        self.server.start()

    def _lost(self, message: str) -> None:
        log.error(message)
        asyncio.get_running_loop().create_task(self.system.controller.stop('lease lost'))

    def _republish(self, event: Event, replica: str) -> None:
        """Publish what a replica published; an audit event's origin gets the replica's name."""
        bus = self.system.bus
        if event.test:
            bus.publish_test(event.type, event.data)
            return
        payload = event.payload
        if isinstance(payload, UserAction) and ' via ' not in payload.origin:
            payload = payload.model_copy(update={'origin': f'{payload.origin} via {replica}'})
        bus.publish(event.type, payload, source=event.source, client_id=event.client_id)
        if changes_alerts(event):
            asyncio.get_running_loop().create_task(self.system.alerts.reload(), name='reload-alerts')

    async def stop(self) -> None:
        await self.server.stop()
        await self.publisher.stop()
        self._remove_sink()
        await self.lease.release()
        await self.redis.aclose()


class WebCluster:
    """A web replica's side, a service of its system: follows the engine's stream into the local bus, runs commands
    on the engine, and keeps the replica's copy of the bot state, prices and account current."""

    def __init__(self, system: System) -> None:
        settings = system.settings
        self.system = system
        self.redis = connect(settings.redis)
        keys = Keys(settings.redis_prefix)
        replica = settings.replica_name or f'{socket.gethostname()}:{settings.port}'
        self.client = CommandClient(self.redis, keys, replica=replica, timeout_s=settings.command_timeout_s)
        self.follower = StreamFollower(
            self.redis,
            keys.events,
            system.bus,
            load_stored=stored_loader(system),
            on_link=system.set_link,
            history=settings.event_history,
            quiet_s=max(QUIET_S, 3 * settings.metrics_interval_s),
        )
        system.bus.follow_engine(self.client.forward)
        system.remote = self.client
        self._unsubscribe: Any = None

    async def start(self) -> None:
        system = self.system
        system.set_link(False)
        await self.follower.start()
        store = system.store
        if system.bus.last_id == 0:  # an empty stream: the newest stored event is where it goes on from
            newest = await asyncio.to_thread(store.events, newest_first=True, limit=1)
            if newest:
                system.bus.adopt(newest[0])
        status = await asyncio.to_thread(
            store.events, type_=EventType.BOT_STATUS_UPDATE.value, newest_first=True, limit=1
        )
        await asyncio.to_thread(system.engine.warm_up)  # indicators, 24 h window and regimes from the database
        for event in [*status, *system.bus.history]:  # the bot's state and prices as of now
            self._mirror_market(event)
        await asyncio.to_thread(system.alerts.load)
        self.client.start()
        mirrored = [EventType.BOT_STATUS_UPDATE, EventType.PRICE_UPDATE, EventType.HEALTH_UPDATE, EventType.USER_ACTION]
        mirrored += [EventType.STRATEGY_UPDATE, EventType.SYSTEM_METRICS, EventType.CANDLE_CLOSED]
        self._unsubscribe = system.bus.subscribe(
            self._mirror, types=[*mirrored, *ACCOUNT_EVENTS, EventType.ALERT_TRIGGERED], maxsize=10_000
        )

    def _mirror(self, event: Event) -> None:
        if event.type in ACCOUNT_EVENTS:
            self.system.engine.restore()
        elif event.type is EventType.ALERT_TRIGGERED or changes_alerts(event):
            self.system.alerts.load()
        elif event.type is EventType.STRATEGY_UPDATE and not event.test:  # settings changed: the engine saved them
            live_settings.restore(self.system)
        else:
            self._mirror_market(event)

    def _mirror_market(self, event: Event) -> None:
        system = self.system
        if (status := event.payload_as(BotStatusUpdate)) is not None and not event.test:
            system.controller.state = BotState(status.status)
        elif (price := event.payload_as(PriceUpdate)) is not None and not event.test:
            if price.symbol in system.engine.market.states:  # its quote and forming candle
                system.engine.market.on_tick(Tick(price.symbol, price.timestamp, price.price))
            system.engine.broker.prices[price.symbol] = price.price
            if (position := system.engine.broker.positions.get(price.symbol)) is not None:
                position.mark_price = price.price
            feed = system.engine.feed
            if feed.status is FeedStatus.IDLE:  # prices flow: the engine's feed is live (its health says more)
                feed.status = FeedStatus.LIVE
        elif (candle := event.payload_as(CandleClosed)) is not None and not event.test:
            if candle.timeframe == system.engine.feed.timeframe:  # the base candles the strategy reads
                closed = Candle(
                    candle.symbol, candle.time, candle.open, candle.high, candle.low, candle.close, candle.volume
                )
                system.engine.market.follow(closed, system.engine.strategy)
        elif (metrics := event.payload_as(SystemMetrics)) is not None and not event.test:
            system.metrics.adopt(metrics, event.timestamp)  # status views show the engine's process
        elif (health := event.payload_as(HealthUpdate)) is not None and not event.test:
            feed = system.engine.feed
            feed.status, feed.status_message = FeedStatus(health.feed), health.feed_message

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.follower.stop()
        await self.client.stop()
