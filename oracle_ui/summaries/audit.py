"""Who did what: user actions and settings changes, with what changed."""

from __future__ import annotations

from typing import Any

from ..events import (
    EventType,
    UserAction,
)
from ..i18n import _, terms
from .registry import summarizes, value_text


# ---- audit -----------------------------------------------------------------------------------------------------
@summarizes(EventType.USER_ACTION, EventType.SETTINGS_CHANGED)
def _audit(p: UserAction) -> str:
    outcome = terms.outcome(p.result)
    if p.result == 'denied' and p.details.get('reason'):
        outcome += f' ({p.details["reason"]})'
    elif p.action in ('start', 'stop', 'restart') and p.details.get('state'):
        outcome += ', ' + _('bot {state}').format(state=terms.bot_state(p.details['state']))
    text = _('{actor}: {action} — {outcome} (from {origin})')
    return text.format(actor=p.actor, action=audit_target(p), outcome=outcome, origin=p.origin)


def audit_target(p: UserAction) -> str:
    """What an audited action touched, in words: the bot, the positions by symbol and trade, each changed
    setting with its old and new value."""
    details = p.details
    if p.action in ('close_position', 'close_all'):
        symbols = details.get('symbols')
        what = _('close {symbols} position').format(symbols=', '.join(symbols)) if symbols else _('close all positions')
        closed = details.get('closed')
        if closed:
            what += ' ' + _('(trade {ids})').format(ids=', '.join(f'#{i}' for i in closed))
        elif closed is not None:
            what += ' ' + _('(none was open)')
        return what
    if p.action in ('change_settings', 'change_symbols'):
        changes = changed_values(details.get('changes', {}))
        more = '; ' + _('{count} more').format(count=len(changes) - 4) if len(changes) > 4 else ''
        shown = '; '.join(changes[:4]) + more
        change = _('change symbols: {changes}') if p.action == 'change_symbols' else _('change settings: {changes}')
        applies = f' ({details["applies"]})' if details.get('applies') else ''
        return change.format(changes=shown or _('nothing changed')) + applies
    verbs = {
        'start': _('start the bot'),
        'stop': _('stop the bot'),
        'restart': _('restart the bot'),
        'logout': _('log out'),
        'login': _('log in'),
        'emit_test_event': _('send a test event'),
    }
    return verbs.get(p.action, p.action.replace('_', ' '))


def changed_values(changes: dict[str, Any]) -> list[str]:
    """``{'risk': {'from': {...}, 'to': {...}}}`` as ``['risk.max_positions 3 → 2']``: the values that differ.
    The parameters of a newly chosen strategy are listed as they are (nothing to compare them with)."""
    lines = []
    is_new_strategy = 'strategy' in changes
    for name, change in changes.items():
        before, after = (change.get('from'), change.get('to')) if isinstance(change, dict) else (None, change)
        if name == 'strategy_params' and is_new_strategy and isinstance(after, dict):
            lines.append(
                _('parameters {values}').format(values=', '.join(f'{k} {_setting(v)}' for k, v in _leaves(after)))
            )
        elif isinstance(before, dict) and isinstance(after, dict):
            old, new = dict(_leaves(before)), dict(_leaves(after))
            lines += [
                f'{name}.{k} {_setting(old.get(k))} → {_setting(new.get(k))}' for k in new if old.get(k) != new[k]
            ]
        elif before != after:
            lines.append(f'{name} {_setting(before)} → {_setting(after)}')
    return lines


def _leaves(values: dict[str, Any], prefix: str = '') -> list[tuple[str, Any]]:
    """A nested dict's values by dotted path."""
    leaves: list[tuple[str, Any]] = []
    for key, value in values.items():
        if isinstance(value, dict):
            leaves += _leaves(value, f'{prefix}{key}.')
        else:
            leaves.append((f'{prefix}{key}', value))
    return leaves


def _setting(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ', '.join(value)
    return value_text(value)
