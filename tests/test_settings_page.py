"""``/settings`` through the simulated user: labels, units and descriptions, read-only inputs for a viewer, and
flags that override the saved settings said plainly."""

import logging

import pytest
from nicegui import app, ui
from nicegui.testing import User

from oracle_ui.i18n import using
from oracle_ui.live_settings import META_KEY, Overridden, RuntimeSettings
from oracle_ui.security.accounts import Accounts, Role
from oracle_ui.settings import RiskSettings
from oracle_ui.store import Store

from .helpers import eventually

PASSWORD = 'correct horse battery staple'


def element(user: User, marker: str) -> ui.element:
    (found,) = user.find(marker=marker).elements
    return found


async def test_settings_have_labels_units_and_descriptions(user: User) -> None:
    await user.open('/settings')
    await user.should_see('ADX length')  # regime's adx_period
    adx = element(user, 'param-adx_period')
    assert adx.props['label'] == 'ADX length' and adx.props['suffix'] == 'candles'
    assert adx.props['hint'] == 'Candles the trend strength (ADX, +DI/-DI) is averaged over · default 14 · adx_period'
    stop = element(user, 'param-trend.atr_stop_mult')
    assert stop.props['label'] == 'Stop distance' and stop.props['suffix'] == '× ATR'
    margin = element(user, 'risk-fixed_margin')
    assert margin.props['label'] == 'Margin per trade' and margin.props['suffix'] == 'USDT'
    assert 'fixed sizing' in margin.props['hint'] and 'default 10' in margin.props['hint']
    assert element(user, 'risk-max_daily_loss_pct').props['suffix'] == '% of equity'
    await user.should_not_see("{'sizing'")  # no raw dict of defaults
    assert not app.state.system.overridden
    await user.should_not_see(marker='settings-override')


@pytest.fixture
def viewer_account(oracle_env) -> None:
    store = Store(oracle_env / 'data' / 'oracle.db')
    Accounts(store.engine).add_user('victor', PASSWORD, Role.VIEWER)
    store.close()


async def test_a_viewer_sees_every_setting_but_can_change_none(viewer_account, user: User) -> None:
    await user.open('/settings')
    user.find(marker='login-username').type('victor')
    user.find(marker='login-password').type(PASSWORD)
    user.find(marker='login-button').click()
    logins = lambda: [e.data['result'] for e in app.state.system.bus.recent(type_='user_action')]  # noqa: E731
    await eventually(lambda: logins() == ['ok'], what='the login accepted')
    await user.open('/settings')
    await user.should_see('Read-only: changing settings needs an operator login.')
    inputs = [e for kind in (ui.number, ui.input, ui.select) for e in user.find(kind).elements]
    assert len(inputs) > 20 and all(not e.enabled for e in inputs), 'viewers see the values, disabled'
    assert not element(user, 'settings-save').enabled and not element(user, 'symbols-save').enabled
    user.find(marker='risk-max_positions').type('7')  # typing into a disabled input does nothing
    assert element(user, 'risk-max_positions').value == 3


@pytest.fixture
def saved_sma_cross(oracle_env, monkeypatch) -> None:
    """sma_cross saved on /settings by an earlier run; this start names another strategy in its environment."""
    store = Store(oracle_env / 'data' / 'oracle.db')
    saved = RuntimeSettings(strategy='sma_cross', strategy_params={'fast': 5, 'slow': 20}, risk=RiskSettings())
    store.set_meta(META_KEY, saved.model_dump_json())
    store.close()
    monkeypatch.setenv('ORACLE_STRATEGY', 'regime')


async def test_flags_that_override_the_saved_strategy_are_said_at_start_and_on_the_page(
    saved_sma_cross, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    said = (
        'The command line or environment (--strategy, --param, ORACLE_STRATEGY...) sets the strategy regime '
        '(saved on /settings: sma_cross): it wins at every start.'
    )
    assert app.state.system.strategy.name == 'regime'
    assert any(said in r.getMessage() and r.levelno == logging.WARNING for r in caplog.get_records('setup'))
    await user.open('/settings')
    assert element(user, 'settings-override').text.startswith(said)


async def test_the_override_is_said_in_the_viewers_language(saved_sma_cross, user: User) -> None:
    user.http_client.headers['Accept-Language'] = 'de'
    await user.open('/settings')
    said = element(user, 'settings-override').text
    assert said.startswith('Die Befehlszeile oder Umgebung (--strategy, --param, ORACLE_STRATEGY...) setzt die ')
    assert 'Strategie regime (gespeichert unter /settings: sma_cross)' in said


def test_each_kind_of_override_is_said_and_none_is_none() -> None:
    saved = RuntimeSettings(strategy='sma_cross', strategy_params={'fast': 5, 'slow': 20}, risk=RiskSettings())
    params = saved.model_copy(update={'strategy_params': {'fast': 6, 'slow': 20}})
    risk = saved.model_copy(update={'risk': RiskSettings(max_positions=7)})
    both = params.model_copy(update={'risk': risk.risk})
    assert Overridden.of(saved, saved) is None
    said = {
        name: Overridden.of(saved, used).text() for name, used in (('params', params), ('risk', risk), ('both', both))
    }
    assert 'sets parameters of sma_cross other than the ones saved on /settings: it wins' in said['params']
    assert 'sets risk limits other than the ones saved on /settings: it wins' in said['risk']
    assert 'other than the ones saved on /settings and risk limits: it wins' in said['both']
    limits = Overridden.of(saved, risk)
    with using('ja'):
        assert limits is not None and 'リスク上限' in limits.text()
