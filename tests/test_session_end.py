"""When a browser session ends, every page of it stops (user fixture): no handler reads or changes anything for
it any more, its live updates stop, and it is sent to log in within 2 s."""

from nicegui.testing import User

from oracle_ui.security import audit

from .helpers import eventually
from .sessions import log_in, log_out, system


def rows(user: User, marker: str) -> list[dict]:
    return next(iter(user.find(marker=marker).elements)).rows


async def test_logging_out_closes_every_page_of_the_session(accounts, user: User) -> None:
    await user.open('/events')
    await log_in(user, 'alice')
    await user.should_see('Every stored event')
    events_page = user.client
    await user.open('/')
    await user.should_see('alice · operator')
    dashboard = user.client
    listening = system().bus.subscriber_count
    await log_out(user)  # from a third tab, say
    await eventually(lambda: events_page.is_deleted and dashboard.is_deleted, 2, 'both pages closed')
    assert system().bus.subscriber_count == listening - 1  # the dashboard's live updates stopped
    await user.should_see('Log in')


async def test_a_removed_users_open_page_answers_nothing_and_closes(accounts, user: User) -> None:
    await user.open('/events')
    await log_in(user, 'alice')
    await user.should_see('Every stored event')
    events_page = user.client
    system().access.accounts.remove_user('alice')  # `oracle-trader users remove alice`, on the same database
    audit.record(system().bus, who='bob', action='close_all', origin='10.0.0.2:1', result='ok')
    user.find(marker='filter-search').type('close_all').trigger('keydown.enter')  # before any periodic check
    assert not [r for r in rows(user, 'events-table') if 'close_all' in r['summary']]
    await eventually(lambda: events_page.is_deleted, 2, 'the page closed')
    await user.should_see('Log in')


async def test_a_dashboard_stops_streaming_when_its_user_is_removed(accounts, user: User) -> None:
    await user.open('/')
    await log_in(user, 'alice')
    await user.should_see('alice · operator')
    dashboard = user.client
    listening = system().bus.subscriber_count
    system().access.accounts.remove_user('alice')
    await eventually(lambda: dashboard.is_deleted, 2, 'the dashboard closed')
    assert system().bus.subscriber_count == listening - 1
    await user.should_see('Log in')


async def test_idle_sessions_expire_with_their_open_pages(accounts, user: User) -> None:
    await user.open('/trades')
    await log_in(user, 'alice')
    await user.should_see('alice · operator')
    trades_page = user.client
    system().settings.session_idle_minutes = 0.01  # 0.6 s
    await eventually(lambda: trades_page.is_deleted, 2.6, 'the idle page closed')
    await user.should_see('Log in')
    await user.open('/')
    await user.should_see('Log in')
    assert system().controller.state.value == 'running'


async def test_anonymous_local_pages_close_once_logins_apply(user: User) -> None:
    await user.open('/')  # no login configured: the local operator
    await user.should_see('PAPER TRADING')
    dashboard = user.client
    system().access.accounts.add_user('alice', 'correct horse battery staple', 'operator')
    await eventually(lambda: dashboard.is_deleted, 2, 'the anonymous page closed')
    await user.should_see('Log in')
