"""Prices, candles, the order book, regimes, signals and analysis."""

from __future__ import annotations

from .. import formatting as fmt
from ..events import (
    AnalysisComplete,
    CandleClosed,
    EventType,
    MarketData,
    OrderbookUpdate,
    PriceUpdate,
    RegimeChanged,
    SignalGenerated,
    StrategyUpdate,
    TickerUpdate,
)
from ..formatting import price, quantity
from ..i18n import _, ngettext, terms
from ..i18n import formats as locale_formats
from .registry import summarizes
from .trading import levels_text


# ---- market data and analysis ----------------------------------------------------------------------------------
@summarizes(EventType.PRICE_UPDATE)
def _price(p: PriceUpdate) -> str:
    return f'{p.symbol} {price(p.price)}'


@summarizes(EventType.MARKET_DATA)
def _market(p: MarketData) -> str:
    return ', '.join(
        f'{symbol} {price(v.get("price"))} ({fmt.percent(v.get("change"), signed=True)})'
        for symbol, v in p.symbols.items()
    )


@summarizes(EventType.TICKER_UPDATE)
def _ticker(p: TickerUpdate) -> str:
    return _('{symbol} {price}, 24 h {change} (high {high}, low {low})').format(
        symbol=p.symbol,
        price=price(p.last),
        change=fmt.percent(p.change_pct_24h, signed=True),
        high=price(p.high_24h),
        low=price(p.low_24h),
    )


@summarizes(EventType.ORDERBOOK_UPDATE)
def _book(p: OrderbookUpdate) -> str:
    sized = _('{price} size {size}')
    bid = sized.format(price=price(p.bids[0][0]), size=quantity(p.bids[0][1])) if p.bids else '—'
    ask = sized.format(price=price(p.asks[0][0]), size=quantity(p.asks[0][1])) if p.asks else '—'
    depth = max(len(p.bids), len(p.asks))
    book = ngettext(
        '{symbol} best bid {bid}, best ask {ask} ({levels} level)',
        '{symbol} best bid {bid}, best ask {ask} ({levels} levels)',
        depth,
    )
    return book.format(symbol=p.symbol, bid=bid, ask=ask, levels=depth)


@summarizes(EventType.CANDLE_CLOSED)
def _candle(p: CandleClosed) -> str:
    return _('{symbol} {timeframe} candle: open {open}, high {high}, low {low}, close {close}, volume {volume}').format(
        symbol=p.symbol,
        timeframe=p.timeframe,
        open=price(p.open),
        high=price(p.high),
        low=price(p.low),
        close=price(p.close),
        volume=fmt.number(p.volume),
    )


@summarizes(EventType.REGIME_CHANGED)
def _regime(p: RegimeChanged) -> str:
    return _('{symbol}: {previous} → {regime} (ADX {adx}, {volatility} volatility)').format(
        symbol=p.symbol,
        previous=terms.regime(p.previous),
        regime=terms.regime(p.regime),
        adx=fmt.number(p.adx),
        volatility=terms.volatility(p.volatility),
    )


@summarizes(EventType.SIGNAL_GENERATED)
def _signal(p: SignalGenerated) -> str:
    levels = levels_text(p.stop_loss, p.take_profit, ', ')
    strength = _('strength {strength}').format(strength=locale_formats.decimal(p.strength, 2))
    return f'{p.symbol} {terms.signal(p.kind)} ({strength}{levels}): {p.reason}'


@summarizes(EventType.ANALYSIS_COMPLETE)
def _analysis(p: AnalysisComplete) -> str:
    values = ', '.join(f'{k} {fmt.number(v)}' for k, v in list(p.indicators.items())[:4])
    regime = _('{symbol} regime {regime}').format(symbol=p.symbol, regime=terms.regime(p.regime or 'unknown'))
    return regime + (f'; {values}' if values else '')


@summarizes(EventType.STRATEGY_UPDATE)
def _strategy(p: StrategyUpdate) -> str:
    return _('strategy {strategy} on {symbols} ({timeframe})').format(
        strategy=p.strategy, symbols=', '.join(p.symbols), timeframe=p.timeframe
    )
