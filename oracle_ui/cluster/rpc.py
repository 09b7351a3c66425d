"""Commands from web replicas to the engine over Redis, and the events replicas publish themselves.

A request is pushed to one list the engine pops (``BLPOP``): ``{"kind": "command", "id": <correlation id>,
"name", "args", "replica", "deadline"}`` or ``{"kind": "publish", "event": <event JSON>, "replica"}`` (what the
replica published itself: an audit event's origin gets the replica's name). The engine runs a command through its
own :class:`~oracle_ui.commands.Commands` (role check and audit there, the origin naming the replica) and pushes
``{"result"}`` or ``{"error": {"kind", "message"}}`` to the request's reply list, which expires. A request whose
deadline passed before the engine took it is dropped (the replica has answered 503 by then): never run late.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..errors import CommandError, ErrorKind
from ..events import Event
from ..i18n import N_
from .keys import RETRY_S, Keys

log = logging.getLogger(__name__)

REPLY_TTL_S = 60
BURST = 200
"""Requests the engine takes at once after the one it waited for."""
FORWARD_LIMIT = 10_000
"""Events a replica holds for the engine while Redis is away; older ones are dropped."""

Handler = Callable[[dict[str, Any], str], Awaitable[Any]]
"""Runs one command on the engine: ``(args, replica)`` -> a JSON-able result; raises CommandError."""


class CommandClient:
    """A web replica's way to the engine: :meth:`call` runs a command there; :meth:`forward` hands it an event."""

    def __init__(self, redis: Redis, keys: Keys, *, replica: str, timeout_s: float) -> None:
        self.redis = redis
        self.keys = keys
        self.replica = replica
        self.timeout_s = timeout_s
        self._forwarding: list[bytes] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def call(self, name: str, args: dict[str, Any]) -> Any:
        """Run command ``name`` on the engine and return its result.

        :raises CommandError: the engine's own refusal, or UNAVAILABLE when Redis or the engine did not answer in time
        """
        correlation_id = uuid.uuid4().hex
        request = {
            'kind': 'command',
            'id': correlation_id,
            'name': name,
            'args': args,
            'replica': self.replica,
            'deadline': time.time() + self.timeout_s,
        }
        reply_key = self.keys.reply(correlation_id)
        try:
            await self.redis.rpush(self.keys.requests, orjson.dumps(request))
            reply: Any = await self.redis.blpop([reply_key], timeout=self.timeout_s)
        except (RedisError, OSError) as error:
            raise CommandError(
                ErrorKind.UNAVAILABLE,
                N_('the engine is unreachable (Redis: {error}); nothing was done, try again'),
                error=str(error),
            ) from None
        if reply is None:
            raise CommandError(
                ErrorKind.UNAVAILABLE,
                N_('the engine did not answer within {seconds} s; the command was not carried out, try again'),
                seconds=f'{self.timeout_s:g}',
            )
        answer = orjson.loads(reply[1])
        if (refusal := answer.get('error')) is not None:
            raise CommandError(ErrorKind(refusal['kind']), refusal['template'], **refusal['params'])
        return answer['result']

    def forward(self, event: Event) -> None:
        """Hand ``event`` (published on this replica) to the engine, which publishes it with its id for all."""
        if len(self._forwarding) >= FORWARD_LIMIT:
            del self._forwarding[0]
        self._forwarding.append(orjson.dumps({'kind': 'publish', 'event': event.envelope(), 'replica': self.replica}))
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._send(), name='forward-events')

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        await self.redis.aclose()

    async def _send(self) -> None:
        while True:
            if not self._forwarding:
                self._wake.clear()
                await self._wake.wait()
            batch, self._forwarding = self._forwarding, []
            try:
                await self.redis.rpush(self.keys.requests, *batch)
            except (RedisError, OSError) as error:
                log.debug('events not forwarded yet (%s)', error)
                self._forwarding[:0] = batch[-FORWARD_LIMIT:]
                await asyncio.sleep(RETRY_S)


class CommandServer:
    """The engine's side: takes requests, runs commands with ``handlers``, republishes forwarded events
    (``republish(event, replica)``)."""

    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        *,
        handlers: dict[str, Handler],
        republish: Callable[[Event, str], None],
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.handlers = handlers
        self.republish = republish
        self.expired = 0
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._serve(), name='command-server')

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for task in tuple(self._running):
            await asyncio.wait([task], timeout=5)

    async def _serve(self) -> None:
        failing = False
        while True:
            try:
                popped: Any = await self.redis.blpop([self.keys.requests], timeout=1)
            except (RedisError, OSError) as error:
                if not failing:
                    log.warning('Redis is unreachable (%s): commands from web replicas wait', error)
                failing = True
                await asyncio.sleep(RETRY_S)
                continue
            failing = False
            if popped is None:
                continue
            self._take(orjson.loads(popped[1]))
            burst: Any = None
            with contextlib.suppress(RedisError, OSError):  # the rest of a burst in one round trip
                burst = await self.redis.lpop(self.keys.requests, BURST)
            for request in burst or []:
                self._take(orjson.loads(request))

    def _take(self, request: dict[str, Any]) -> None:
        if request['kind'] == 'publish':
            self.republish(Event.from_json(orjson.dumps(request['event'])), request['replica'])
            return
        if time.time() > request['deadline']:
            self.expired += 1
            log.warning('command %s from %s dropped: it waited past its deadline', request['name'], request['replica'])
            return
        task = asyncio.get_running_loop().create_task(self._run(request), name=f'command:{request["name"]}')
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, request: dict[str, Any]) -> None:
        handler = self.handlers.get(request['name'])
        try:
            if handler is None:
                raise CommandError(
                    ErrorKind.BAD_REQUEST, N_('the engine has no command {name}'), name=repr(request['name'])
                )
            answer: dict[str, Any] = {'result': await handler(request['args'], request['replica'])}
        except CommandError as error:
            answer = {'error': _refusal(error)}
        except Exception as error:
            log.exception('command %s from %s failed', request['name'], request['replica'])
            answer = {
                'error': _refusal(
                    CommandError(ErrorKind.UNAVAILABLE, N_('the engine failed: {error}'), error=str(error))
                )
            }
        reply_key = self.keys.reply(request['id'])
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.rpush(reply_key, orjson.dumps(answer))
                pipe.expire(reply_key, REPLY_TTL_S)
                await pipe.execute()
        except (RedisError, OSError) as error:
            log.warning('the reply to command %s could not be sent: %s', request['name'], error)


def _refusal(error: CommandError) -> dict[str, Any]:
    """A refusal as the replica rebuilds it: its English text and parameters (translated where it is shown; a
    message a function writes, e.g. pydantic's, goes as English text)."""
    template = error.template if isinstance(error.template, str) else error.english()
    params = {k: str(v) for k, v in error.params.items()} if isinstance(error.template, str) else {}
    return {'kind': error.kind.value, 'template': template, 'params': params, 'message': error.english()}
