"""The regular expressions the API schema states accept exactly what the server accepts: operands of indicator
alerts and the spellings of traded symbols, checked on generated text near both sides of the line."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from oracle_ui.alerts.operands import OPERAND_PATTERN, parse_operand
from oracle_ui.views.symbols import configured_symbol, symbols_pattern

OPERAND_PARTS = ['rsi', 'ema', 'sma', 'bbands', 'macd', 'stoch', 'adx', 'atr', 'close', 'volume', 'RSI', ':', '.']
OPERAND_PARTS += ['1', '2', '14', '0', '50.0', '2.5', '1000', '1001', '0.1', '10.0', 'lower', 'signal', 'k', 'minus_di']
# '\u0131', a dotless i, upper-cases to I: the resolver must not take it for one
SYMBOL_PARTS = ['BTC', 'btc', 'Eth', 'USDT', 'usd', '/', '-', '_', ' ', '\u0131', 'SOL', 'T']
SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']


def _accepts_operand(text: str) -> bool:
    try:
        parse_operand(text)
    except ValueError:
        return False
    return True


@given(st.lists(st.sampled_from(OPERAND_PARTS), max_size=7).map(''.join))
@settings(max_examples=1500, deadline=None)
def test_the_operand_pattern_is_exactly_what_parsing_accepts(text: str) -> None:
    assert bool(re.fullmatch(OPERAND_PATTERN, text)) == _accepts_operand(text), text


@given(st.lists(st.sampled_from(SYMBOL_PARTS), max_size=5).map(''.join))
@settings(max_examples=800, deadline=None)
def test_the_symbol_pattern_is_exactly_what_resolving_accepts(text: str) -> None:
    assert bool(re.fullmatch(symbols_pattern(SYMBOLS), text)) == (configured_symbol(SYMBOLS, text) is not None), text


def test_known_spellings() -> None:
    assert [configured_symbol(SYMBOLS, t) for t in ('btc-usdt', 'ETHUSDT', 'Sol_Usdt', 'BTC//USDT')] == [
        'BTC/USDT',
        'ETH/USDT',
        'SOL/USDT',
        None,
    ]
    assert [_accepts_operand(t) for t in ('rsi:14', 'bbands:20:2.5.upper', 'adx:14.minus_di', 'rsi:1', 'Close')] == [
        True,
        True,
        True,
        False,
        False,
    ]
