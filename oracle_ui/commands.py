"""The one path for every change to the running bot: bot control, closing positions, settings, symbols, test
events. Each command checks the caller's role, audits the attempt and its outcome, and raises
:class:`~oracle_ui.errors.CommandError` when it cannot be carried out. REST, WebSocket commands and pages all
call these methods and nothing below them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import orjson
from pydantic import BaseModel

from . import live_settings
from .control import ACTIONS, BotState, ControlResult
from .engine.models import Side, Trade, TradeStatus
from .errors import CommandError, ErrorKind
from .events import Event, EventType
from .i18n import N_
from .live_settings import RuntimeSettings, SettingsChange
from .security import audit
from .security.accounts import Principal, Role
from .store.backtest_runs import SavedRun

if TYPE_CHECKING:
    from .system import System


class Remote(Protocol):
    """Where a web replica's commands run: the engine (:class:`oracle_ui.cluster.rpc.CommandClient`)."""

    async def call(self, name: str, args: dict[str, Any]) -> Any:
        """The command's result as the engine answered it; raises CommandError (UNAVAILABLE: no answer in time)."""


def principal_data(who: Principal) -> dict[str, str]:
    """``who`` as a command sent to the engine names them (:func:`principal_of` reads it back)."""
    return {'name': who.name, 'role': who.role.value, 'kind': who.kind}


def principal_of(data: dict[str, Any]) -> Principal:
    """The caller a command sent to the engine names (:func:`principal_data`)."""
    return Principal(data['name'], Role(data['role']), data['kind'])


def require_operator(
    system: System,
    who: Principal,
    action: str,
    origin: str,
    *,
    type_: EventType = EventType.USER_ACTION,
    details: dict[str, Any] | None = None,
) -> None:
    """Refuse (audited) a principal without the operator role."""
    if who.can_control:
        return
    audit.record(
        system.bus,
        who=who,
        action=action,
        origin=origin,
        result='denied',
        details={'reason': 'viewer role', **(details or {})},
        type_=type_,
    )
    raise CommandError(
        ErrorKind.FORBIDDEN, N_('forbidden: {user} has the viewer role; this needs an operator'), user=who.label
    )


