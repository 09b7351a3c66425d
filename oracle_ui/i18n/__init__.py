"""Languages: message catalogs (gettext through Babel) and locale formats of numbers, amounts and times.

Pages mark what people read with ``_('...')``, ``ngettext``, ``pgettext``; module-level tables mark theirs with
``N_('...')`` and translate where they are shown. ``scripts/i18n.sh`` extracts, updates and compiles.
"""

from .catalog import (
    LOCALES,
    N_,
    PREFERENCE,
    PSEUDO,
    SOURCE,
    SUPPORTED,
    Language,
    _,
    activate,
    check_locale,
    current,
    gettext,
    is_rtl,
    negotiate,
    ngettext,
    pgettext,
    pinned,
    set_resolver,
    stored_language,
    using,
)

__all__ = [
    'LOCALES',
    'N_',
    'PREFERENCE',
    'PSEUDO',
    'SOURCE',
    'SUPPORTED',
    'Language',
    '_',
    'activate',
    'check_locale',
    'current',
    'gettext',
    'is_rtl',
    'negotiate',
    'ngettext',
    'pgettext',
    'pinned',
    'set_resolver',
    'stored_language',
    'using',
]
