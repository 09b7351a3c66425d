"""Exactly one engine trades: it holds a Redis key (the lease) that expires unless renewed.

The holder renews it every third of its lifetime. While Redis is unreachable the holder keeps trading (no other
engine can take the lease then either); if it finds the lease held by another engine when Redis answers again, it
stops trading (``on_lost``). An engine that cannot take the lease at start refuses to trade and says who holds it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

TTL_S = 15.0
RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return ''
elseif not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ''
end
return holder
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaseHeld(Exception):
    """Another engine holds the lease (the message names it)."""


class EngineLease:
    """This engine's claim to trade; ``holder`` names it (host, process, a random part)."""

    def __init__(self, redis: Redis, key: str, *, ttl_s: float = TTL_S) -> None:
        self.redis = redis
        self.key = key
        self.ttl_ms = round(ttl_s * 1000)
        self.holder = f'{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}'
        self._task: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """Take the lease.

        :raises LeaseHeld: another engine holds it
        :raises RedisError: Redis does not answer (an engine must not trade without knowing)
        """
        if await self.redis.set(self.key, self.holder, nx=True, px=self.ttl_ms):
            log.info('engine lease %s taken by %s', self.key, self.holder)
            return
        other: Any = await self.redis.get(self.key)
        name = other.decode() if isinstance(other, bytes) else str(other)
        raise LeaseHeld(
            f'another engine ({name}) holds the trading lease {self.key}: this one refuses to trade. Stop the other '
            f'engine, or wait {self.ttl_ms / 1000:g} s after it ended'
        )

    def keep(self, on_lost: Callable[[str], None]) -> None:
        """Renew the lease until :meth:`release`; ``on_lost(message)`` if another engine took it meanwhile."""
        self._task = asyncio.get_running_loop().create_task(self._renew(on_lost), name='engine-lease')

    async def _renew(self, on_lost: Callable[[str], None]) -> None:
        failing = False
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                other: Any = await self.redis.eval(RENEW, 1, self.key, self.holder, self.ttl_ms)
            except (RedisError, OSError) as error:
                if not failing:
                    log.warning('engine lease not renewed (Redis: %s); trading goes on', error)
                failing = True
                continue
            failing = False
            if other:
                name = other.decode() if isinstance(other, bytes) else str(other)
                on_lost(f'another engine ({name}) took the trading lease {self.key} while Redis was away')
                return

    async def release(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        try:
            await self.redis.eval(RELEASE, 1, self.key, self.holder)
        except (RedisError, OSError) as error:
            log.warning('engine lease not released (it expires by itself): %s', error)
