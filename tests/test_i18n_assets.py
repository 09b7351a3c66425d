"""What each shipped language needs beyond its catalog: plotly.js's locale file and month names and number marks for
the charts, Quasar's language pack, and Quasar's right-to-left rules for Persian."""

from pathlib import Path

import nicegui
import pytest

from components.plot import PLOTLY_FILES, PLOTLY_LOCALES, chart_locale
from oracle_ui import i18n
from oracle_ui.i18n.formats import chart_formats
from oracle_ui.web.language import QUASAR_LANGUAGES

VENDOR = Path(__file__).resolve().parent.parent / 'components' / 'vendor' / 'plotly'
NICEGUI_STATIC = Path(nicegui.__file__).parent / 'static'


@pytest.mark.parametrize('code', [code for code in i18n.LOCALES if code != i18n.SOURCE])
def test_each_language_has_plotly_and_quasar_strings(code: str) -> None:
    name = PLOTLY_LOCALES[code]
    with i18n.using(code):
        locale = chart_locale()
    assert locale is not None and locale['name'] == name
    dictionary = locale['dictionary']
    assert 'Reset axes' in dictionary and 'open:' in dictionary
    changed = [english for english, shown in dictionary.items() if shown != english]
    assert len(changed) >= len(dictionary) - 1, f'plotly strings the charts show, translated: {dictionary}'  # Zoom
    if name in PLOTLY_FILES:  # plotly's own for the rest
        assert locale['script'] == f'plotly-locale-{name.lower()}.js'
        assert f'name:"{name}"' in (VENDOR / locale['script']).read_text()
    else:
        assert locale['script'] is None
    assert (NICEGUI_STATIC / 'lang' / f'{QUASAR_LANGUAGES[code]}.umd.prod.js').is_file()


def test_persian_charts_get_persian_plotly_strings_from_the_catalog() -> None:
    with i18n.using('fa'):
        locale = chart_locale()
    assert locale is not None and (locale['name'], locale['script']) == ('fa', None), 'plotly.js has no Persian strings'
    assert locale['dictionary']['Reset axes'] == 'بازنشانی محورها'
    assert locale['dictionary']['Download plot as a PNG'] == 'دانلود نمودار به صورت PNG'


def test_charts_write_numbers_and_months_as_the_page_does() -> None:
    with i18n.using('de'):
        german = chart_formats()
        locale = chart_locale()
    assert (german['decimal'], german['thousands']) == (',', '.')
    assert german['months'][2] == 'März' and german['days'][0] == 'Sonntag'  # plotly's weeks start on Sunday
    with i18n.using('fa'):
        persian = chart_formats()
    assert persian['months'][0] == 'ژانویه', 'Gregorian months: the charts show Gregorian dates'
    assert (persian['decimal'], persian['thousands']) == ('.', ','), 'the marks of the Latin digits plotly writes'
    assert locale is not None and locale['script'] == 'plotly-locale-de.js'
    with i18n.using('en'):
        assert chart_locale() is None


def test_quasar_stylesheet_nicegui_ships_has_the_right_to_left_rules() -> None:
    """NiceGUI's Quasar CSS is Quasar's RTL build (both directions), so Persian needs no extra stylesheet."""
    css = (NICEGUI_STATIC / 'quasar.unimportant.prod.css').read_text()
    assert '[dir="rtl"] .q-drawer--left{right:0' in css
    assert '[dir="rtl"] .q-ml-md{margin-right:16px}' in css
