"""Redis connections and the keys of one deployment (everything under ``ORACLE_REDIS_PREFIX``)."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

RETRY_S = 0.5
"""Pause before trying Redis again after it failed."""


def connect(url: str) -> Redis:
    """A client (a pool of connections) for ``url``; nothing is opened until the first command."""
    return Redis.from_url(url, socket_connect_timeout=2, health_check_interval=10)


@dataclass(frozen=True, slots=True)
class Keys:
    """The Redis keys of one deployment."""

    prefix: str

    @property
    def events(self) -> str:
        """The stream of events (entry id ``<event id>-0``, field ``e``: the event's JSON)."""
        return f'{self.prefix}:events'

    @property
    def requests(self) -> str:
        """The list the engine takes commands and forwarded events from."""
        return f'{self.prefix}:requests'

    def reply(self, correlation_id: str) -> str:
        """The list one command's reply is pushed to."""
        return f'{self.prefix}:reply:{correlation_id}'

    @property
    def lease(self) -> str:
        """Who trades: the engine holding this key."""
        return f'{self.prefix}:engine-lease'
