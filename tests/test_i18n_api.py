"""The REST API in the language its ``Accept-Language`` asks for: human-readable ``message`` texts and reports
only; error bodies (``detail``), event types, field names and values stay English (machine-facing), and English is
the answer without the header."""

from __future__ import annotations

from oracle_ui.errors import CommandError, ErrorKind
from oracle_ui.i18n import N_, using


async def test_messages_follow_accept_language_and_machine_fields_stay_english(http) -> None:
    german = (await http.post('/bot-control/stop', headers={'Accept-Language': 'de-DE,de;q=0.9'})).json()
    assert german['message'] == 'Bot ist bereits gestoppt' or german['message'].startswith('Bot gestoppt'), german
    assert (german['action'], german['state']) == ('stop', 'stopped')
    english = (await http.post('/bot-control/stop')).json()
    assert english['message'] == 'bot is already stopped'
    japanese = (await http.post('/bot-control/stop', headers={'Accept-Language': 'ja'})).json()
    assert japanese['message'] != english['message'] and japanese['state'] == 'stopped'
    unknown = (await http.post('/bot-control/stop', headers={'Accept-Language': 'tlh'})).json()
    assert unknown['message'] == 'bot is already stopped', 'a language we do not ship: English'


async def test_error_bodies_stay_english_whatever_the_language_asked_for(http) -> None:
    bad = {'risk': {'max_positions': 0}}
    for headers in ({}, {'Accept-Language': 'de'}):
        refused = await http.put('/settings', json=bad, headers=headers)
        assert refused.status_code == 422
        assert refused.json()['detail'].endswith('risk.max_positions: Input should be greater than or equal to 1')
        missing = await http.post('/positions/BTC-USDT/close', headers=headers)
        assert missing.status_code == 404 and missing.json()['detail'] == 'no open position on BTC/USDT'
    events = (await http.get('/events', headers={'Accept-Language': 'de'}, params={'type': 'bot_stopped'})).json()
    assert all(e['type'] == 'bot_stopped' for e in events['events'])


def test_a_refusal_is_written_in_the_language_it_is_shown_in() -> None:
    """A page shows a command's refusal in its viewer's language; the API and the logs get English."""
    error = CommandError(ErrorKind.NOT_FOUND, N_('no open position on {symbols}'), symbols='BTC/USDT')
    with using('de'):
        assert error.message == 'keine offene Position in BTC/USDT'
        assert error.english() == 'no open position on BTC/USDT'
    assert error.message == 'no open position on BTC/USDT'


async def test_a_report_is_in_the_requesters_language(http) -> None:
    french = await http.get('/reports', params={'format': 'html'}, headers={'Accept-Language': 'fr-CA,fr'})
    assert french.status_code == 200 and 'lang="fr"' in french.text and 'Chiffres clés' in french.text
    english = await http.get('/reports', params={'format': 'html'})
    assert 'lang="en"' in english.text and 'Headline figures' in english.text
