"""A backtest's stats (the metrics module's, plus the documented JSON fields) and its notes: warnings about
ruinous leverage and why a run made no trade."""

from __future__ import annotations

import math
from array import array
from datetime import datetime

import numpy as np

from ..analytics import TradeArrays, drawdown_of, equity_metrics, trade_metrics
from ..engine import refusals
from ..engine.strategies import Strategy
from ..i18n import _, formats, ngettext, terms
from .models import SYMBOL, BacktestConfig, BacktestTrade, Refusal


def closed_trade_arrays(trades: list[BacktestTrade]) -> TradeArrays:
    """A backtest's closed trades as the analytics read them."""
    closed = [t for t in trades if t.exit_time is not None and t.exit_price is not None]
    return TradeArrays.from_columns(
        {
            'id': range(1, len(closed) + 1),
            'entry_time': [parse_iso(t.entry_time) for t in closed],
            'exit_time': [parse_iso(t.exit_time) for t in closed if t.exit_time is not None],
            'entry_price': [t.entry_price for t in closed],
            'exit_price': [t.exit_price for t in closed],
            'quantity': [t.size for t in closed],
            'pnl': [t.pnl for t in closed],
            'fees': [t.fees for t in closed],
            'margin': [t.size * t.entry_price / t.leverage for t in closed],
            'risk': [math.nan if t.risk is None else t.risk for t in closed],
            'symbol': [SYMBOL] * len(closed),
            'side': [t.side for t in closed],
            'strategy': [''] * len(closed),
            'exit_reason': [t.exit_reason or '' for t in closed],
        }
    )


def parse_iso(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def backtest_stats(
    cash: float,
    equity: np.ndarray,
    trades: list[BacktestTrade],
    exposed_bars: int,
    closes: array[float],
    shown: slice,
    per_year: float,
) -> dict[str, float | int | None]:
    n = len(equity)
    closed = [t for t in trades if t.exit_bar is not None]
    account = equity_metrics(equity, cash, per_year)
    per_trade = trade_metrics(closed_trade_arrays(trades))
    held = np.asarray(closes[shown]) if n else np.empty(0)
    holding = [t.exit_bar - t.entry_bar for t in closed if t.exit_bar is not None]
    return {
        'start_equity': cash,
        'end_equity': account['end_equity'],
        'return_pct': account['return_pct'],
        'max_drawdown_pct': float(drawdown_of(equity, cash).min()) * 100.0 if n else 0.0,
        'trades': len(closed),
        'win_rate_pct': per_trade['win_rate_pct'],
        'profit_factor': per_trade['profit_factor'] if per_trade['gross_loss'] > 0 else None,
        'fees': sum(t.fees for t in trades),
        'exposure_pct': 100.0 * exposed_bars / n if n else 0.0,
        **{k: account[k] for k in ('cagr_pct', 'volatility_pct', 'sharpe', 'sortino', 'calmar')},
        'max_drawdown_duration_bars': account['max_drawdown_duration_bars'],
        **{k: per_trade[k] for k in ('expectancy', 'sqn', 'avg_win', 'avg_loss', 'best_trade_pct', 'worst_trade_pct')},
        'max_consecutive_wins': per_trade['max_consecutive_wins'],
        'max_consecutive_losses': per_trade['max_consecutive_losses'],
        'avg_holding_bars': float(np.mean(holding)) if holding else None,
        'buy_hold_return_pct': float(held[-1] / held[0] - 1.0) * 100.0 if len(held) and held[0] > 0 else None,
        'periods_per_year': per_year,
    }


def run_notes(
    config: BacktestConfig,
    strategy: Strategy,
    trades: list[BacktestTrade],
    bars: int,
    entry_signals: int,
    rejections: list[Refusal],
) -> list[str]:
    """Warnings about a run (all-in at leverage, liquidations) and, when it made no trade, why (``rejections``:
    each refused order), in the current language."""
    notes = []
    leverage = max((t.leverage for t in trades), default=1.0)
    if config.sizing == 'all-in' and leverage > 1:
        text = _(
            'all-in at up to {leverage}x leverage puts the whole account in each trade: a {move} move against it '
            'loses all of it; size with fixed, percent or risk instead'
        )
        move = formats.percent(100 / leverage, 1)
        notes.append(f'{_("warning:")} {text.format(leverage=formats.significant(leverage, 6), move=move)}')
    liquidated = sum(1 for t in trades if t.exit_reason == 'liquidation')
    if liquidated:
        text = ngettext('{count} trade was liquidated', '{count} trades were liquidated', liquidated)
        notes.append(f'{_("warning:")} {text.format(count=liquidated)}')
    if trades:
        return notes
    if entry_signals == 0:
        text = _('no trade: {strategy} gave no entry signal in {bars} bars (its indicators need {warmup} bars first)')
        notes.append(text.format(strategy=terms.strategy(strategy.name), bars=bars, warmup=strategy.warmup))
        return notes
    first = str(rejections[0]) if rejections else _('unknown')
    hint = _hint(rejections[0].reason, strategy) if rejections else ''
    text = _('no trade: {refused} of {signals} entry signals were refused, the first at {first}')
    notes.append(text.format(refused=len(rejections), signals=entry_signals, first=first) + hint)
    return notes


def _hint(reason: str, strategy: Strategy) -> str:
    """What to change, after the reason the first order was refused."""
    template = (refusals.template_of(reason) or ('', {}))[0]
    if template == refusals.NEEDS_STOP:
        return ' ' + _('({strategy} sets none): use fixed, percent or all-in sizing').format(strategy=strategy.name)
    if template == refusals.NO_WHOLE_UNIT:
        return ' ' + _(
            '(all-in buys whole units): use fixed, percent or risk sizing for fractional quantities, or more cash'
        )
    if template in (refusals.MARGIN_OVER_FREE, refusals.COST_OVER_FREE):
        return _(': lower the margin per trade or add cash')
    return ''
