"""Sessions across web replicas in a real Chromium: one engine and two ``--role web`` processes whose browser
storage is in Redis. Cookies ignore ports, so one browser context is one browser visiting both replicas."""

from __future__ import annotations

import re

import pytest

from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.store import Store

from ..cluster import cluster_env, running_engine, web_replica
from ..redis_server import RedisServer
from .conftest import log_in

PASSWORD = 'correct horse battery staple'
pytestmark = [pytest.mark.redis]


async def test_a_login_on_one_replica_holds_on_the_other_and_a_logout_there_ends_every_tab(
    browser, tmp_path, redis: RedisServer
) -> None:
    data_dir = tmp_path / 'data'
    store = Store(data_dir / 'oracle.db')
    Accounts(store.engine).add_user('alice', PASSWORD, Role.OPERATOR)
    store.close()
    env = cluster_env(redis.url)
    with running_engine(data_dir, env), web_replica(data_dir, env, 'a') as a, web_replica(data_dir, env, 'b') as b:
        context = await browser.new_context()
        on_a, on_b = await context.new_page(), await context.new_page()
        await log_in(on_a, a.base, 'alice', PASSWORD, '/events')
        await on_a.get_by_text('Every stored event').wait_for()
        await on_b.goto(b.base + '/')
        await on_b.get_by_text('alice · operator').wait_for(timeout=20_000)  # no login asked on replica b
        await on_b.locator('button', has_text='logout').click()
        await on_b.wait_for_url(re.compile(re.escape(b.base) + r'/login(\?.*)?$'), timeout=10_000)
        await on_a.wait_for_url(f'{a.base}/login?redirect_to=/events', wait_until='commit', timeout=10_000)
        await context.close()
