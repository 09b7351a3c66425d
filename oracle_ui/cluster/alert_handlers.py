"""The engine's side of alert and channel changes made on a web replica: each runs through the engine's
:class:`~oracle_ui.alerts.commands.AlertCommands` (role check, storage, audit), as if made here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ..alerts.quiet import QuietHours
from ..alerts.rules import AlertSpec, AlertUpdate, ChannelSpec, ChannelUpdate
from ..commands import principal_of
from ..security.accounts import Principal
from .rpc import Handler

if TYPE_CHECKING:
    from ..system import System

AlertCall = Callable[[dict[str, Any], Principal, str], Awaitable[Any]]
"""``(args, who, origin) -> result as JSON``: one alert command with its arguments read back from JSON."""


def alert_handlers(system: System) -> dict[str, Handler]:
    """``alerts.<command>`` for every alert command a web replica sends (see ``AlertCommands._on_engine``)."""
    alerts = system.alert_commands

    def dumped(value: Any) -> Any:
        if isinstance(value, list):
            return [dumped(v) for v in value]
        return value.model_dump(mode='json') if hasattr(value, 'model_dump') else value

    calls: dict[str, AlertCall] = {
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

    def handler(call: AlertCall) -> Handler:
        async def handle(args: dict[str, Any], replica: str) -> Any:
            who = principal_of(args['who'])
            return dumped(await call(args, who, f'{args["origin"]} via {replica}'))

        return handle

    return {f'alerts.{name}': handler(call) for name, call in calls.items()}
