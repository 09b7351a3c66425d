"""REST routes under ``/dashboard/api``: thin — validate, call one core function or command, return a model."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import WithJsonSchema

from .. import live_settings, views
from ..control import ACTIONS
from ..engine.models import Side, Trade, TradeStatus
from ..events import EventType, Topic
from ..i18n import _, ngettext
from ..views.chart_indicators import SPEC_PATTERN
from . import schemas as s
from .deps import OriginDep, PrincipalDep, SystemDep, get_principal, resolve_symbol
from .errors import describe_errors
from .messages import MAX_MESSAGE_BYTES
from .paths import REST_PREFIX

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {'model': s.ErrorResponse} for code in (400, 401, 403, 404, 413, 422, 429, 503)
}

router = APIRouter(prefix=REST_PREFIX, tags=['dashboard'], dependencies=[Depends(get_principal)], responses=ERRORS)


@router.get('/dashboard-data', response_model=views.DashboardData)
async def dashboard_data(system: SystemDep) -> views.DashboardData:
    """Everything the main page shows, in one response."""
    return views.dashboard_data(system)


@router.get('/trading-metrics', response_model=views.TradingMetrics)
async def trading_metrics(system: SystemDep) -> views.TradingMetrics:
    """Fee-inclusive performance of the paper account."""
    return views.trading_metrics(system)


@router.get('/system-status', response_model=views.SystemStatus)
async def system_status(system: SystemDep) -> views.SystemStatus:
    return views.system_status(system)


@router.get('/websocket-stats', response_model=views.WebSocketStats)
async def websocket_stats(system: SystemDep) -> views.WebSocketStats:
    return system.clients.stats()


@router.post('/bot-control/{action}', response_model=s.ControlResponse)
async def bot_control(
    action: Annotated[str, Path(json_schema_extra={'enum': list(ACTIONS)})],
    system: SystemDep,
    who: PrincipalDep,
    origin: OriginDep,
) -> s.ControlResponse:
    """Start, stop or restart the bot; asking for the current state succeeds and says so."""
    result = await system.commands.control(action, who=who, origin=origin, reason='api')
    return s.ControlResponse(
        success=result.success, message=_(result.message), action=result.action, state=result.state.value
    )


@router.post('/positions/close-all', response_model=s.CloseResponse)
async def close_all(system: SystemDep, who: PrincipalDep, origin: OriginDep) -> s.CloseResponse:
    """Close every open position at market now; the bot keeps running unless stopped."""
    trades = await system.commands.close_positions(None, who=who, origin=origin)
    closed = ngettext('closed {count} position', 'closed {count} positions', len(trades)).format(count=len(trades))
    message = closed if trades else _('no open positions')
    return s.CloseResponse(success=True, message=message, closed=[_closed(t) for t in trades])


@router.post('/positions/{symbol:path}/close', response_model=s.CloseResponse)
async def close_position(
    symbol: Annotated[str, Path(max_length=40, examples=['BTC-USDT'])],
    system: SystemDep,
    who: PrincipalDep,
    origin: OriginDep,
) -> s.CloseResponse:
    """Close one symbol's position at market now (``BTC/USDT``, ``BTC-USDT`` or ``BTCUSDT``)."""
    name = resolve_symbol(system, symbol)
    trades = await system.commands.close_positions([name], who=who, origin=origin)
    return s.CloseResponse(
        success=True, message=_('closed {symbol}').format(symbol=name), closed=[_closed(t) for t in trades]
    )


@router.get('/positions', response_model=list[views.OpenPosition])
async def positions(system: SystemDep) -> list[views.OpenPosition]:
    """The open positions as the dashboard shows them, marked at the last price, with the net PnL if closed now."""
    return views.open_positions(system)