class Commands:
    """The commands of one :class:`~oracle_ui.system.System`; ``origin`` says where a call came from (for the
    audit trail: ``ui 127.0.0.1``, ``127.0.0.1:53122``, ...).

    On a web replica (``system.remote``) the role is checked here and the command then runs on the engine, through
    the engine's own Commands (checked again and audited there, the origin naming the replica)."""

    def __init__(self, system: System) -> None:
        self.system = system

    async def control(self, action: str, *, who: Principal, origin: str, reason: str) -> ControlResult:
        """Start, stop or restart the bot; asking for the state it is in succeeds and says so. A failed start
        is a result (``success`` false, the reason in ``message``), not an error."""
        if action not in ACTIONS:
            raise CommandError(
                ErrorKind.BAD_REQUEST,
                N_('unknown action {action}; allowed: {allowed}'),
                action=repr(action),
                allowed=', '.join(ACTIONS),
            )
        system = self.system
        require_operator(system, who, action, origin)
        if system.remote is not None:
            args = {'action': action, 'who': principal_data(who), 'origin': origin, 'reason': reason}
            answer = await system.remote.call('control', args)
            return ControlResult(answer['success'], answer['message'], answer['action'], BotState(answer['state']))
        result = await system.controller.run(action, reason=reason)
        audit.record(
            system.bus,
            who=who,
            action=action,
            origin=origin,
            result='ok' if result.success else 'failed',
            details={'message': result.message, 'state': result.state.value},
        )
        return result

    async def close_positions(self, symbols: list[str] | None, *, who: Principal, origin: str) -> list[Trade]:
        """Close ``symbols``' positions (None: all) at market now. One named symbol without an open position is
        NOT_FOUND; closing all with none open closes nothing."""
        system = self.system
        action = 'close_all' if symbols is None else 'close_position'
        require_operator(system, who, action, origin, details={'symbols': symbols})
        if system.remote is not None:
            args = {'symbols': symbols, 'who': principal_data(who), 'origin': origin}
            closed = await system.remote.call('close_positions', args)
            return [Trade(**{**t, 'side': Side(t['side']), 'status': TradeStatus(t['status'])}) for t in closed]
        for symbol in symbols or []:
            if symbol not in system.engine.symbols:
                raise CommandError(
                    ErrorKind.NOT_FOUND,
                    N_('unknown symbol {symbol}; known: {known}'),
                    symbol=repr(symbol),
                    known=', '.join(system.engine.symbols),
                )
        how = f'closed by {who.label}'
        if symbols is None:
            trades = system.engine.close_all(how)
        else:
            trades = [t for s in symbols if (t := system.engine.close_position(s, how)) is not None]
        audit.record(
            system.bus,
            who=who,
            action=action,
            origin=origin,
            result='ok',
            details={'symbols': symbols, 'closed': [t.id for t in trades]},
        )
        if symbols is not None and not trades:
            raise CommandError(ErrorKind.NOT_FOUND, N_('no open position on {symbols}'), symbols=', '.join(symbols))
        return trades

    async def change_settings(self, update: SettingsChange, *, who: Principal, origin: str) -> RuntimeSettings:
        """Validate, apply between bot transitions, persist and announce a change of strategy, parameters or
        risk limits; INVALID names each bad field and what is valid."""
        system = self.system
        require_operator(system, who, 'change_settings', origin, type_=EventType.SETTINGS_CHANGED)
        if system.remote is not None:
            change = update.model_dump(mode='json', exclude_unset=True) if isinstance(update, BaseModel) else {}
            args = {'update': change, 'who': principal_data(who), 'origin': origin}
            return RuntimeSettings.model_validate(await system.remote.call('change_settings', args))
        before, after = await live_settings.change(system, update)
        changes = {k: {'from': v, 'to': after[k]} for k, v in before.items() if after[k] != v}
        audit.record(
            system.bus,
            who=who,
            action='change_settings',
            origin=origin,
            result='ok',
            details={'changes': changes},
            type_=EventType.SETTINGS_CHANGED,
        )
        return live_settings.current(system)

    async def save_symbols(self, symbols: list[str], *, who: Principal, origin: str) -> None:
        """Keep ``symbols`` to trade from the next start (the feed is built with its symbols)."""
        system = self.system
        require_operator(system, who, 'change_symbols', origin, type_=EventType.SETTINGS_CHANGED)
        if system.remote is not None:
            await system.remote.call('save_symbols', {'symbols': symbols, 'who': principal_data(who), 'origin': origin})
            return
        before = live_settings.saved_symbols(system) or system.engine.symbols
        live_settings.save_symbols(system, symbols)
        audit.record(
            system.bus,
            who=who,
            action='change_symbols',
            origin=origin,
            result='ok',
            details={'changes': {'symbols': {'from': before, 'to': symbols}}, 'applies': 'next start'},
            type_=EventType.SETTINGS_CHANGED,
        )

    async def emit_test_event(
        self, type_: EventType | None, data: dict[str, Any], *, who: Principal, origin: str
    ) -> Event:
        """Publish a test event through the real bus (never stored, never trading); without a type, the
        original dashboard's test notification."""
        require_operator(self.system, who, 'emit_test_event', origin)
        if (remote := self.system.remote) is not None:
            args = {'type': type_ and type_.value, 'data': data, 'who': principal_data(who), 'origin': origin}
            return Event.from_json(orjson.dumps(await remote.call('emit_test_event', args)))
        return self.system.bus.publish_test(type_, data)

    def save_backtest(self, run: SavedRun, *, who: Principal, origin: str) -> int:
        """Keep a backtest run (anyone who may see the app may run and save one); returns its id."""
        run.owner = who.label
        run_id = self.system.store.backtest_runs.save(run)
        details = {'id': run_id, 'name': run.name, 'strategy': run.strategy, 'data': run.data_name}
        audit.record(self.system.bus, who=who, action='save_backtest', origin=origin, result='ok', details=details)
        return run_id

    def delete_backtests(self, run_ids: list[int], *, who: Principal, origin: str) -> list[int]:
        """Delete saved backtest runs (operators only); NOT_FOUND if none of them exists."""
        system = self.system
        require_operator(system, who, 'delete_backtests', origin, details={'ids': run_ids})
        deleted = system.store.backtest_runs.delete(run_ids)
        if not deleted:
            raise CommandError(
                ErrorKind.NOT_FOUND, N_('no saved backtest with id {ids}'), ids=', '.join(map(str, run_ids))
            )
        audit.record(
            system.bus, who=who, action='delete_backtests', origin=origin, result='ok', details={'ids': deleted}
        )
        return deleted
