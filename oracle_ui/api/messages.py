"""Client -> server WebSocket messages: one discriminated union, validated at the boundary."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from ..events import EventType, Topic

MAX_MESSAGE_BYTES = 64 * 1024
TOPIC_NAMES = ', '.join(t.value for t in Topic)


class _Message(BaseModel):
    model_config = ConfigDict(extra='allow')


class _TopicsMessage(_Message):
    topic: str | None = None
    topics: list[str] | None = Field(default=None, max_length=len(Topic))

    @model_validator(mode='after')
    def _known_topics(self) -> _TopicsMessage:
        names = ([self.topic] if self.topic is not None else []) + (self.topics or [])
        if not names:
            raise ValueError("give 'topic' or 'topics'")
        for name in names:
            if name not in Topic.__members__.values():
                raise ValueError(f'unknown topic {name!r}; valid topics: {TOPIC_NAMES}')
        return self

    @property
    def topic_list(self) -> list[Topic]:
        names = ([self.topic] if self.topic is not None else []) + (self.topics or [])
        return list(dict.fromkeys(Topic(n) for n in names))


class Subscribe(_TopicsMessage):
    type: Literal['subscribe']


class Unsubscribe(_TopicsMessage):
    type: Literal['unsubscribe']


class Ping(_Message):
    type: Literal['ping']
    timestamp: Any = None


class Pong(_Message):
    type: Literal['pong']


class GetStatus(_Message):
    type: Literal['get_status']


class GetEvents(_Message):
    type: Literal['get_events']
    limit: int = Field(50, ge=1, le=200)
    event_type: EventType | None = None


class TradingCommand(_Message):
    type: Literal['trading_command']
    command: Literal['start', 'stop', 'restart']


class Auth(_Message):
    """The token, as the first message, for clients that cannot put it in the URL or a header."""

    type: Literal['auth']
    token: str = Field(min_length=1, max_length=4096)


class Replay(_Message):
    type: Literal['replay']
    since_id: int = Field(ge=0)


ClientMessage = Annotated[
    Subscribe | Unsubscribe | Ping | Pong | GetStatus | GetEvents | TradingCommand | Replay | Auth,
    Field(discriminator='type'),
]
MESSAGE_TYPES = (
    'subscribe',
    'unsubscribe',
    'ping',
    'pong',
    'get_status',
    'get_events',
    'trading_command',
    'replay',
    'auth',
)
client_message = TypeAdapter(ClientMessage)


class BadMessage(ValueError):
    """A client message that cannot be used; the text says why."""


def parse_client_message(
    text: str,
) -> Subscribe | Unsubscribe | Ping | Pong | GetStatus | GetEvents | TradingCommand | Replay | Auth:
    """Validate one text frame; raises :class:`BadMessage` naming the problem."""
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise BadMessage(f'invalid JSON: {error}') from None
    if not isinstance(raw, dict):
        raise BadMessage(f'a message must be a JSON object, got {type(raw).__name__}')
    kind = raw.get('type')
    if kind is None:
        raise BadMessage("missing field 'type'")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES:
        raise BadMessage(f'unknown message type {kind!r}; expected one of {", ".join(MESSAGE_TYPES)}')
    try:
        return client_message.validate_python(raw)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            where = '.'.join(str(x) for x in e['loc'][1:] if x != kind)
            problems.append(f"invalid '{where}': {e['msg']}" if where else e['msg'].removeprefix('Value error, '))
        raise BadMessage(f'{kind}: ' + '; '.join(problems)) from None
