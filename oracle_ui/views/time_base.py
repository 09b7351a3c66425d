"""Which clock the market runs on, as pages say it: the wall clock (live exchange data) or a simulated or replayed
one whose times are not the time of day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from .. import formatting as fmt

if TYPE_CHECKING:
    from ..system import System

DRIFT_S = 120.0
"""A simulated market at real-time speed further than this from the wall clock (it resumed where a previous run
stopped) is said to be simulated too."""
TIMES = '\N{MULTIPLICATION SIGN}'


class TimeBase(BaseModel):
    market_time: float | None
    """The market's now (its last price or candle), Unix seconds; None before the first."""
    is_simulated: bool
    """Market times are simulated or replayed, not the time of day."""
    note: str
    """What pages say about it (``simulated market \N{MULTIPLICATION SIGN}60 — times are simulated``); empty on
    the wall clock."""


def time_base(system: System) -> TimeBase:
    """The market clock of ``system``'s feed, and the note pages show when it is not the wall clock."""
    engine, settings = system.engine, system.settings
    market = engine.market_time or None
    kind, _, source = settings.feed.partition(':')
    pace = 'at full speed' if settings.speed == 'max' else f'{TIMES}{settings.speed:g}'
    if kind == 'ccxt':
        note = ''
    elif kind == 'replay':
        note = f"replayed market ({source.rsplit('/', 1)[-1]}) {pace} — times are the replay's"
    elif settings.speed != 1:
        note = f'simulated market {pace} — times are simulated'
    elif market is not None and abs(drift := market - engine.clock.time()) > DRIFT_S:
        where = 'ahead of' if drift > 0 else 'behind'
        note = f'simulated market, {fmt.duration(drift)} {where} the wall clock — times are simulated'
    else:
        note = ''
    return TimeBase(market_time=market, is_simulated=bool(note), note=note)
