"""The REST API in the language its ``Accept-Language`` asks for: human-readable ``message`` and ``detail`` texts
only; event types, field names and values stay English, and English is the answer without the header."""

from __future__ import annotations

import httpx
import pytest

from .apiserver import running_server


@pytest.fixture
async def server(tmp_path):
    async with running_server(tmp_path) as s:
        yield s


@pytest.fixture
async def http(server):
    async with httpx.AsyncClient(base_url=server.base + '/dashboard/api', timeout=20) as client:
        yield client


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


async def test_validation_details_follow_accept_language(http) -> None:
    bad = {'risk': {'max_positions': 0}}
    english = await http.put('/settings', json=bad)
    assert english.status_code == 422
    assert english.json()['detail'].endswith('risk.max_positions: Input should be greater than or equal to 1')
    german = await http.put('/settings', json=bad, headers={'Accept-Language': 'de'})
    assert german.status_code == 422
    assert german.json()['detail'].endswith('risk.max_positions: Eingabe muss größer oder gleich 1 sein'), german.json()
    events = (await http.get('/events', headers={'Accept-Language': 'de'}, params={'type': 'bot_stopped'})).json()
    assert all(e['type'] == 'bot_stopped' for e in events['events'])


async def test_a_report_is_in_the_requesters_language(http) -> None:
    french = await http.get('/reports', params={'format': 'html'}, headers={'Accept-Language': 'fr-CA,fr'})
    assert french.status_code == 200 and 'lang="fr"' in french.text and 'Chiffres clés' in french.text
    english = await http.get('/reports', params={'format': 'html'})
    assert 'lang="en"' in english.text and 'Headline figures' in english.text
