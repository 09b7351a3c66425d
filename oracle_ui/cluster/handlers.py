"""The engine's side of the commands a web replica sends: each runs through the engine's
:class:`~oracle_ui.commands.Commands` or :class:`~oracle_ui.alerts.commands.AlertCommands` (role check, the change,
audit with origin ``<origin> via <replica>``), as if it were made here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, is_dataclass
from typing import TYPE_CHECKING, Any

from .. import live_settings
from ..alerts.quiet import QuietHours
from ..alerts.rules import AlertSpec, AlertUpdate, ChannelSpec, ChannelUpdate
from ..commands import principal_of
from ..events import Event, EventType
from ..security.accounts import Principal
from .rpc import Handler

if TYPE_CHECKING:
    from ..system import System

Call = Callable[[dict[str, Any], Principal, str], Awaitable[Any]]
"""``(args, who, origin) -> result``: one command with its arguments read back from JSON."""


def engine_handlers(system: System) -> dict[str, Handler]:
    """Every command a web replica may run on the engine, by name (the names its command client sends)."""
    calls = {**_bot_calls(system), **{f'alerts.{name}': call for name, call in _alert_calls(system).items()}}
    return {name: _handler(call) for name, call in calls.items()}


def _handler(call: Call) -> Handler:
    async def handle(args: dict[str, Any], replica: str) -> Any:
        return _as_json(await call(args, principal_of(args['who']), f'{args["origin"]} via {replica}'))

    return handle


def _as_json(value: Any) -> Any:
    """A command's result in the JSON form its client reads back."""
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, Event):
        return value.envelope()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value.model_dump(mode='json') if hasattr(value, 'model_dump') else value


def _bot_calls(system: System) -> dict[str, Call]:
    commands = system.commands

    def test_event(a: dict[str, Any], who: Principal, at: str) -> Awaitable[Event]:
        type_ = EventType(a['type']) if a['type'] else None
        return commands.emit_test_event(type_, a['data'], who=who, origin=at)

    return {
        'control': lambda a, who, at: commands.control(a['action'], who=who, origin=at, reason=a['reason']),
        'close_positions': lambda a, who, at: commands.close_positions(a['symbols'], who=who, origin=at),
        'change_settings': lambda a, who, at: commands.change_settings(
            live_settings.parse_update(**a['update']), who=who, origin=at
        ),
        'save_symbols': lambda a, who, at: commands.save_symbols(a['symbols'], who=who, origin=at),
        'emit_test_event': test_event,
    }


def _alert_calls(system: System) -> dict[str, Call]:
    alerts = system.alert_commands
    return {
        'create': lambda a, who, at: alerts.create(AlertSpec.model_validate(a['spec']), who=who, origin=at),
        'update': lambda a, who, at: alerts.update(
            a['alert_id'], AlertUpdate.model_validate(a['change']), who=who, origin=at
        ),
        'delete': lambda a, who, at: alerts.delete(a['alert_id'], who=who, origin=at),
        'duplicate': lambda a, who, at: alerts.duplicate(a['alert_id'], who=who, origin=at),
        'test': lambda a, who, at: alerts.test(a['alert_id'], who=who, origin=at),
        'acknowledge': lambda a, who, at: alerts.acknowledge(a['trigger_ids'], who=who, origin=at),
        'set_quiet_hours': lambda a, who, at: alerts.set_quiet_hours(
            QuietHours.model_validate(a['quiet']), who=who, origin=at
        ),
        'create_channel': lambda a, who, at: alerts.create_channel(
            ChannelSpec.model_validate(a['spec']), who=who, origin=at
        ),
        'update_channel': lambda a, who, at: alerts.update_channel(
            a['channel_id'], ChannelUpdate.model_validate(a['change']), who=who, origin=at
        ),
        'delete_channel': lambda a, who, at: alerts.delete_channel(a['channel_id'], who=who, origin=at),
        'test_channel': lambda a, who, at: alerts.test_channel(a['channel_id'], who=who, origin=at),
    }
