"""The catalogs are complete and sound: every marked message is in every language, translated, not fuzzy, with
the msgid's placeholders, and the committed .mo files are compiled from the .po files as they are."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations

from oracle_ui.i18n import LOCALES, PSEUDO, SOURCE

ROOT = Path(__file__).parent.parent
LOCALE_DIR = ROOT / 'oracle_ui' / 'i18n' / 'locales'
TRANSLATED = [code for code in LOCALES if code != SOURCE]
PLACEHOLDER = re.compile(r'\{[^{}]*\}|%\([^)]*\)[sdfr]|%[sdfr]')

MessageKey = tuple[str | None, str | tuple[str, ...]]


@functools.cache
def extracted() -> frozenset[MessageKey]:
    """What ``pybabel extract`` finds with babel.cfg in the directories scripts/i18n.sh names."""
    found: set[MessageKey] = set()
    for directory in ('oracle_ui', 'pages', 'components'):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / directory, method_map=[('**.py', 'python')], keywords=DEFAULT_KEYWORDS
        ):
            found.add((context, message if isinstance(message, str) else tuple(message)))
    return frozenset(found)


def catalog(code: str) -> Catalog:
    with (LOCALE_DIR / code / 'LC_MESSAGES' / 'messages.po').open('rb') as file:
        return read_po(file, locale='en' if code == PSEUDO else code)


def keys(messages: Catalog) -> set[MessageKey]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in messages if m.id}


@pytest.mark.parametrize('code', [*TRANSLATED, PSEUDO])
def test_every_extracted_message_is_in_the_catalog_translated_and_not_fuzzy(code: str) -> None:
    messages = catalog(code)
    assert extracted() - keys(messages) == set(), 'run scripts/i18n.sh and translate what it added'
    untranslated = [m.id for m in messages if m.id and (not m.string or not all(m.string))]
    fuzzy = [m.id for m in messages if m.id and m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])
    assert len(messages) >= 9


@pytest.mark.parametrize('code', [*TRANSLATED, PSEUDO])
def test_no_translation_breaks_its_placeholders(code: str) -> None:
    for message in catalog(code):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        named = [set(PLACEHOLDER.findall(i)) for i in ids]  # a plural's singular may leave out the count
        for string in strings:
            assert set.intersection(*named) <= set(PLACEHOLDER.findall(string)) <= set.union(*named), (
                message.id,
                string,
            )


@pytest.mark.parametrize('code', [*TRANSLATED, PSEUDO])
def test_the_compiled_catalog_is_the_po_file_as_it_is(code: str) -> None:
    """The .mo files are committed (a plain ``pip install`` builds no catalogs): each must say what its .po says."""
    compiled = Translations.load(str(LOCALE_DIR), [code])
    for message in catalog(code):
        if not message.id:
            continue
        if isinstance(message.id, str):
            shown = compiled.pgettext(message.context, message.id) if message.context else compiled.gettext(message.id)
            assert shown == message.string, f'{message.id!r}: run scripts/i18n.sh to compile'
        else:
            forms = [compiled.ngettext(message.id[0], message.id[1], n) for n in (1, 2, 5)]
            assert set(forms) <= set(message.string), f'{message.id!r}: run scripts/i18n.sh to compile'
