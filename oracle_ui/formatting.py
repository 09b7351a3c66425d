"""Pure display formatters shared by pages (no UI code)."""

from __future__ import annotations

import math


def money(value: float | None, currency: str = 'USDT') -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return f'{value:,.2f} {currency}'


def signed_money(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return '—'
    return f'{value:+,.2f}'


def price(value: float | None) -> str:
    """Prices with precision that suits their size (65,012.50 / 3,401.25 / 151.234 / 0.123456)."""
    if value is None or not math.isfinite(value) or value == 0:
        return '—'
    digits = 2 if value >= 1000 else 3 if value >= 10 else 4 if value >= 1 else 6
    return f'{value:,.{digits}f}'


def age(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return 'no data'
    if seconds < 1:
        return 'just now'
    if seconds < 90:
        return f'{seconds:.0f} s ago'
    if seconds < 5400:
        return f'{seconds / 60:.0f} min ago'
    return f'{seconds / 3600:.1f} h ago'


def sparkline_points(values: list[float], width: float = 120, height: float = 28) -> str:
    """SVG polyline points for ``values`` scaled into a ``width`` x ``height`` box (empty for < 2 values)."""
    if len(values) < 2:
        return ''
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return ' '.join(f'{i * step:.1f},{height - (v - low) / span * (height - 2) - 1:.1f}' for i, v in enumerate(values))


def event_summary(event_type: str, data: dict) -> str:
    """A one-line human description of an event's payload."""
    symbol = data.get('symbol', '')
    if 'message' in data and isinstance(data['message'], str):
        return data['message']
    if event_type in ('position_opened', 'order_placed', 'order_filled'):
        side = data.get('side', '')
        quantity, where = data.get('quantity'), data.get('price') or data.get('entry_price')
        return f'{symbol} {side} {quantity or "":.6g} @ {price(where)}' if quantity else f'{symbol} {side}'
    if event_type in ('position_closed', 'trade_executed', 'stop_loss_hit', 'take_profit_hit', 'position_liquidated'):
        pnl = data.get('pnl')
        return f'{symbol} {data.get("side", "")} {data.get("status", "")} PnL {signed_money(pnl)}'.strip()
    if event_type == 'order_rejected':
        return f'{symbol} {data.get("side", "")}: {data.get("reason", "")}'
    if event_type == 'regime_changed':
        return f'{symbol}: {data.get("previous")} → {data.get("regime")}'
    if event_type == 'signal_generated':
        return f'{symbol} {data.get("kind")} strength {data.get("strength")}: {data.get("reason", "")}'
    if event_type in ('bot_status_update', 'bot_started', 'bot_stopped', 'bot_restarted'):
        return f'bot {data.get("status")} ({(data.get("details") or {}).get("reason") or data.get("reason", "")})'
    if event_type in ('user_action', 'settings_changed'):
        return f'{data.get("actor")} {data.get("action")} from {data.get("origin")}: {data.get("result")}'
    if event_type in ('balance_update', 'portfolio_update'):
        return f'balance {money(data.get("balance"))}, equity {money(data.get("equity"))}'
    if event_type in ('client_connected', 'client_disconnected'):
        return f'{data.get("client_type")} client {data.get("client_id")} {data.get("reason", "")}'.strip()
    return ', '.join(f'{k}={v}' for k, v in list(data.items())[:4])
