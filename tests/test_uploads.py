"""Backtest uploads (user fixture): operators only, each user's own folder, server-chosen names, a quota, and
errors that name the file as uploaded."""

import re

import pytest
from nicegui import ui
from nicegui.testing import User

from oracle_ui.security.accounts import Role

from .helpers import GOOG_SAMPLE, eventually
from .sessions import PASSWORD, log_in, log_out, system

GOOG = GOOG_SAMPLE.read_bytes()
SHORT = b'\n'.join(GOOG.splitlines()[:60]) + b'\n'
STORED = re.compile(r'[0-9a-f]{32}\.csv')


def message(user: User) -> str:
    return next(iter(user.find(marker='bt-message').elements)).text


async def upload(user: User, name: str, content: bytes) -> str:
    """Upload ``content`` as ``name`` on the open /backtest page; returns the page's message about it."""
    before = message(user)
    element = next(iter(user.find(ui.upload).elements))
    await element.handle_uploads([ui.upload.SmallFileUpload(name, 'text/csv', content)])
    await eventually(lambda: message(user) != before, what='the upload handled')
    return message(user)


def stored(oracle_env, user_name: str) -> list:
    folder = oracle_env / 'data' / 'uploads' / user_name
    return sorted(p for p in folder.glob('*.csv')) if folder.exists() else []


def data_choices(user: User) -> list[str]:
    return list(next(iter(user.find(marker='bt-data').elements)).options.values())


async def test_each_operator_keeps_own_uploads_under_server_chosen_names(accounts, user: User, oracle_env) -> None:
    system().access.accounts.add_user('olga', PASSWORD, Role.OPERATOR)
    await user.open('/backtest')
    await log_in(user, 'alice')
    assert (await upload(user, '../../mine.csv', GOOG)).startswith('mine.csv: 2,148 bars')
    [alices] = stored(oracle_env, 'alice')
    assert STORED.fullmatch(alices.name) and alices.read_bytes() == GOOG
    assert 'upload: mine.csv' in data_choices(user)
    await log_out(user)
    await user.open('/backtest')
    await log_in(user, 'olga')
    assert 'upload: mine.csv' not in data_choices(user)  # alice's files are not olga's to see
    assert (await upload(user, 'mine.csv', SHORT)).startswith('mine.csv: 59 bars')
    assert alices.read_bytes() == GOOG  # same name, nothing overwritten
    [olgas] = stored(oracle_env, 'olga')
    assert olgas.read_bytes() == SHORT and olgas.name != alices.name
    assert not list((oracle_env / 'data').rglob('mine.csv'))
    user.find(marker='bt-run').click()
    await user.should_see('SMA crossover: 59 bars in')  # olga's own file, read in a thread


async def test_viewers_get_the_samples_but_no_upload(accounts, user: User, oracle_env) -> None:
    await user.open('/backtest')
    await log_in(user, 'victor')
    await user.should_see('uploading a CSV needs an operator login')
    await user.should_not_see(kind=ui.upload)
    user.find(marker='bt-run').click()
    await user.should_see('SMA crossover: 2,148 bars in')


async def test_an_operators_page_stops_taking_uploads_once_demoted_or_removed(accounts, user, oracle_env) -> None:
    await user.open('/backtest')
    await log_in(user, 'alice')
    system().access.accounts.add_user('alice', PASSWORD, Role.VIEWER)  # demoted with the page open
    assert await upload(user, 'late.csv', GOOG) == 'late.csv: uploading needs an operator login'
    system().access.accounts.add_user('alice', PASSWORD, Role.OPERATOR)
    system().access.accounts.remove_user('alice')  # `oracle-trader users remove alice`
    element = next(iter(user.find(ui.upload).elements))
    await element.handle_uploads([ui.upload.SmallFileUpload('later.csv', 'text/csv', GOOG)])
    await eventually(lambda: user.client.is_deleted or 'Log in' in str(user.client.layout), what='page closed')
    assert stored(oracle_env, 'alice') == []


async def test_a_bad_file_is_reported_under_its_own_name(accounts, user: User, oracle_env) -> None:
    await user.open('/backtest')
    await log_in(user, 'alice')
    bad = GOOG.replace(b'2004-08-23,110.75', b'2004-08-23,oops', 1)
    text = await upload(user, 'C:\\Users\\me\\prices.csv', bad)
    assert text == "upload refused: prices.csv: line 4, column Open: 'oops' is not a number"
    assert str(oracle_env) not in text and stored(oracle_env, 'alice') == []
    assert not list((oracle_env / 'data' / 'uploads').rglob('*.part'))


@pytest.fixture
def small_quota(monkeypatch):
    monkeypatch.setenv('ORACLE_UPLOAD_QUOTA_FILES', '2')
    monkeypatch.setenv('ORACLE_UPLOAD_QUOTA_BYTES', str(len(GOOG) + len(SHORT) + 10))


async def test_a_user_keeps_the_newest_uploads_within_the_quota(accounts, small_quota, user, oracle_env) -> None:
    await user.open('/backtest')
    await log_in(user, 'alice')
    await upload(user, 'one.csv', SHORT)
    await upload(user, 'two.csv', SHORT)
    assert 'removed: one.csv' in await upload(user, 'three.csv', SHORT)
    assert len(stored(oracle_env, 'alice')) == 2
    assert await upload(user, 'big.csv', GOOG) == (  # the bytes quota: big.csv fits beside one short file only
        'big.csv: 2,148 bars, every 86400 s\nto stay within your quota, removed: two.csv'
    )
    assert sorted(p.stat().st_size for p in stored(oracle_env, 'alice')) == [len(SHORT), len(GOOG)]
    too_big = GOOG + b'\n' * (len(SHORT) + 20)  # blank lines: a valid file, just too big
    assert 'over the upload quota' in await upload(user, 'huge.csv', too_big)
    assert [option for option in data_choices(user) if option.startswith('upload')] == [
        'upload: three.csv',
        'upload: big.csv',
    ]
