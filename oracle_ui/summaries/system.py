"""The bot's state, errors, notifications, risk limits, health, metrics, clients and alerts."""

from __future__ import annotations

from .. import formatting as fmt
from ..events import (
    AlertDelivered,
    AlertTriggered,
    BotError,
    BotLifecycle,
    BotStatusUpdate,
    ClientInfo,
    ClientsChanged,
    EventType,
    HealthUpdate,
    Notification,
    RiskLimitHit,
    SystemAlert,
    SystemMetrics,
)
from ..i18n import _, ngettext, terms
from ..i18n import formats as locale_formats
from .registry import summarizes


# ---- bot, system, notifications ------------------------------------------------------------------------------
@summarizes(EventType.BOT_STATUS_UPDATE)
def _status(p: BotStatusUpdate) -> str:
    reason = p.details.get('reason', '')
    return _('bot {state}').format(state=terms.bot_state(p.status)) + (f' ({terms.reason(reason)})' if reason else '')


@summarizes(EventType.BOT_STARTED, EventType.BOT_STOPPED, EventType.BOT_RESTARTED)
def _lifecycle(p: BotLifecycle) -> str:
    return _('bot {state}').format(state=terms.bot_state(p.status)) + f' ({terms.reason(p.reason)})'


@summarizes(EventType.BOT_ERROR)
def _error(p: BotError) -> str:
    return f'{p.component}: {p.message}'


@summarizes(EventType.NOTIFICATION)
def _notification(p: Notification) -> str:
    return p.message


@summarizes(EventType.RISK_LIMIT_HIT)
def _risk(p: RiskLimitHit) -> str:
    return p.message


@summarizes(EventType.SYSTEM_ALERT)
def _alert(p: SystemAlert) -> str:
    """From its figures for the metrics the sampler watches (in the reader's language), else its message."""
    metric = terms.metric(p.metric)
    if metric is None:
        return p.message
    value = locale_formats.decimal(p.value, 1)
    if p.level == 'info':
        return _('{metric} back to normal ({value})').format(metric=metric, value=value)
    return _('{metric} is {value} (threshold {threshold})').format(
        metric=metric, value=value, threshold=fmt.number(p.threshold)
    )


@summarizes(EventType.HEALTH_UPDATE)
def _health(p: HealthUpdate) -> str:
    feed = _('feed {status}').format(status=terms.feed_status(p.feed)) + (
        f' ({p.feed_message})' if p.feed_message else ''
    )
    return _('{feed}, database {database}, bot {bot}').format(
        feed=feed, database=p.database, bot=terms.bot_state(p.bot)
    )


@summarizes(EventType.SYSTEM_METRICS)
def _metrics(p: SystemMetrics) -> str:
    text = _(
        'CPU {cpu}, memory {memory}, RSS {rss} MB, {connections} connections, {events} events/s, loop lag {lag} ms'
    )
    return text.format(
        cpu=fmt.percent(p.cpu_percent),
        memory=fmt.percent(p.memory_percent),
        rss=locale_formats.decimal(p.process_rss_mb, 0),
        connections=p.open_connections,
        events=fmt.number(p.events_per_s),
        lag=fmt.number(p.event_loop_lag_ms),
    )


@summarizes(EventType.CLIENT_CONNECTED, EventType.CLIENT_DISCONNECTED)
def _client(p: ClientInfo) -> str:
    return _('{type} client {id} {reason}').format(type=p.client_type, id=p.client_id, reason=p.reason).strip()


@summarizes(EventType.CLIENTS_CHANGED)
def _clients(p: ClientsChanged) -> str:
    clients = ngettext('{count} WebSocket client', '{count} WebSocket clients', p.connected)
    return clients.format(count=p.connected) + f' (+{p.joined} -{p.left})'


@summarizes(EventType.ALERT_TRIGGERED)
def _alert_triggered(p: AlertTriggered) -> str:
    """With the English message; :mod:`oracle_ui.alerts.messages` (loaded with the alerts) registers the one that
    writes the message in the current language."""
    return f'[{terms.severity(p.severity)}] {p.name}: {p.message}'


@summarizes(EventType.ALERT_DELIVERED)
def _delivered(p: AlertDelivered) -> str:
    r = p.result
    tries = ' ' + ngettext('after {count} attempt', 'after {count} attempts', r.attempts) if r.attempts > 1 else ''
    status = terms.delivery(r.status)
    return f'{p.name} → {r.channel}: {status}{tries.format(count=r.attempts)}' + (f' ({r.error})' if r.error else '')
