"""Password checks are rationed: parallel attempts get no more guesses checked than the lockout allows."""

import asyncio

import pytest

from oracle_ui.security.access import Access
from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from .helpers import FakeClock

PASSWORD = 'correct horse battery staple'


@pytest.fixture
def access(tmp_path):
    store = Store(tmp_path / 'oracle.db')
    accounts = Accounts(store.engine)
    accounts.add_user('alice', PASSWORD, Role.OPERATOR)
    accounts.add_user('bob', PASSWORD, Role.VIEWER)
    yield Access(accounts)
    store.close()


async def test_a_burst_of_parallel_logins_gets_one_password_checked(access) -> None:
    access.throttle.clock = FakeClock(1000.0).time  # the wait shown does not depend on how slow argon2 is here
    guesses = [f'wrong guess {i:02}' for i in range(29)] + [PASSWORD]
    results = await asyncio.gather(*(access.login('alice', g, '203.0.113.9') for g in guesses))
    checked = [r for r in results if not r.refused]
    assert len(checked) == 1 and checked[0].principal is None
    assert results[-1].principal is None and 'another login attempt' in results[-1].refused
    for i in range(4):  # one after the other: four more wrong ones use up the five the lockout allows
        assert not (await access.login('alice', f'again {i}', '203.0.113.9')).refused
    locked = await access.login('alice', PASSWORD, '203.0.113.9')
    assert locked.principal is None and locked.refused == 'too many failed attempts: try again in 60 s'


async def test_one_attempt_per_user_name_at_a_time_from_any_address(access) -> None:
    results = await asyncio.gather(
        access.login('alice', 'wrong password 1', '203.0.113.1'),
        access.login('ALICE', PASSWORD, '203.0.113.2'),
        access.login('bob', PASSWORD, '203.0.113.3'),
    )
    assert [bool(r.refused) for r in results] == [False, True, False]
    assert results[2].principal.name == 'bob'
    assert (await access.login('alice', PASSWORD, '203.0.113.2')).principal.name == 'alice'


async def test_an_attempt_counts_before_its_password_is_checked(access) -> None:
    clock = FakeClock(1000.0)
    access.throttle.clock = clock.time
    for i in range(4):
        await access.login('alice', f'wrong {i}', '203.0.113.7')
    fifth = asyncio.ensure_future(access.login('alice', 'wrong 5', '203.0.113.7'))
    await asyncio.sleep(0)  # the fifth is being checked (in a thread): the address is locked already
    assert access.throttle.retry_after('203.0.113.7') == 60
    clock.now += 5  # a slow check
    assert (await fifth).principal is None
    assert access.throttle.retry_after('203.0.113.7') == 60  # the lock runs its full time from the failure
    locked = await access.login('alice', PASSWORD, '203.0.113.7')
    assert locked.refused == 'too many failed attempts: try again in 60 s'
