"""The three WebSocket endpoints and the topics each subscribes a client to by default.

Only ``monitor`` follows the ``clients`` topic (one event per WebSocket client coming or going); a dashboard gets
``clients_changed`` (topic ``system``), at most one a second, so a reconnect storm stays linear.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..events import Topic


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    topics: tuple[Topic, ...]
    init_type: str
    init_message: str


ENDPOINTS: dict[str, Endpoint] = {
    'dashboard': Endpoint(
        'dashboard',
        (
            Topic.TRADING,
            Topic.BOT_STATUS,
            Topic.PORTFOLIO,
            Topic.MARKET_DATA,
            Topic.NOTIFICATIONS,
            Topic.SYSTEM,
            Topic.ALERTS,
        ),
        'dashboard_initialized',
        'Dashboard WebSocket connected',
    ),
    'trading': Endpoint(
        'trading',
        (Topic.TRADING, Topic.MARKET_DATA, Topic.PORTFOLIO),
        'trading_connection_established',
        'Trading WebSocket connected',
    ),
    'monitor': Endpoint(
        'monitor',
        (Topic.SYSTEM, Topic.BOT_STATUS, Topic.NOTIFICATIONS, Topic.ALERTS, Topic.CLIENTS),
        'monitor_connection_established',
        'Monitor WebSocket connected',
    ),
}
