"""Which clock the market runs on, as pages say it: the wall clock (live exchange data) or a simulated or replayed
one whose times are not the time of day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from .. import formatting as fmt
from ..i18n import _

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
    """What pages say about it (``simulated market \N{MULTIPLICATION SIGN}60 — times are simulated``), in the current
    language; empty on the wall clock."""


def time_base(system: System) -> TimeBase:
    """The market clock of ``system``'s feed, and the note pages show when it is not the wall clock."""
    engine, settings = system.engine, system.settings
    market = engine.market_time or None
    kind, _colon, source = settings.feed.partition(':')
    pace = _('at full speed') if settings.speed == 'max' else f'{TIMES}{settings.speed:g}'
    if kind == 'ccxt':
        note = ''
    elif kind == 'replay':
        note = _("replayed market ({file}) {pace} — times are the replay's").format(
            file=source.rsplit('/', 1)[-1], pace=pace
        )
    elif settings.speed != 1:
        note = _('simulated market {pace} — times are simulated').format(pace=pace)
    elif market is not None and abs(drift := market - engine.clock.time()) > DRIFT_S:
        ahead = _('simulated market, {duration} ahead of the wall clock — times are simulated')
        behind = _('simulated market, {duration} behind the wall clock — times are simulated')
        note = (ahead if drift > 0 else behind).format(duration=fmt.duration(drift))
    else:
        note = ''
    return TimeBase(market_time=market, is_simulated=bool(note), note=note)
