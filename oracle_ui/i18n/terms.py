"""The trading and app terms pages show for machine values (``long``, ``running``, ``trending_up``), in the
current language; an unknown value is shown as it is. The values themselves stay English everywhere else (events,
the API, the database)."""

from __future__ import annotations

from .catalog import pgettext


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
