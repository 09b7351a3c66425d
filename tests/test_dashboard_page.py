"""The dashboard page through NiceGUI's simulated user (the production app, the market on a manual clock)."""

from nicegui import app
from nicegui.testing import User

from oracle_ui.clock import ManualClock
from oracle_ui.control import BotState

from .helpers import eventually


async def test_dashboard_shows_live_prices_paper_badge_and_bot_state(user: User, clock: ManualClock) -> None:
    await user.open('/')
    await user.should_see('PAPER TRADING')
    await user.should_see('bot: running')
    await user.should_see('feed: live')
    (price,) = user.find(marker='price-BTC/USDT').elements
    await clock.advance(1)
    before = price.text
    await clock.advance(5)
    await eventually(lambda: price.text != before, what='the BTC price moving with the market')
    assert price.text == f'{app.state.system.engine.state["BTC/USDT"].last_tick.price:,.2f}'


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
