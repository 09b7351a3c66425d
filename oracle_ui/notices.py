"""Which events deserve a toast, and which are routine and belong in the live feed only (a metric back to
normal, the same order rejection again and again)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .events import Event, EventType, Notification, OrderInfo, SystemAlert, TradeInfo
from .i18n import _, terms
from .summaries import summarize

Level = Literal['positive', 'negative', 'warning', 'info']
LEVELS: dict[EventType, Level] = {
    EventType.POSITION_OPENED: 'info',
    EventType.STOP_LOSS_HIT: 'warning',
    EventType.TAKE_PROFIT_HIT: 'positive',
    EventType.POSITION_LIQUIDATED: 'negative',
    EventType.BOT_STARTED: 'positive',
    EventType.BOT_STOPPED: 'info',
    EventType.BOT_RESTARTED: 'positive',
    EventType.BOT_ERROR: 'negative',
    EventType.RISK_LIMIT_HIT: 'warning',
    EventType.ORDER_REJECTED: 'warning',
    EventType.NOTIFICATION: 'info',
    EventType.SYSTEM_ALERT: 'warning',
    EventType.POSITION_CLOSED: 'info',
}
"""The toast level (a Quasar notification type) of each event type that may raise one."""
NOTIFICATION_LEVELS: dict[str, Level] = {
    'error': 'negative',
    'warning': 'warning',
    'success': 'positive',
    'info': 'info',
}
ANNOUNCED_ELSEWHERE = frozenset({'CLOSED_SL', 'CLOSED_TP', 'CLOSED_LIQUIDATION'})
"""Closes that stop_loss_hit / take_profit_hit / position_liquidated announce."""
REPEAT_WINDOW_S = 600.0
"""An order rejected for the same reason again within this long is routine (feed only)."""


@dataclass(frozen=True, slots=True)
class Toast:
    message: str
    level: Level
    """A Quasar notification type: positive, negative, warning, info."""
    group: str
    """Toasts of one group stack into one with a count."""


class ToastPolicy:
    """Decides per event whether it pops up; one per page, as it remembers the rejections it has shown."""

    def __init__(self, repeat_window_s: float = REPEAT_WINDOW_S) -> None:
        self.repeat_window_s = repeat_window_s
        self._rejections: dict[str, float] = {}
        """Reason -> wall-clock time it was last shown."""

    def toast(self, event: Event) -> Toast | None:
        """The toast ``event`` deserves, or None (no toast, or routine: the feed shows it)."""
        level = LEVELS.get(event.type)
        if level is None or self.is_routine(event):
            return None
        if (trade := event.payload_as(TradeInfo)) is not None and event.type is EventType.POSITION_CLOSED:
            if trade.status in ANNOUNCED_ELSEWHERE:
                return None
            level = 'positive' if trade.pnl >= 0 else 'negative'
        if (notice := event.payload_as(Notification) or event.payload_as(SystemAlert)) is not None:
            level = NOTIFICATION_LEVELS.get(notice.level, 'info')
        title = terms.event_title(event.type.value)
        message = f'{title}: {summarize(event)}' + (' ' + _('[test]') if event.test else '')
        return Toast(message, level, group=event.type.value)

    def is_routine(self, event: Event) -> bool:
        """A system alert's all-clear, or an order rejected for a reason shown within the repeat window."""
        if (alert := event.payload_as(SystemAlert)) is not None:
            return alert.level == 'info'
        if (order := event.payload_as(OrderInfo)) is not None and event.type is EventType.ORDER_REJECTED:
            last = self._rejections.get(order.reason)
            if last is not None and event.timestamp - last < self.repeat_window_s:
                return True
            self._rejections[order.reason] = event.timestamp
        return False
