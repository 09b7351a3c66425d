"""REST routes of alerts (``/dashboard/api/alerts``) and their channels (``/dashboard/api/alert-channels``):
viewers read, operators change (through the alert commands, which check the role and audit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ..alerts.quiet import QuietHours
from ..alerts.rules import (
    WHOLE,
    Alert,
    AlertSpec,
    AlertUpdate,
    Channel,
    ChannelSpec,
    ChannelUpdate,
    HistoryPage,
    Preview,
    Rule,
    SendResult,
)
from ..errors import CommandError, ErrorKind
from ..i18n import N_
from . import schemas as s
from .deps import OriginDep, PrincipalDep, SystemDep, get_principal
from .paths import REST_PREFIX

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {'model': s.ErrorResponse} for code in (400, 401, 403, 404, 409, 422, 429, 503)
}
router = APIRouter(prefix=REST_PREFIX, tags=['alerts'], dependencies=[Depends(get_principal)], responses=ERRORS)
AlertId = Annotated[int, Path(ge=1, le=2**62)]


class AcknowledgeRequest(BaseModel):
    """Trigger ids to acknowledge; ``null`` (or no body field): all of them."""

    model_config = ConfigDict(extra='forbid', strict=True)

    ids: list[Annotated[int, Field(ge=1, le=2**53), WHOLE]] | None = Field(default=None, max_length=1000)


class AcknowledgeResponse(BaseModel):
    acknowledged: int
    unread: int


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra='forbid', strict=True)

    rule: Rule


@router.get('/alerts', response_model=list[Alert])
async def list_alerts(system: SystemDep) -> list[Alert]:
    """Every alert with its state (armed, triggered, cooling_down, snoozed, disabled), channels masked."""
    service = system.alerts
    return [service.view(r) for r in service.rules.values()]


@router.post('/alerts', response_model=Alert, status_code=201)
async def create_alert(spec: AlertSpec, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> Alert:
    """A new alert; ``channels`` name stored channels or give Apprise URLs (stored once as channels)."""
    return await system.alert_commands.create(spec, who=who, origin=origin)


@router.get('/alerts/history', response_model=HistoryPage)
async def alert_history(
    system: SystemDep,
    alert_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
    unacknowledged: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> HistoryPage:
    """Triggers, newest first: the value, the message, each channel's result, who acknowledged it."""
    return system.alerts.history(
        alert_id=alert_id, search=search or None, unacknowledged=unacknowledged, limit=limit, offset=offset
    )


@router.post('/alerts/history/acknowledge', response_model=AcknowledgeResponse)
async def acknowledge(
    body: AcknowledgeRequest, system: SystemDep, who: PrincipalDep, origin: OriginDep
) -> AcknowledgeResponse:
    """Mark triggers as seen (the bell's count drops)."""
    count = await system.alert_commands.acknowledge(body.ids, who=who, origin=origin)
    return AcknowledgeResponse(acknowledged=count, unread=system.alerts.unread)


@router.post('/alerts/preview', response_model=Preview)
async def preview(body: PreviewRequest, system: SystemDep) -> Preview:
    """What a rule would see now: its current value and whether its condition holds."""
    return system.alert_commands.preview(body.rule)


@router.get('/alerts/quiet-hours', response_model=QuietHours)
async def get_quiet_hours(system: SystemDep, who: PrincipalDep) -> QuietHours:
    """The caller's quiet hours (non-critical alerts they own wait until the end, then come as one digest)."""
    return system.alerts.quiet_hours(who.label)


@router.put('/alerts/quiet-hours', response_model=QuietHours)
async def put_quiet_hours(quiet: QuietHours, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> QuietHours:
    return await system.alert_commands.set_quiet_hours(quiet, who=who, origin=origin)


@router.get('/alerts/{alert_id:int}', response_model=Alert)
async def read_alert(alert_id: AlertId, system: SystemDep) -> Alert:
    stored = system.alerts.rules.get(alert_id)
    if stored is None:
        raise CommandError(ErrorKind.NOT_FOUND, N_('no alert {id}'), id=alert_id)
    return system.alerts.view(stored)


@router.patch('/alerts/{alert_id:int}', response_model=Alert)
async def update_alert(
    alert_id: AlertId, change: AlertUpdate, system: SystemDep, who: PrincipalDep, origin: OriginDep
) -> Alert:
    """Change the fields given: enable/disable, snooze (``snooze_s``, 0 wakes it), rename, new rule or channels."""
    return await system.alert_commands.update(alert_id, change, who=who, origin=origin)


@router.delete('/alerts/{alert_id:int}', status_code=204, response_class=Response)
async def delete_alert(alert_id: AlertId, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> Response:
    await system.alert_commands.delete(alert_id, who=who, origin=origin)
    return Response(status_code=204)


@router.post('/alerts/{alert_id:int}/duplicate', response_model=Alert, status_code=201)
async def duplicate_alert(alert_id: AlertId, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> Alert:
    """A disabled copy of the alert."""
    return await system.alert_commands.duplicate(alert_id, who=who, origin=origin)


@router.post('/alerts/{alert_id:int}/test', response_model=list[SendResult])
async def test_alert(alert_id: AlertId, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> list[SendResult]:
    """Send a test message to each of the alert's channels now; one result per channel."""
    return await system.alert_commands.test(alert_id, who=who, origin=origin)


@router.get('/alerts/{alert_id:int}/history', response_model=HistoryPage)
async def one_alert_history(
    alert_id: AlertId,
    system: SystemDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> HistoryPage:
    if alert_id not in system.alerts.rules:
        raise CommandError(ErrorKind.NOT_FOUND, N_('no alert {id}'), id=alert_id)
    return system.alerts.history(alert_id=alert_id, limit=limit, offset=offset)


@router.get('/alert-channels', response_model=list[Channel])
async def list_channels(system: SystemDep) -> list[Channel]:
    """Every channel, its URL masked (scheme and host; secrets never leave the server), with its send counts."""
    service = system.alerts
    return [service.channel_view(c) for c in service.channels.values()]


@router.post('/alert-channels', response_model=Channel, status_code=201)
async def create_channel(spec: ChannelSpec, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> Channel:
    return await system.alert_commands.create_channel(spec, who=who, origin=origin)


@router.get('/alert-channels/{channel_id:int}', response_model=Channel)
async def read_channel(channel_id: AlertId, system: SystemDep) -> Channel:
    stored = system.alerts.channels.get(channel_id)
    if stored is None:
        raise CommandError(ErrorKind.NOT_FOUND, N_('no channel {id}'), id=channel_id)
    return system.alerts.channel_view(stored)


@router.patch('/alert-channels/{channel_id:int}', response_model=Channel)
async def update_channel(
    channel_id: AlertId, change: ChannelUpdate, system: SystemDep, who: PrincipalDep, origin: OriginDep
) -> Channel:
    return await system.alert_commands.update_channel(channel_id, change, who=who, origin=origin)


@router.delete('/alert-channels/{channel_id:int}', status_code=204, response_class=Response)
async def delete_channel(channel_id: AlertId, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> Response:
    """Delete a channel no alert uses (409 names the alerts that do)."""
    await system.alert_commands.delete_channel(channel_id, who=who, origin=origin)
    return Response(status_code=204)


@router.post('/alert-channels/{channel_id:int}/test', response_model=SendResult)
async def test_channel(channel_id: AlertId, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> SendResult:
    """Send the channel a test message now and say how it went."""
    return await system.alert_commands.test_channel(channel_id, who=who, origin=origin)
