"""Candle timeframes such as ``1m`` or ``4h`` and their length in seconds."""

import re

_UNIT_S = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
_PATTERN = re.compile(r'^(\d+)([smhdw])$')


def timeframe_seconds(timeframe: str) -> int:
    """Length of one candle of ``timeframe`` in seconds.

    :param timeframe: a count and a unit, e.g. ``1m``, ``15m``, ``1h``, ``1d``
    :raises ValueError: if the text is not a timeframe
    """
    match = _PATTERN.match(timeframe.strip())
    if not match or int(match.group(1)) <= 0:
        raise ValueError(
            f'invalid timeframe {timeframe!r}: use a count and a unit s, m, h, d or w, e.g. 1m, 15m, 4h, 1d'
        )
    return int(match.group(1)) * _UNIT_S[match.group(2)]


def candle_start(time_s: float, length_s: int) -> int:
    """Open time of the candle of length ``length_s`` that contains ``time_s``."""
    return int(time_s // length_s) * length_s
