"""REST routes under ``/dashboard/api`` and the WebSocket routes under ``/dashboard/ws``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import orjson
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import audit, reports, runtime
from ..access import Access, bearer_token
from ..accounts import Principal
from ..control import ACTIONS
from ..events import EventType, Notification, Topic
from . import REST_PREFIX, WS_PREFIX
from . import schemas as s
from .connections import ENDPOINTS, envelope
from .messages import MAX_MESSAGE_BYTES
from .ws import serve_websocket

if TYPE_CHECKING:
    from ..system import System

ERRORS = {code: {'model': s.ErrorResponse} for code in (400, 401, 403, 404, 413, 422, 429, 503)}


def token_principal(access: Access, request: Request) -> Principal:
    """The caller named by the request's bearer token; 401 without a valid one, 429 while the client is locked
    out."""
    client = request.client.host if request.client else 'unknown'
    if (wait := access.throttle.retry_after(client)) > 0:
        raise HTTPException(429, f'too many failed attempts; retry in {wait:.0f} s',
                            headers={'Retry-After': str(math.ceil(wait))})
    who = access.authenticate(bearer_token(request.headers.get('authorization')), client)
    if who is None:
        raise HTTPException(401, 'missing or invalid bearer token', headers={'WWW-Authenticate': 'Bearer'})
    return who


def build_router(system: System) -> APIRouter:
    """The ``/dashboard`` router for ``system``; mount it with ``app.include_router``.

    Every route and dependency is ``async def``: they run on the event loop thread, like the engine whose state
    they read (FastAPI would run plain ``def`` ones in a thread pool, racing the engine).
    """

    async def principal(request: Request) -> Principal:
        return token_principal(system.access, request)

    async def operator(request: Request, who: Principal = Depends(principal)) -> Principal:
        """The caller, who must hold the operator role (403 for viewers; the attempt is audited)."""
        if not who.can_control:
            audit.record(system.bus, who=who, action=f'{request.method} {request.url.path}', origin=_client(request),
                         result='denied', details={'reason': 'viewer role'})
            raise HTTPException(403, f'forbidden: {who.label} has the viewer role; this needs an operator')
        return who

    as_operator = Depends(operator)
    api = APIRouter(prefix=REST_PREFIX, tags=['dashboard'], dependencies=[Depends(principal)],
                    responses=ERRORS)

    @api.get('/dashboard-data', response_model=s.DashboardData)
    async def dashboard_data() -> s.DashboardData:
        """Everything the main page shows, in one response."""
        return reports.dashboard_data(system)

    @api.get('/trading-metrics', response_model=s.TradingMetrics)
    async def trading_metrics() -> s.TradingMetrics:
        """Fee-inclusive performance of the paper account."""
        return reports.trading_metrics(system)

    @api.get('/system-status', response_model=s.SystemStatus)
    async def system_status() -> s.SystemStatus:
        return reports.system_status(system)

    @api.get('/websocket-stats', response_model=s.WebSocketStats)
    async def websocket_stats() -> s.WebSocketStats:
        return s.WebSocketStats(**system.connections.stats())

    @api.post('/bot-control/{action}', response_model=s.ControlResponse)
    async def bot_control(action: Annotated[str, Path(json_schema_extra={'enum': list(ACTIONS)})], request: Request,
                          who: Principal = as_operator) -> s.ControlResponse:
        """Start, stop or restart the bot; asking for the current state succeeds and says so."""
        if action not in ACTIONS:
            raise HTTPException(400, f'unknown action {action!r}; allowed: {", ".join(ACTIONS)}')
        result = await system.controller.run(action, reason='api', who=who, origin=_client(request))
        return s.ControlResponse(success=result.success, message=result.message, action=result.action,
                                 state=result.state.value)

    @api.post('/positions/close-all', response_model=s.CloseResponse)
    async def close_all(request: Request, who: Principal = as_operator) -> s.CloseResponse:
        """Close every open position at market now; the bot keeps running unless stopped."""
        trades = system.controller.close_positions(None, who=who, origin=_client(request))
        message = f'closed {len(trades)} position(s)' if trades else 'no open positions'
        return s.CloseResponse(success=True, message=message, closed=[_closed(t) for t in trades])

    @api.post('/positions/{symbol:path}/close', response_model=s.CloseResponse)
    async def close_position(symbol: str, request: Request, who: Principal = as_operator) -> s.CloseResponse:
        """Close one symbol's position at market now (``BTC/USDT``, ``BTC-USDT`` or ``BTCUSDT``)."""
        name = _symbol(system, symbol)
        trades = system.controller.close_positions([name], who=who, origin=_client(request))
        if not trades:
            raise HTTPException(404, f'no open position on {name}')
        return s.CloseResponse(success=True, message=f'closed {name}', closed=[_closed(t) for t in trades])

    @api.get('/settings', response_model=s.SettingsResponse)
    async def get_settings() -> s.SettingsResponse:
        """Strategy, its parameters and risk limits, and every strategy's parameters with defaults."""
        return s.SettingsResponse(settings=runtime.current(system), strategies=runtime.strategy_catalog())

    @api.put('/settings', response_model=s.SettingsResponse)
    async def put_settings(update: runtime.RuntimeSettingsUpdate, request: Request, who: Principal = as_operator) \
            -> s.SettingsResponse:
        """Change strategy, parameters or risk limits; validated, applied between bot transitions, persisted."""
        try:
            await runtime.change(system, update, who=who, origin=_client(request))
        except runtime.SettingsError as error:
            raise HTTPException(422, str(error)) from None
        return s.SettingsResponse(settings=runtime.current(system), strategies=runtime.strategy_catalog())

    @api.get('/events', response_model=s.EventsPage)
    async def events(topic: Topic | None = None, type: EventType | None = None,
               since_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100, latest: bool = False,
               since: Annotated[float | None, Query(ge=0, le=1e11, description='Unix seconds, inclusive')] = None,
               until: Annotated[float | None, Query(ge=0, le=1e11, description='Unix seconds, exclusive')] = None,
               ) -> s.EventsPage:
        """Event history in id order from memory and the store (sampled types from memory only): the first
        ``limit`` after ``since_id``, or with ``latest=true`` the newest ``limit``; optionally within a time range."""
        stored = {e.id: e for e in system.store.events(topic=topic, type_=type, since_id=since_id, limit=limit,
                                                       newest_first=latest, since=since, until=until)}
        recent = system.bus.recent(topic=topic, type_=type, since_id=since_id if not latest else 0,
                                   limit=len(system.bus.history))
        for e in recent:
            if e.id > since_id and (since is None or e.timestamp >= since) and (until is None or e.timestamp < until):
                stored.setdefault(e.id, e)
        ordered = sorted(stored.values(), key=lambda e: e.id)
        page = ordered[-limit:] if latest else ordered[:limit]
        return s.EventsPage(events=[s.EventOut(**envelope(e)) for e in page], count=len(page),
                            next_since_id=page[-1].id if len(page) == limit and not latest else None,
                            last_event_id=system.bus.last_id)

    @api.get('/candles', response_model=s.CandlesResponse)
    async def candles(symbol: Annotated[str, Query(max_length=40)],
                timeframe: Annotated[str | None, Query(max_length=10)] = None,
                limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> s.CandlesResponse:
        """OHLCV history with EMA 10/20/50 and Bollinger columns and the trades on it (the chart's data)."""
        try:
            return reports.candles(system, _symbol(system, symbol), timeframe, limit)
        except ValueError as error:
            raise HTTPException(400, str(error)) from None

    @api.post('/emit-test-event', response_model=s.EmitResponse, status_code=200)
    async def emit_test_event(request: Request, _who: Principal = as_operator) -> JSONResponse:
        """Without a body: the original's test notification. With ``{"type", "data"}``: that event through the
        real bus (``data`` unchanged, ``test: true``, ``source: "test"``), never persisted, never trading."""
        raw = await request.body()
        if len(raw) > MAX_MESSAGE_BYTES + 1024:
            raise HTTPException(413, f'body over {MAX_MESSAGE_BYTES // 1024} KB')
        if raw.strip():
            try:
                body = s.TestEventRequest.model_validate_json(raw)
            except ValueError as error:
                raise HTTPException(422, _first_error(error)) from None
            if len(orjson.dumps(body.data)) > MAX_MESSAGE_BYTES:
                raise HTTPException(413, f'data over {MAX_MESSAGE_BYTES // 1024} KB')
            event = system.bus.publish(body.type, body.data, source='test', test=True)
        else:
            event = system.bus.publish(EventType.NOTIFICATION, Notification(
                message='Test notification from the dashboard API', level='info', category='test'),
                source='test', test=True)
        return JSONResponse(s.EmitResponse(success=True, message=f'{event.type} emitted', event_id=event.id,
                                           type=event.type.value).model_dump())

    ws = APIRouter(prefix=WS_PREFIX)
    for name, endpoint in ENDPOINTS.items():
        async def handler(websocket: WebSocket, endpoint=endpoint) -> None:
            await serve_websocket(websocket, endpoint, system)

        ws.add_api_websocket_route(f'/{name}', handler, name=f'ws_{name}')

    router = APIRouter()
    router.include_router(api)
    router.include_router(ws)
    return router


def install_error_format(app: FastAPI) -> None:
    """API errors in one shape, ``{"detail": "..."}``: validation errors as ``"<where>: <problem>; ..."`` (not
    FastAPI's list), unknown API paths as JSON 404s (not the pages' HTML one), a failing database as 503."""

    async def validation_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = '; '.join(f'{".".join(str(x) for x in e["loc"] if x != "body") or "body"}: {e["msg"]}'
                             for e in error.errors()[:10])
        return JSONResponse({'detail': problems}, status_code=422)

    app.add_exception_handler(RequestValidationError, validation_error)
    pages_not_found = app.exception_handlers.get(404)  # NiceGUI renders an HTML page for unknown paths

    async def not_found(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(REST_PREFIX) or pages_not_found is None:
            detail = error.detail if isinstance(error, StarletteHTTPException) else 'not found'
            return JSONResponse({'detail': detail}, status_code=404)
        return await pages_not_found(request, error)

    app.add_exception_handler(404, not_found)

    async def database_unavailable(_request: Request, error: Exception) -> JSONResponse:
        cause = getattr(error, 'orig', None) or error  # sqlite's own words, without the SQL statement
        return JSONResponse({'detail': f'database unavailable: {cause}; retry shortly'}, status_code=503,
                            headers={'Retry-After': '5'})

    app.add_exception_handler(SQLAlchemyError, database_unavailable)


def _symbol(system: System, text: str) -> str:
    wanted = text.upper().replace('-', '/').replace('_', '/')
    for symbol in system.engine.symbols:
        if wanted in (symbol, symbol.replace('/', '')):
            return symbol
    raise HTTPException(404, f'unknown symbol {text!r}; known: {", ".join(system.engine.symbols)}')


def _closed(t) -> s.ClosedPosition:
    return s.ClosedPosition(id=t.id, symbol=t.symbol, side=t.side.value, quantity=t.quantity,
                            entry_price=t.entry_price, exit_price=t.exit_price, pnl=t.pnl, fees=t.fees,
                            status=t.status.value)


def _client(request: Request) -> str:
    return f'{request.client.host}:{request.client.port}' if request.client else 'unknown'


def _first_error(error: ValueError) -> str:
    errors = getattr(error, 'errors', None)
    if callable(errors):
        return '; '.join(f'{".".join(str(x) for x in e["loc"]) or "body"}: {e["msg"]}' for e in errors())
    return str(error)
