"""The trading and app terms pages show for machine values (``long``, ``running``, ``trending_up``), in the
current language; an unknown value is shown as it is. The values themselves stay English everywhere else (events,
the API, the database)."""

from __future__ import annotations

from .catalog import _, gettext, pgettext


def side(value: str) -> str:
    # TRANSLATORS: a position's side; keep the market's established terms (Long/Short in German, 做多/做空 ...)
    names = {'long': pgettext('side', 'long'), 'short': pgettext('side', 'short')}
    return names.get(value, value)


def trade_status(value: str) -> str:
    names = {'OPEN': pgettext('trade status', 'OPEN'), 'CLOSED': pgettext('trade status', 'CLOSED')}
    return names.get(value, value)


def bot_state(value: str) -> str:
    names = {
        'running': pgettext('bot state', 'running'),
        'starting': pgettext('bot state', 'starting'),
        'stopping': pgettext('bot state', 'stopping'),
        'stopped': pgettext('bot state', 'stopped'),
        'error': pgettext('bot state', 'error'),
    }
    return names.get(value, value)


def feed_status(value: str) -> str:
    names = {
        'idle': pgettext('feed status', 'idle'),
        'connecting': pgettext('feed status', 'connecting'),
        'live': pgettext('feed status', 'live'),
        'ended': pgettext('feed status', 'ended'),
        'failed': pgettext('feed status', 'failed'),
    }
    return names.get(value, value)


def role(value: str) -> str:
    names = {'operator': pgettext('role', 'operator'), 'viewer': pgettext('role', 'viewer')}
    return names.get(value, value)


def regime(value: str) -> str:
    names = {
        'trending_up': pgettext('regime', 'trending up'),
        'trending_down': pgettext('regime', 'trending down'),
        'sideways': pgettext('regime', 'sideways'),
        'volatile': pgettext('regime', 'volatile'),
        'unknown': pgettext('regime', 'unknown'),
    }
    return names.get(value, value)


def severity(value: str) -> str:
    names = {
        'info': pgettext('severity', 'info'),
        'warning': pgettext('severity', 'warning'),
        'critical': pgettext('severity', 'critical'),
    }
    return names.get(value, value)


def topic(value: str) -> str:
    """An event topic (``market_data``), as the feed's filter chips name it."""
    names = {
        'trading': pgettext('topic', 'trading'),
        'market_data': pgettext('topic', 'market data'),
        'bot_status': pgettext('topic', 'bot status'),
        'system': pgettext('topic', 'system'),
        'notifications': pgettext('topic', 'notifications'),
        'analysis': pgettext('topic', 'analysis'),
        'portfolio': pgettext('topic', 'portfolio'),
        'audit': pgettext('topic', 'audit'),
        'clients': pgettext('topic', 'clients'),
        'alerts': pgettext('topic', 'alerts'),
    }
    return names.get(value, value)


def indicator_parameter(value: str) -> str:
    """A chart indicator's parameter (``period``, MACD's ``fast``, the stochastic's ``k``)."""
    names = {
        'period': pgettext('indicator parameter', 'period'),
        'std': pgettext('indicator parameter', 'std. deviations'),
        'fast': pgettext('indicator parameter', 'fast'),
        'slow': pgettext('indicator parameter', 'slow'),
        'signal': pgettext('indicator parameter', 'signal'),
        'k': pgettext('indicator parameter', '%K length'),
        'smooth': pgettext('indicator parameter', 'smoothing'),
        'd': pgettext('indicator parameter', '%D length'),
    }
    return names.get(value, value)


def indicator(value: str) -> str:
    """A chart indicator's kind as the picker offers it (abbreviations such as EMA are the same everywhere)."""
    names = {
        'bbands': pgettext('indicator', 'Bollinger bands'),
        'stoch': pgettext('indicator', 'Stochastic'),
        'volume': pgettext('indicator', 'Volume'),
    }
    return names.get(value, value.upper())


def volatility(value: str) -> str:
    names = {
        'low': pgettext('volatility', 'low'),
        'normal': pgettext('volatility', 'normal'),
        'high': pgettext('volatility', 'high'),
    }
    return names.get(value, value)


def signal(value: str) -> str:
    """A strategy's signal: go long, go short, or flat (close)."""
    names = {
        'long': pgettext('side', 'long'),
        'short': pgettext('side', 'short'),
        'flat': pgettext('signal', 'flat'),
    }
    return names.get(value, value)


