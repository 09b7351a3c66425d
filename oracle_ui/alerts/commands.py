"""The commands that change alerts and channels: operators only, every attempt audited (channels by their masked
URL, never the URL), refusals as :class:`~oracle_ui.errors.CommandError`. REST, the CLI and pages call these."""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from ..commands import principal_data, require_operator
from ..errors import CommandError, ErrorKind
from ..i18n import N_
from ..i18n.validation import problem_text
from ..security import audit
from ..security.accounts import Principal
from ..store.alerts import StoredChannel, StoredRule
from ..views import chart_timeframes
from ..views.symbols import configured_symbol
from . import channels as urls
from .channels import ChannelError
from .quiet import QuietHours
from .rules import (
    RULE,
    Alert,
    AlertSpec,
    AlertUpdate,
    Channel,
    ChannelSpec,
    ChannelUpdate,
    Preview,
    Rule,
    SendResult,
    Severity,
)
from .service import AlertService

if TYPE_CHECKING:
    from ..system import System

MAX_ALERTS = 5000
MAX_CHANNELS = 100


class AlertCommands:
    """Alert and channel changes of one :class:`~oracle_ui.system.System`."""

    def __init__(self, system: System) -> None:
        self.system = system

    @property
    def service(self) -> AlertService:
        return self.system.alerts

    # ---- alerts ------------------------------------------------------------------------------------------
    async def create(self, spec: AlertSpec, *, who: Principal, origin: str) -> Alert:
        """Store a new alert (its inline URLs as channels) and start checking it."""
        self._allow(who, 'create_alert', origin, {'name': spec.name})
        if self.system.remote is not None:
            return Alert.model_validate(await self._on_engine('create', who, origin, spec=spec.model_dump(mode='json')))
        if len(self.service.rules) >= MAX_ALERTS:
            raise CommandError(ErrorKind.CONFLICT, N_('at most {count} alerts; delete some first'), count=MAX_ALERTS)
        rule = self._checked_rule(spec.rule)
        channel_ids = await self._channel_ids(spec.channels, who, origin)
        now = time.time()
        stored = StoredRule(
            id=0,
            name=spec.name,
            owner=who.label,
            enabled=spec.enabled,
            severity=spec.severity,
            rule=rule.model_dump(mode='json'),
            channels=channel_ids,
            cooldown_s=spec.cooldown_s,
            snoozed_until=None,
            created_time=now,
            updated_time=now,
        )
        self.service.put_rule(stored)
        self._audit(who, 'create_alert', origin, {'alert_id': stored.id, 'alert': self._summary(stored)})
        return self.service.view(stored)

    async def update(self, alert_id: int, change: AlertUpdate, *, who: Principal, origin: str) -> Alert:
        """Change the given fields; ``snooze_s`` silences it that long from now (0: wake it)."""
        self._allow(who, 'update_alert', origin, {'alert_id': alert_id})
        if self.system.remote is not None:
            change_json = change.model_dump(mode='json', exclude_unset=True)
            return Alert.model_validate(
                await self._on_engine('update', who, origin, alert_id=alert_id, change=change_json)
            )
        stored = self._rule(alert_id)
        before = self._summary(stored)
        fields = change.model_dump(exclude_unset=True)
        if 'channels' in fields and change.channels is not None:
            stored.channels = await self._channel_ids(change.channels, who, origin)
        if change.rule is not None:
            stored.rule = self._checked_rule(change.rule).model_dump(mode='json')
        for name in ('name', 'enabled', 'severity', 'cooldown_s'):
            if fields.get(name) is not None:
                setattr(stored, name, fields[name])
        if change.snooze_s is not None:
            stored.snoozed_until = self.service.clock.time() + change.snooze_s if change.snooze_s > 0 else None
        stored.updated_time = time.time()
        self.service.put_rule(stored)
        after = self._summary(stored)
        changes = {k: {'from': v, 'to': after[k]} for k, v in before.items() if after[k] != v}
        self._audit(who, 'update_alert', origin, {'alert_id': alert_id, 'changes': changes})
        return self.service.view(stored)

    async def delete(self, alert_id: int, *, who: Principal, origin: str) -> None:
        self._allow(who, 'delete_alert', origin, {'alert_id': alert_id})
        if self.system.remote is not None:
            await self._on_engine('delete', who, origin, alert_id=alert_id)
            return
        stored = self._rule(alert_id)
        self.service.delete_rule(alert_id)
        self._audit(who, 'delete_alert', origin, {'alert_id': alert_id, 'alert': self._summary(stored)})

    async def duplicate(self, alert_id: int, *, who: Principal, origin: str) -> Alert:
        """A copy named "… (copy)", disabled until switched on (two identical live alerts would both fire)."""
        if self.system.remote is not None:
            return Alert.model_validate(await self._on_engine('duplicate', who, origin, alert_id=alert_id))
        stored = self._rule(alert_id)
        spec = AlertSpec(
            name=f'{stored.name} (copy)'[:100],
            rule=RULE.validate_python(stored.rule),
            enabled=False,
            severity=cast(Severity, stored.severity),  # stored from a checked AlertSpec
            cooldown_s=stored.cooldown_s,
            channels=[self.service.channels[c].name for c in stored.channels],
        )
        return await self.create(spec, who=who, origin=origin)

    async def test(self, alert_id: int, *, who: Principal, origin: str) -> list[SendResult]:
        """Send a test message to each of the alert's channels now; one result each."""
        self._allow(who, 'test_alert', origin, {'alert_id': alert_id})
        if self.system.remote is not None:
            results = await self._on_engine('test', who, origin, alert_id=alert_id)
            return [SendResult.model_validate(r) for r in results]
        stored = self._rule(alert_id)
        results = await asyncio.gather(*(self._send_test(c) for c in stored.channels if c in self.service.channels))
        self._audit(who, 'test_alert', origin, {'alert_id': alert_id, 'results': [r.model_dump() for r in results]})
        return list(results)

    def preview(self, rule: Rule) -> Preview:
        """What ``rule`` (its symbol and timeframe checked as for saving) would see now."""
        return self.service.preview(self._checked_rule(rule))

    async def acknowledge(self, trigger_ids: list[int] | None, *, who: Principal, origin: str) -> int:
        """Mark triggers (None: all) as seen; returns how many were unread."""
        self._allow(who, 'acknowledge_alerts', origin, {'triggers': trigger_ids})
        if self.system.remote is not None:
            return int(await self._on_engine('acknowledge', who, origin, trigger_ids=trigger_ids))
        count = self.service.acknowledge(trigger_ids, who.label)
        self._audit(who, 'acknowledge_alerts', origin, {'triggers': trigger_ids, 'acknowledged': count})
        return count

    async def set_quiet_hours(self, quiet: QuietHours, *, who: Principal, origin: str) -> QuietHours:
        """The caller's quiet hours (they hold the non-critical alerts the caller owns)."""
        self._allow(who, 'set_quiet_hours', origin, {})
        if self.system.remote is not None:
            saved = await self._on_engine('set_quiet_hours', who, origin, quiet=quiet.model_dump(mode='json'))
            return QuietHours.model_validate(saved)
        self.service.save_quiet_hours(who.label, quiet)
        self._audit(who, 'set_quiet_hours', origin, {'quiet_hours': quiet.model_dump()})
        return quiet

    # ---- channels ----------------------------------------------------------------------------------------
    async def create_channel(self, spec: ChannelSpec, *, who: Principal, origin: str) -> Channel:
        self._allow(who, 'create_channel', origin, {'name': spec.name})
        if self.system.remote is not None:
            return Channel.model_validate(
                await self._on_engine('create_channel', who, origin, spec=spec.model_dump(mode='json'))
            )
        if any(c.name == spec.name for c in self.service.channels.values()):
            raise CommandError(ErrorKind.CONFLICT, N_('a channel named {name} exists already'), name=repr(spec.name))
        stored = self._new_channel(spec.name, self._checked_url(spec.url), who, spec.rate_limit, spec.rate_period_s)
        self._audit(who, 'create_channel', origin, {'channel_id': stored.id, 'channel': self._channel_summary(stored)})
        return self.service.channel_view(stored)

    async def update_channel(self, channel_id: int, change: ChannelUpdate, *, who: Principal, origin: str) -> Channel:
        self._allow(who, 'update_channel', origin, {'channel_id': channel_id})
        if self.system.remote is not None:
            change_json = change.model_dump(mode='json', exclude_unset=True)
            updated = await self._on_engine('update_channel', who, origin, channel_id=channel_id, change=change_json)
            return Channel.model_validate(updated)
        stored = self._channel(channel_id)
        before = self._channel_summary(stored)
        if change.name is not None and change.name != stored.name:
            if any(c.name == change.name for c in self.service.channels.values()):
                raise CommandError(
                    ErrorKind.CONFLICT, N_('a channel named {name} exists already'), name=repr(change.name)
                )
            stored.name = change.name
        url = self.service.box.decrypt(stored.secret)
        if change.url is not None:
            checked = self._checked_url(change.url)
            url, stored.secret, stored.masked, stored.service = (
                checked.url,
                self.service.box.encrypt(checked.url),
                checked.masked,
                checked.service,
            )
        stored.rate_limit = change.rate_limit or stored.rate_limit
        stored.rate_period_s = change.rate_period_s or stored.rate_period_s
        stored.updated_time = time.time()
        self.service.put_channel(stored, url)
        after = self._channel_summary(stored)
        changes = {k: {'from': v, 'to': after[k]} for k, v in before.items() if after[k] != v}
        self._audit(who, 'update_channel', origin, {'channel_id': channel_id, 'changes': changes})
        return self.service.channel_view(stored)

    async def delete_channel(self, channel_id: int, *, who: Principal, origin: str) -> None:
        """Delete a channel no alert sends to (CONFLICT names the alerts that still do)."""
        self._allow(who, 'delete_channel', origin, {'channel_id': channel_id})
        if self.system.remote is not None:
            await self._on_engine('delete_channel', who, origin, channel_id=channel_id)
            return
        stored = self._channel(channel_id)
        users = [r.name for r in self.service.rules.values() if channel_id in r.channels]
        if users:
            raise CommandError(
                ErrorKind.CONFLICT,
                N_('channel {name} is used by: {alerts}'),
                name=repr(stored.name),
                alerts=', '.join(users[:10]),
            )
        await self.service.delete_channel(channel_id)
        self._audit(who, 'delete_channel', origin, {'channel_id': channel_id, 'channel': self._channel_summary(stored)})

    async def test_channel(self, channel_id: int, *, who: Principal, origin: str) -> SendResult:
        self._allow(who, 'test_channel', origin, {'channel_id': channel_id})
        if self.system.remote is not None:
            return SendResult.model_validate(await self._on_engine('test_channel', who, origin, channel_id=channel_id))
        self._channel(channel_id)
        result = await self._send_test(channel_id)
        self._audit(who, 'test_channel', origin, {'channel_id': channel_id, 'result': result.model_dump()})
        return result

    # ---- helpers -----------------------------------------------------------------------------------------
    async def _on_engine(self, command: str, who: Principal, origin: str, **args: Any) -> Any:
        """On a web replica: run ``command`` on the engine (which checks, stores and audits it; no answer in time is
        UNAVAILABLE and never runs later), then read the alerts again so this replica shows the change at once."""
        remote = self.system.remote
        assert remote is not None
        result = await remote.call(f'alerts.{command}', {'who': principal_data(who), 'origin': origin, **args})
        self.service.load()
        return result

    def _allow(self, who: Principal, action: str, origin: str, details: dict[str, Any]) -> None:
        require_operator(self.system, who, action, origin, details=details)

    def _audit(self, who: Principal, action: str, origin: str, details: dict[str, Any]) -> None:
        audit.record(self.system.bus, who=who, action=action, origin=origin, result='ok', details=details)

    def _rule(self, alert_id: int) -> StoredRule:
        stored = self.service.rules.get(alert_id)
        if stored is None:
            raise CommandError(ErrorKind.NOT_FOUND, N_('no alert {id}'), id=alert_id)
        return stored

    def _channel(self, channel_id: int) -> StoredChannel:
        stored = self.service.channels.get(channel_id)
        if stored is None:
            raise CommandError(ErrorKind.NOT_FOUND, N_('no channel {id}'), id=channel_id)
        return stored

    def _checked_rule(self, rule: Rule) -> Rule:
        """The rule with its symbol as traded (``BTC-USDT`` -> ``BTC/USDT``) and a charted timeframe."""
        values = rule.model_dump()
        symbols = self.system.engine.symbols
        if values.get('symbol') is not None:
            values['symbol'] = _traded(values['symbol'], symbols)
        if 'timeframe' in values:
            timeframes = chart_timeframes(self.system)
            if values['timeframe'] not in timeframes:
                raise CommandError(
                    ErrorKind.INVALID,
                    N_('timeframe {timeframe} is not one of {timeframes}'),
                    timeframe=repr(values['timeframe']),
                    timeframes=', '.join(timeframes),
                )
        try:
            return RULE.validate_python(values)
        except ValidationError as error:
            first = error.errors()[0]
            raise CommandError(ErrorKind.INVALID, lambda: problem_text(first)) from None

    def _checked_url(self, url: str) -> urls.CheckedUrl:
        try:
            return urls.check(url)
        except ChannelError as error:
            raise CommandError(ErrorKind.INVALID, str(error)) from None

    async def _channel_ids(self, names: list[str], who: Principal, origin: str) -> list[int]:
        """Stored channels by name, or channels made from URLs (one per distinct URL, reused)."""
        ids: list[int] = []
        by_name = {c.name: c for c in self.service.channels.values()}
        for name in names:
            if '://' not in name:
                if name not in by_name:
                    raise CommandError(
                        ErrorKind.NOT_FOUND,
                        N_('no channel named {name} (known: {known}); give a stored channel name or an Apprise URL'),
                        name=repr(name),
                        known=', '.join(by_name) or 'none yet',
                    )
                ids.append(by_name[name].id)
                continue
            checked = self._checked_url(name)
            same = [c for c in self.service.channels.values() if self.service.box.decrypt(c.secret) == checked.url]
            if same:
                ids.append(same[0].id)
                continue
            label = re.sub(r'[/:]+', ' ', f'{checked.service} {checked.host}').strip()[:50]  # a name, not an URL
            unique = next(n for k in range(1, 1000) if (n := label if k == 1 else f'{label} ({k})') not in by_name)
            stored = self._new_channel(unique, checked, who, 10, 60.0)
            by_name[stored.name] = stored
            self._audit(
                who, 'create_channel', origin, {'channel_id': stored.id, 'channel': self._channel_summary(stored)}
            )
            ids.append(stored.id)
        return list(dict.fromkeys(ids))

    def _new_channel(
        self, name: str, checked: urls.CheckedUrl, who: Principal, limit: int, period: float
    ) -> StoredChannel:
        if len(self.service.channels) >= MAX_CHANNELS:
            raise CommandError(
                ErrorKind.CONFLICT, N_('at most {count} channels; delete some first'), count=MAX_CHANNELS
            )
        now = time.time()
        stored = StoredChannel(
            id=0,
            name=name,
            secret=self.service.box.encrypt(checked.url),
            masked=checked.masked,
            service=checked.service,
            owner=who.label,
            rate_limit=limit,
            rate_period_s=period,
            created_time=now,
            updated_time=now,
        )
        self.service.put_channel(stored, checked.url)
        return stored

    async def _send_test(self, channel_id: int) -> SendResult:
        ok, error, attempts, elapsed = await self.service.dispatcher.test(channel_id)
        name = self.service.channels[channel_id].name
        return SendResult(channel=name, ok=ok, error=error, attempts=attempts, elapsed_ms=round(elapsed, 1))

    def _summary(self, stored: StoredRule) -> dict[str, Any]:
        return {
            'name': stored.name,
            'enabled': stored.enabled,
            'severity': stored.severity,
            'rule': stored.rule,
            'channels': [self.service.channels[c].name for c in stored.channels if c in self.service.channels],
            'cooldown_s': stored.cooldown_s,
            'snoozed_until': stored.snoozed_until,
        }

    @staticmethod
    def _channel_summary(stored: StoredChannel) -> dict[str, Any]:
        return {
            'name': stored.name,
            'masked': stored.masked,
            'service': stored.service,
            'rate_limit': stored.rate_limit,
            'rate_period_s': stored.rate_period_s,
        }


def _traded(text: str, symbols: list[str]) -> str:
    symbol = configured_symbol(symbols, text)
    if symbol is not None:
        return symbol
    raise CommandError(
        ErrorKind.INVALID, N_('unknown symbol {symbol}; traded: {traded}'), symbol=repr(text), traded=', '.join(symbols)
    )
