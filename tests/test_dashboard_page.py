"""The dashboard page through NiceGUI's simulated user (main.py is run for each test)."""

import asyncio

from nicegui import app
from nicegui.testing import User

from oracle_ui.control import BotState


async def _changes(read, timeout_s: float = 10.0) -> bool:
    first = read()
    for _ in range(int(timeout_s / 0.05)):
        await asyncio.sleep(0.05)
        if read() != first:
            return True
    return False


async def test_dashboard_shows_live_prices_paper_badge_and_bot_state(user: User) -> None:
    await user.open('/')
    await user.should_see('PAPER TRADING')
    await user.should_see('bot: running')
    await user.should_see('feed: live')
    (price,) = user.find(marker='price-BTC/USDT').elements
    assert await _changes(lambda: price.text), 'the BTC price moves'
    assert price.text.replace(',', '').replace('.', '').isdigit()


async def test_stop_asks_for_confirmation_then_stops_the_bot(user: User) -> None:
    await user.open('/')
    await user.should_see('bot: running')
    user.find(marker='stop-button').click()
    await user.should_see('Stop the bot?')
    user.find(marker='confirm-stop').click()
    await user.should_see('bot: stopped')
    await user.should_see('bot stopped; open positions keep their stop-loss and take-profit')
    assert app.state.system.controller.state is BotState.STOPPED
    user.find(marker='start-button').click()
    await user.should_see('bot: running')
    assert app.state.system.controller.state is BotState.RUNNING