def outcome(value: str) -> str:
    """How an audited action ended."""
    names = {
        'ok': pgettext('outcome', 'ok'),
        'denied': pgettext('outcome', 'denied'),
        'failed': pgettext('outcome', 'failed'),
    }
    return names.get(value, value)


def delivery(value: str) -> str:
    """What became of an alert sent to a channel."""
    names = {
        'sent': pgettext('delivery', 'sent'),
        'failed': pgettext('delivery', 'failed'),
        'dropped': pgettext('delivery', 'dropped'),
    }
    return names.get(value, value)


def event_title(value: str) -> str:
    """A toast's title for an event type (``stop_loss_hit``); the type itself stays as it is everywhere else."""
    names = {
        'position_opened': pgettext('event', 'position opened'),
        'position_closed': pgettext('event', 'position closed'),
        'stop_loss_hit': pgettext('event', 'stop-loss hit'),
        'take_profit_hit': pgettext('event', 'take-profit hit'),
        'position_liquidated': pgettext('event', 'position liquidated'),
        'bot_started': pgettext('event', 'bot started'),
        'bot_stopped': pgettext('event', 'bot stopped'),
        'bot_restarted': pgettext('event', 'bot restarted'),
        'bot_error': pgettext('event', 'bot error'),
        'risk_limit_hit': pgettext('event', 'risk limit hit'),
        'order_rejected': pgettext('event', 'order rejected'),
        'notification': pgettext('event', 'notification'),
        'system_alert': pgettext('event', 'system alert'),
    }
    return names.get(value, value.replace('_', ' '))


def reason(value: str) -> str:
    """Why the bot started or stopped, where the reason is one of the app's own (free text is shown as it is)."""
    names = {
        'autostart': pgettext('reason', 'autostart'),
        'shutdown': pgettext('reason', 'shutdown'),
        'dashboard': pgettext('reason', 'dashboard'),
        'api': pgettext('reason', 'API'),
        'websocket command': pgettext('reason', 'WebSocket command'),
        'requested': pgettext('reason', 'requested'),
    }
    return names.get(value, value)


def metric(value: str) -> str | None:
    """A machine metric the sampler raises alerts on, or None for any other."""
    names = {
        'cpu_percent': pgettext('metric', 'cpu percent'),
        'memory_percent': pgettext('metric', 'memory percent'),
        'event_loop_lag_ms': pgettext('metric', 'event loop lag ms'),
    }
    return names.get(value)


def strategy(value: str) -> str:
    """A strategy's name as pickers show it (the name itself is what the API, the CLI and the settings take)."""
    # TRANSLATORS: a strategy's name; keep indicator abbreviations (SMA, EMA) as they are
    names = {
        'regime': pgettext('strategy', 'Regime switching'),
        'trend_following': pgettext('strategy', 'Trend following'),
        'range_trading': pgettext('strategy', 'Range trading'),
        'sma_cross': pgettext('strategy', 'SMA crossover'),
    }
    return names.get(value, value)


def param_section(value: str) -> str:
    """A nested part of a strategy's parameters (the regime strategy's trend and range rules)."""
    names = {'trend': pgettext('parameters', 'Trend rules'), 'range': pgettext('parameters', 'Range rules')}
    return names.get(value, value.capitalize())


def choice(value: str) -> str:
    """One of a form's fixed choices (position sizing: fixed, percent, risk, all-in)."""
    names = {
        'fixed': pgettext('sizing', 'fixed'),
        'percent': pgettext('sizing', 'percent'),
        'risk': pgettext('sizing', 'risk'),
        'all-in': pgettext('sizing', 'all-in'),
    }
    return names.get(value, value)


def exit_reason(value: str) -> str:
    """What closed a trade (``take-profit``, ``stop-loss`` ...: the analytics' names of the closing statuses)."""
    # TRANSLATORS: keep the market's established terms for take-profit and stop-loss
    names = {
        'take-profit': pgettext('exit reason', 'take-profit'),
        'stop-loss': pgettext('exit reason', 'stop-loss'),
        'strategy exit': pgettext('exit reason', 'strategy exit'),
        'manual': pgettext('exit reason', 'manual'),
        'liquidation': pgettext('exit reason', 'liquidation'),
    }
    return names.get(value, value)


def unit(value: str) -> str:
    """A parameter's unit as its form shows it (``candles``, ``% of equity``; as it is when none is known)."""
    percents = {'% of free': _('{percent} of free'), '% of equity': _('{percent} of equity')}
    if value in percents:  # msgids without '% o', which gettext would take for a printf conversion
        return percents[value].format(percent='%')
    return gettext(value)
