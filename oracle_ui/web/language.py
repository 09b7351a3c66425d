"""The language of each page: the viewer's saved choice (server-side for a logged-in user, so it follows them to
another device; in the browser's storage otherwise), else what the browser's ``Accept-Language`` prefers, else
``ORACLE_LOCALE``. Each page's client keeps its own: gettext in its handlers and bus deliveries reads it, and
Quasar's component strings and the document's direction (right-to-left for Persian) follow it."""

from __future__ import annotations

import copy
import weakref
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from nicegui import Client, app, ui

from .. import i18n, preferences
from ..i18n import Language
from ..security.accounts import Principal
from ..system import System
from . import kept_input, user_storage

STORAGE_KEY = 'language'
"""The browser's own choice in ``app.storage.user`` (kept across login and logout, like the theme)."""
QUASAR_LANGUAGES = {'en': 'en-US', 'de': 'de', 'es': 'es', 'fr': 'fr', 'zh_CN': 'zh-CN', 'ja': 'ja', 'fa': 'fa'}
"""Quasar's language pack per shipped locale (its dates, tables' "rows per page", and ``dir=rtl`` for Persian)."""

LTR_CHARTS = '<style id="oracle-ltr-charts">[dir=rtl] .js-plotly-plot { direction: ltr; }</style>'
"""Right-to-left pages keep their charts left to right: time runs left to right on every axis."""


@dataclass(frozen=True, slots=True)
class _PageLanguage:
    language: Language
    system: System
    who: Principal | None


_of_client: weakref.WeakKeyDictionary[Client, _PageLanguage] = weakref.WeakKeyDictionary()


def install() -> None:
    """Where gettext finds a page handler's language, and the charts' direction (once per process)."""
    i18n.set_resolver(client_language)
    if 'oracle-ltr-charts' not in Client.shared_head_html:
        ui.add_head_html(LTR_CHARTS, shared=True)


def _stored(value: object) -> Language | None:
    if isinstance(value, dict) and value.get('code') in i18n.SUPPORTED:
        return Language(value['code'], bool(value.get('latin_digits', False)))
    return None


def _browser_storage() -> MutableMapping[str, Any]:
    """The user storage of the current page's browser session (that of the page's own request: a handler's
    ``app.storage.user`` may name the session the browser had before it logged in)."""
    storage = user_storage.storage_of(user_storage.session_id(ui.context.client.request))
    return storage if storage is not None else app.storage.user


def page_language(system: System, who: Principal | None) -> Language:
    """The language the current page is shown in for ``who`` (None: not logged in)."""
    if who is not None and who.kind == 'user' and (saved := preferences.language(system, who.name)) is not None:
        return saved
    if (chosen := _stored(_browser_storage().get(STORAGE_KEY))) is not None:
        return chosen
    negotiated = i18n.negotiate(ui.context.client.request.headers.get('accept-language'))
    return Language(negotiated or system.settings.locale)


def use(system: System, who: Principal | None) -> Language:
    """Show the current page in ``who``'s language (:func:`page_language`): its build (the ContextVar), its later
    handlers (by its client) and Quasar's own strings and direction (on a per-client copy of the page's settings:
    ``@ui.page``'s ``language`` is shared by every client of the route)."""
    client = ui.context.client
    language = page_language(system, who)
    i18n.activate(language)
    _of_client[client] = _PageLanguage(language, system, who)
    kept_input.follow(_name(who))
    client.page = copy.copy(client.page)
    client.page.language = QUASAR_LANGUAGES.get(language.code, 'en-US')  # type: ignore[assignment]
    return language


def client_language() -> Language | None:
    """The language of the page whose handler runs now (the resolver :mod:`oracle_ui.i18n` falls back on)."""
    try:
        client = ui.context.client
    except RuntimeError:  # not inside a page: a request, a background task
        return None
    page = _of_client.get(client)
    return page.language if page is not None else None


def choose(language: Language) -> None:
    """Save ``language`` for this page's browser and, for a logged-in user, for them; then show the page again in
    it (a reload: what a page shows is kept in its URL and the server, and what was typed into its fields and not
    saved yet is kept for the tab and put back: :mod:`.kept_input`)."""
    page = _of_client.get(ui.context.client)
    _browser_storage()[STORAGE_KEY] = {'code': language.code, 'latin_digits': language.latin_digits}
    if page is not None and page.who is not None and page.who.kind == 'user':
        preferences.save_language(page.system, page.who.name, language)
    kept_input.keep(_name(page.who) if page is not None else None)
    ui.navigate.reload()


def _name(who: Principal | None) -> str | None:
    return who.name if who is not None else None
