"""Locale formats and the current language: German amounts, Persian digits (or Latin ones by choice), the
browser's preferred language, and each task keeping its own language."""

from __future__ import annotations

import asyncio
from datetime import UTC

import pytest
from pydantic import ValidationError

from oracle_ui import formatting as fmt
from oracle_ui.events import EventType, PnlUpdate, SystemAlert
from oracle_ui.i18n import Language, _, current, negotiate, using
from oracle_ui.settings import Settings
from oracle_ui.summaries import summarize


def test_german_amounts_group_with_dots_and_decimals_with_a_comma() -> None:
    with using('de'):
        assert fmt.money(10_000) == '10.000,00 USDT'
        assert fmt.signed_money(-1234.5) == '-1.234,50'
        assert fmt.percent(12.5) == '12,5 %'
    assert fmt.money(10_000) == '10,000.00 USDT'  # the source language outside


def test_english_formats_are_those_the_pages_always_showed() -> None:
    assert (fmt.price(65012.5), fmt.price(3.14159), fmt.quantity(0.0153460), fmt.quantity(1250.0)) == (
        '65,012.50',
        '3.1416',
        '0.015346',
        '1,250',
    )
    assert (fmt.number(27.1449), fmt.percent(3.456, signed=True), fmt.local_time(1_750_000_000, UTC)) == (
        '27.14',
        '+3.46 %',
        '2025-06-15 15:06:40',
    )


def test_persian_writes_persian_digits_unless_latin_ones_were_chosen() -> None:
    with using('fa'):
        assert fmt.money(10_000) == '۱۰٬۰۰۰٫۰۰ USDT'  # noqa: RUF001
        assert fmt.local_time(1_750_000_000, UTC) == '۲۰۲۵-۰۶-۱۵ ۱۵:۰۶:۴۰'  # noqa: RUF001
        assert fmt.age(120) == '۲ دقیقه پیش'
    with using(Language('fa', latin_digits=True)):
        assert fmt.money(10_000) == '10,000.00 USDT'


@pytest.mark.parametrize(
    ('header', 'chosen'),
    [
        ('de-CH,de;q=0.9,en;q=0.8', 'de'),
        ('en-US,en;q=0.9', 'en'),
        ('pt-BR,fr;q=0.5', 'fr'),
        ('zh-Hans-CN,zh;q=0.9', 'zh_CN'),
        ('fa-IR', 'fa'),
        ('ja;q=0.2,es;q=0.8', 'es'),
        ('pt-BR', None),
        ('', None),
        ('en-XA', 'en'),  # the pseudo-locale is chosen on purpose, never negotiated
    ],
)
def test_the_browsers_preferred_shipped_language_is_negotiated(header: str, chosen: str | None) -> None:
    assert negotiate(header) == chosen


async def test_each_task_keeps_its_own_language() -> None:
    async def read_in(code: str) -> str:
        with using(code):
            await asyncio.sleep(0)  # the other task runs in between
            return _('just now')

    assert await asyncio.gather(read_in('de'), read_in('ja'), read_in('fr')) == [
        'gerade eben',
        'たった今',
        "à l'instant",
    ]
    assert current().code == 'en'


def test_the_server_default_must_be_a_shipped_locale() -> None:
    assert Settings(_env_file=None, locale='zh-CN').locale == 'zh_CN'
    with pytest.raises(ValidationError, match='unknown locale'):
        Settings(_env_file=None, locale='xx')


def test_event_summaries_read_in_the_current_language_and_stay_english_outside(make_system) -> None:
    system = make_system()
    pnl = PnlUpdate(unrealized_pnl=0.68, realized_pnl=-12.5, equity=9999.81, daily_pnl=0.0, time=1.0)
    event = system.bus.publish(EventType.PNL_UPDATE, pnl, source='test')
    alert = SystemAlert(
        message='cpu percent is 96.2 (threshold 90)', level='warning', metric='cpu_percent', value=96.2, threshold=90
    )
    hot = system.bus.publish(EventType.SYSTEM_ALERT, alert, source='metrics')
    with using('de'):
        assert summarize(event) == 'Equity 9.999,81 USDT, unrealisiert +0,68, realisiert -12,50, heute +0,00'
        assert summarize(hot) == 'CPU-Last in % beträgt 96,2 (Schwelle 90)'
    assert summarize(hot) == 'cpu percent is 96.2 (threshold 90)'  # the API, the CLI and the alert rules
    system.store.close()