@router.get('/trades', response_model=views.TradesPage)
async def trades(
    system: SystemDep,
    symbol: Annotated[s.SymbolQuery, Query()] = None,
    side: Side | None = None,
    status: TradeStatus | None = None,
    since: Annotated[s.TimeQuery, Query(alias='from', description='entered at or after; no offset means UTC')] = None,
    until: Annotated[s.TimeQuery, Query(alias='to', description='entered before; no offset means UTC')] = None,
    sort: views.TradeSort = '-entry_time',
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> views.TradesPage:
    """Trade history with the CSV export's fields: filtered, sorted (``-`` descending; newest entry first by
    default) and paged by ``limit``/``offset``; ``total`` counts every match."""
    return views.trades_page(
        system,
        symbol=symbol,
        side=side,
        status=status,
        since=since,
        until=until,
        sort=sort,
        limit=limit,
        offset=offset,
    )


@router.get('/settings', response_model=s.SettingsResponse)
async def get_settings(system: SystemDep) -> s.SettingsResponse:
    """Strategy, its parameters and risk limits, and every strategy's parameters with defaults."""
    return s.SettingsResponse(settings=live_settings.current(system), strategies=live_settings.strategy_catalog())


@router.put('/settings', response_model=s.SettingsResponse, responses={409: {'model': s.ErrorResponse}})
async def put_settings(
    update: live_settings.RuntimeSettingsUpdate, system: SystemDep, who: PrincipalDep, origin: OriginDep
) -> s.SettingsResponse:
    """Change strategy, parameters or risk limits; validated, applied between bot transitions, persisted.
    Values that are each valid but conflict with each other or with the current settings (``fast`` not below
    ``slow``, another strategy's parameters while the running one is kept) are answered with 409."""
    applied = await system.commands.change_settings(update, who=who, origin=origin)
    return s.SettingsResponse(settings=applied, strategies=live_settings.strategy_catalog())


@router.get('/events', response_model=s.EventsPage)
async def events(
    system: SystemDep,
    topic: Topic | None = None,
    type: EventType | None = None,
    since_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    latest: bool = False,
    since: Annotated[float | None, Query(ge=0, le=1e11, description='Unix seconds, inclusive')] = None,
    until: Annotated[float | None, Query(ge=0, le=1e11, description='Unix seconds, exclusive')] = None,
) -> s.EventsPage:
    """Event history in id order from memory and the store (sampled types from memory only): the first
    ``limit`` after ``since_id``, or with ``latest=true`` the newest ``limit``; optionally within a time range."""
    stored = {
        e.id: e
        for e in system.store.events(
            topic=topic, type_=type, since_id=since_id, limit=limit, newest_first=latest, since=since, until=until
        )
    }
    recent = system.bus.recent(
        topic=topic, type_=type, since_id=since_id if not latest else 0, limit=len(system.bus.history)
    )
    for e in recent:
        if e.id > since_id and (since is None or e.timestamp >= since) and (until is None or e.timestamp < until):
            stored.setdefault(e.id, e)
    ordered = sorted(stored.values(), key=lambda e: e.id)
    page = ordered[-limit:] if latest else ordered[:limit]
    return s.EventsPage(
        events=[s.EventOut(**e.envelope()) for e in page],
        count=len(page),
        next_since_id=page[-1].id if len(page) == limit and not latest else None,
        last_event_id=system.bus.last_id,
    )


@router.get('/candles', response_model=views.CandlesResponse)
async def candles(
    system: SystemDep,
    symbol: Annotated[str, Query(max_length=40)],
    timeframe: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    before: Annotated[
        int | None, Query(ge=0, le=10**11, description='Unix seconds: only candles opening earlier')
    ] = None,
    indicators: Annotated[
        # the pattern is checked by parse_indicators, whose messages say what is wrong
        Annotated[str, WithJsonSchema({'type': 'string', 'maxLength': 500, 'pattern': SPEC_PATTERN})] | None,
        Query(
            max_length=500,
            description="kind[:parameter...] items, e.g. 'sma:20,ema:50,bbands:20:2,rsi:14,macd,atr,adx,stoch,volume'",
        ),
    ] = None,
) -> views.CandlesResponse:
    """Closed candles of a timeframe (the newest ``limit``, or those before ``before`` to page back through
    history) with indicator columns (default EMA 10/20/50 and Bollinger) and the trades on them."""
    try:
        chosen = views.parse_indicators(indicators) if indicators is not None else views.charts.DEFAULT_INDICATORS
        return views.candles(system, resolve_symbol(system, symbol), timeframe, limit, before=before, indicators=chosen)
    except ValueError as error:
        raise HTTPException(400, str(error)) from None


@router.post('/emit-test-event', response_model=s.EmitResponse, status_code=200)
async def emit_test_event(request: Request, system: SystemDep, who: PrincipalDep, origin: OriginDep) -> JSONResponse:
    """Without a body: the original's test notification. With ``{"type", "data"}``: that event through the
    real bus (``data`` unchanged, ``test: true``, ``source: "test"``), never persisted, never trading."""
    raw = await request.body()
    if len(raw) > MAX_MESSAGE_BYTES + 1024:
        raise HTTPException(413, f'body over {MAX_MESSAGE_BYTES // 1024} KB')
    type_, data = None, {}
    if raw.strip():
        try:
            body = s.TestEventRequest.model_validate_json(raw)
        except ValueError as error:
            errors = getattr(error, 'errors', None)
            raise HTTPException(422, describe_errors(errors(), skip=()) if callable(errors) else str(error)) from None
        if len(orjson.dumps(body.data)) > MAX_MESSAGE_BYTES:
            raise HTTPException(413, f'data over {MAX_MESSAGE_BYTES // 1024} KB')
        type_, data = body.type, body.data
    event = await system.commands.emit_test_event(type_, data, who=who, origin=origin)
    return JSONResponse(
        s.EmitResponse(
            success=True, message=_('{type} emitted').format(type=event.type), event_id=event.id, type=event.type.value
        ).model_dump()
    )


def _closed(t: Trade) -> s.ClosedPosition:
    return s.ClosedPosition(
        id=t.id,
        symbol=t.symbol,
        side=t.side.value,
        quantity=t.quantity,
        entry_price=t.entry_price,
        exit_price=t.exit_price or t.entry_price,
        pnl=t.pnl,
        fees=t.fees,
        status=t.status.value,
    )
