"""The message catalogs: which languages ship, the language of the current page or request, and gettext.

The current language is a :class:`~contextvars.ContextVar`, so every page build, request or task sees its own;
where none was set (an event handler of a page), a resolver the web package installs names the page's language;
failing both, English: the API, the CLI and the logs stay English whatever the dashboard's default
(``ORACLE_LOCALE``, which :mod:`oracle_ui.web.language` applies to pages).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.support import NullTranslations, Translations

SOURCE = 'en'
"""The language the messages are written in."""
LOCALES: dict[str, str] = {
    'en': 'English',
    'de': 'Deutsch',
    'es': 'Español',
    'fr': 'Français',
    'zh_CN': '简体中文',
    'ja': '日本語',
    'fa': 'فارسی',
}
"""The shipped languages, each named in itself (as a language menu shows them)."""
ALIASES = {'zh': 'zh_CN'}
"""A language that ships in one variant: Chinese in its simplified script (what a ``zh-TW`` reader gets rather
than English)."""
PSEUDO = 'en_XA'
"""The pseudo-locale: accented, lengthened, bracketed English that shows which text skipped the catalog."""
SUPPORTED = (*LOCALES, PSEUDO)
LOCALE_DIR = Path(__file__).parent / 'locales'
DOMAIN = 'messages'


P = ParamSpec('P')
R = TypeVar('R')


@dataclass(frozen=True, slots=True)
class Language:
    """What a viewer reads in: a shipped locale code, and whether numbers keep Latin digits where the locale has
    its own (Persian)."""

    code: str = SOURCE
    latin_digits: bool = False


@dataclass(kw_only=True)
class _Fallbacks:
    """Where the language comes from when the current task set none (then: English)."""

    resolver: Callable[[], Language | None] | None = None


SOURCE_LANGUAGE = Language()
_current: ContextVar[Language | None] = ContextVar('oracle_language', default=None)
_fallbacks = _Fallbacks()


PREFERENCE = 'ui.language'
"""The per-user preference a chosen language is kept under (JSON: ``{"code": "de", "latin_digits": false}``)."""


def stored_language(stored: str | None) -> Language | None:
    """The language a stored :data:`PREFERENCE` names, or None (none stored, or no longer a shipped locale)."""
    if stored is None:
        return None
    try:
        chosen = json.loads(stored)
        code, latin_digits = chosen['code'], chosen.get('latin_digits', False)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return Language(code, bool(latin_digits)) if code in SUPPORTED else None


def check_locale(code: str) -> str:
    """``code`` if it is a shipped locale (``de``, ``zh_CN``, ``en_XA``); a ValueError naming them otherwise."""
    if code not in SUPPORTED:
        raise ValueError(f'unknown locale {code!r}: use one of {", ".join(SUPPORTED)}')
    return code


def set_resolver(resolver: Callable[[], Language | None] | None) -> None:
    """Install where the language comes from when no page or request set one (the web package: the current page's
    viewer); None removes it."""
    _fallbacks.resolver = resolver


def current() -> Language:
    """The language of the current page, request or task."""
    language = _current.get()
    if language is None and _fallbacks.resolver is not None:
        language = _fallbacks.resolver()
    return language or SOURCE_LANGUAGE


def activate(language: Language) -> None:
    """Use ``language`` for the rest of the current task (a page build, a request)."""
    _current.set(Language(check_locale(language.code), language.latin_digits))


@contextmanager
def using(language: Language | str) -> Iterator[None]:
    """Use ``language`` inside the block (e.g. an alert sent in its owner's language)."""
    chosen = Language(language) if isinstance(language, str) else language
    token = _current.set(Language(check_locale(chosen.code), chosen.latin_digits))
    try:
        yield
    finally:
        _current.reset(token)


def pinned(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, always run in the language current now: a binding's formatter runs wherever its value changes,
    which may be another viewer's handler."""
    language = current()

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _current.set(language)  # checked when it became current; a formatter runs on every change
        try:
            return function(*args, **kwargs)
        finally:
            _current.reset(token)

    return run


def negotiate(accept_language: str | None) -> str | None:
    """The shipped locale a browser's ``Accept-Language`` header prefers most, or None (``de-CH,de;q=0.9`` ->
    ``de``; the pseudo-locale is never negotiated)."""
    preferred = []
    for part in (accept_language or '').split(','):
        tag, _, quality = part.strip().partition(';q=')
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and tag != '*' and weight > 0:
            preferred.append((weight, tag.replace('-', '_')))
    ordered = [tag for _, tag in sorted(preferred, key=lambda item: -item[0])]
    found = negotiate_locale(ordered, list(LOCALES), sep='_')
    if found is None:  # 'es-419', 'zh-Hans-CN': match the language alone
        found = negotiate_locale([tag.split('_')[0] for tag in ordered], list(LOCALES), sep='_', aliases=ALIASES)
    return found


def locale_of(code: str) -> Locale:
    """Babel's locale for a shipped code (the pseudo-locale formats like English)."""
    try:
        return Locale.parse('en' if code == PSEUDO else code)
    except UnknownLocaleError:
        return Locale.parse(SOURCE)


def is_rtl(code: str) -> bool:
    """True for languages written right to left (Persian)."""
    return locale_of(code).text_direction == 'rtl'


@functools.cache
def translations(code: str) -> NullTranslations:
    """The compiled catalog of ``code`` (English, the source, has none: its messages are the msgids)."""
    if code == SOURCE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [code], DOMAIN)


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translations(current().code).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of ``singular``/``plural`` that suits ``count`` in the current language (format ``count`` in
    yourself)."""
    return translations(current().code).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language where ``context`` tells an ambiguous word apart (``'side'``,
    ``'Close'``)."""
    return str(translations(current().code).pgettext(context, message))


def gettext_noop(message: str) -> str:
    """Marks ``message`` for extraction where it is defined (a module-level table); translate it where shown."""
    return message


_ = gettext
N_ = gettext_noop
