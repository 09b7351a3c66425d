"""Alerts: ``python -m benchmarks.alerts`` prints the numbers quoted in the README.

1. Rule evaluation per tick with 0, 10, 100 and 1,000 enabled rules (a mix of every kind, all on the ticking
   symbol: the worst case), over the simulated market's BTC/USDT ticks at the sim feed's pace: the evaluator's
   own time per tick (``put``), next to what publishing the tick on the bus costs.
2. Crossing tick -> webhook arrival: the live system replays a CSV that crosses a level on every bar, a two-way
   crossing alert sends to a local JSON webhook (an HTTP server in a thread); p50/p95 over the crossings.
3. A channel that hangs 30 s: the app (``main.py``) with an alert firing every second into a webhook that answers
   only after 30 s, against the same alert sending to a webhook that answers at once, alternating in one run
   (each round's hanging channel is deleted before the healthy half, so that half carries none of its retries);
   event -> screen in Chromium (a notification published through the API until its text is in the page: the
   path every tick and event a page shows takes), p50/p95 and the ratios, pooled and per round.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from oracle_ui.alerts.evaluator import AlertEvaluator  # noqa: E402
from oracle_ui.alerts.rules import RULE  # noqa: E402
from oracle_ui.alerts.states import Watch  # noqa: E402
from oracle_ui.bus import EventBus  # noqa: E402
from oracle_ui.clock import WALL_CLOCK  # noqa: E402
from oracle_ui.engine.feed import SimulatedMarket  # noqa: E402
from oracle_ui.events import EventType, PositionInfo, PriceUpdate  # noqa: E402
from tests.liveapp import live_app  # noqa: E402
from tests.receivers import json_hook  # noqa: E402

SYMBOL = 'BTC/USDT'


def rules(count: int, price: float) -> list[dict]:
    """``count`` rules of every kind on ``SYMBOL``: levels within +-5 % of the price, moves over 1/5/15 minutes,
    indicators, events, position PnL, drawdown and feed staleness."""
    rng = np.random.default_rng(count)
    made = []
    for i in range(count):
        kind = i % 10
        if kind < 5:
            op = ('above', 'below', 'crosses_above', 'crosses_below', 'crosses')[i % 5]
            level = float(price * (1 + rng.uniform(-0.05, 0.05)))
            made.append({'kind': 'price', 'symbol': SYMBOL, 'op': op, 'value': level})
        elif kind < 7:
            window = (60, 300, 900)[i % 3]
            made.append(
                {
                    'kind': 'price',
                    'symbol': SYMBOL,
                    'op': 'moves',
                    'value': float(rng.uniform(0.2, 3)),
                    'window_s': window,
                }
            )
        elif kind == 7:
            made.append({'kind': 'indicator', 'symbol': SYMBOL, 'left': 'rsi:14', 'op': 'above', 'right': 70.0})
        elif kind == 8:
            made.append({'kind': 'account', 'metric': 'position_pnl_pct', 'op': 'below', 'value': -float(i % 20 + 1)})
        else:
            made.append({'kind': 'health', 'check': 'feed_stale', 'seconds': 30 + i % 60})
    return made


def evaluation_cost(counts: list[int], ticks: int) -> None:
    market = SimulatedMarket([SYMBOL], 60, seed=7, start=1_700_000_000)
    prices = []
    while len(prices) < ticks + 1000:  # the sim feed's pace: a tick every 0.25 s
        _closed, (tick,) = market.advance(0.25, 7.5)
        prices.append((tick.time, tick.price))
    warm, measured = prices[:1000], prices[1000:]
    print(f'\n1. Rule evaluation per tick ({ticks:,} simulated BTC/USDT ticks, every rule on that symbol)')
    print(
        f'{"rules":>6} {"eval p50 µs":>12} {"eval p95 µs":>12} {"eval max µs":>12} {"publish p50 µs":>15} {"fired":>6}'
    )
    for count in counts:
        fired = []
        evaluator = AlertEvaluator(on_fire=fired.append, candles=lambda *_: [], clock=WALL_CLOCK)
        bus = EventBus()  # the tick is published as the engine does; the evaluator is timed on its own
        position = PositionInfo(
            id=1,
            symbol=SYMBOL,
            side='long',
            quantity=0.1,
            entry_price=prices[0][1],
            entry_time=0,
            leverage=1,
            margin=prices[0][1] * 0.1,
            entry_fee=0,
            liquidation_price=0,
            stop_loss=None,
            take_profit=None,
            mark_price=prices[0][1],
            unrealized_pnl=0,
            strategy='x',
            regime='',
        )
        evaluator.put(bus.publish(EventType.POSITION_OPENED, position, source='bench'))
        evaluator.set_rules(
            Watch(alert_id=i + 1, rule=RULE.validate_python(r), cooldown_s=0)
            for i, r in enumerate(rules(count, prices[0][1]))
        )
        for t, p in warm:
            evaluator.put(
                bus.publish(EventType.PRICE_UPDATE, PriceUpdate(symbol=SYMBOL, price=p, timestamp=t), source='x')
            )
        fired.clear()
        cost, publish = [], []
        for t, p in measured:
            payload = PriceUpdate(symbol=SYMBOL, price=p, timestamp=t)
            start = time.perf_counter_ns()
            event = bus.publish(EventType.PRICE_UPDATE, payload, source='feed')
            middle = time.perf_counter_ns()
            evaluator.put(event)
            cost.append(time.perf_counter_ns() - middle)
            publish.append(middle - start)
        print(
            f'{count:>6,} {statistics.median(cost) / 1000:12.1f} {np.percentile(cost, 95) / 1000:12.1f}'
            f' {max(cost) / 1000:12.1f} {statistics.median(publish) / 1000:15.1f} {len(fired):>6}'
        )


async def crossing_to_webhook(crossings: int) -> None:
    from oracle_ui.alerts.rules import AlertSpec
    from oracle_ui.security.accounts import LOCAL
    from oracle_ui.settings import Settings
    from oracle_ui.system import build_system

    with tempfile.TemporaryDirectory() as temp, json_hook() as hook:
        csv = Path(temp) / 'bars.csv'
        closes = [100.0 + (3 if i % 2 else -3) for i in range(crossings + 2)]  # every bar crosses 100 (its ticks too)
        rows = [f'{1_700_000_040 + 60 * i},{c},{c + 0.5},{c - 0.5},{c},1' for i, c in enumerate(closes)]
        csv.write_text('timestamp,Open,High,Low,Close,Volume\n' + '\n'.join(rows) + '\n')
        # 2 bars a second: 8 ticks/s, twice the sim feed's rate per symbol
        settings = Settings(
            _env_file=None,
            data_dir=Path(temp) / 'data',
            feed=f'replay:{csv}',
            symbols=[SYMBOL],
            speed=120,
            autostart=False,
        )
        system = build_system(settings)
        ticks: list[float] = []

        class Crossings:
            previous: float | None = None

            def wants(self, event) -> bool:
                return event.type is EventType.PRICE_UPDATE

            def put(self, event) -> None:
                price = event.data['price']
                if self.previous is not None and (self.previous < 100) != (price < 100):
                    ticks.append(time.perf_counter())
                self.previous = price

        system.bus.add_sink(Crossings())
        await system.start()
        spec = AlertSpec(
            name='cross',
            rule={'kind': 'price', 'symbol': SYMBOL, 'op': 'crosses', 'value': 100},
            channels=[hook.url],
            cooldown_s=0,
        )
        await system.alert_commands.create(spec, who=LOCAL, origin='bench')
        for channel in system.alerts.channels.values():  # one message per crossing: no rate limit in the way
            channel.rate_limit = 10_000
            system.alerts.put_channel(channel, hook.url)
        while system.engine.feed.status.value != 'ended':
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        await system.stop()
    arrivals = [t for t, _ in hook.received]
    first = len(ticks) - len(arrivals)  # crossings before the alert existed have no webhook
    delays = np.array([(a - t) * 1000 for t, a in zip(ticks[first:], arrivals, strict=True)])
    print(f'\n2. Crossing tick -> webhook arrival over {len(delays)} crossings (a local JSON webhook)')
    print(
        f'   p50 {np.percentile(delays, 50):.1f} ms, p95 {np.percentile(delays, 95):.1f} ms, max {delays.max():.1f} ms'
    )


OBSERVE = """() => { window.seen = {}; new MutationObserver(records => {
    const now = Date.now();
    for (const record of records) for (const node of record.addedNodes) {
      for (const m of (node.textContent || '').matchAll(/probe-(\\d+)/g)) { window.seen[m[1]] ??= now; }
    }
  }).observe(document.body, {childList: true, subtree: true}); }"""


async def probes(page, http: httpx.AsyncClient, first: int, count: int) -> list[float]:
    await page.evaluate(OBSERVE)
    sent = {}
    for n in range(first, first + count):
        sent[n] = time.time() * 1000
        await http.post(
            '/dashboard/api/emit-test-event',
            json={'type': 'notification', 'data': {'message': f'probe-{n}', 'level': 'info'}},
        )
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.5)
    seen = await page.evaluate('() => window.seen')
    return [seen[str(n)] - sent[n] for n in sent if str(n) in seen]


async def hanging_channel(rounds: int, count: int) -> None:
    from playwright.async_api import async_playwright

    with (
        tempfile.TemporaryDirectory() as temp,
        json_hook(hang_s=30) as hanging,
        json_hook() as healthy,
        live_app(Path(temp) / 'data', ORACLE_SIM_HISTORY_DAYS='2') as base,
    ):
        async with httpx.AsyncClient(base_url=base, timeout=30) as http, async_playwright() as p:
            unlimited = {'rate_limit': 10_000}  # one message per firing: no rate limit or digest in the way

            async def channel(name: str, url: str) -> dict:
                made = await http.post('/dashboard/api/alert-channels', json={'name': name, 'url': url, **unlimited})
                return made.json()

            await channel('healthy', healthy.url)
            rule = {'kind': 'event', 'types': ['pnl_update']}  # fires once a second
            body = {'name': 'every second', 'rule': rule, 'channels': ['healthy'], 'cooldown_s': 0}
            alert = (await http.post('/dashboard/api/alerts', json=body)).json()
            browser = await p.chromium.launch(executable_path=shutil.which('chromium'), args=['--no-sandbox'])
            page = await browser.new_page(viewport={'width': 1440, 'height': 900})
            await page.goto(base + '/')
            await page.get_by_text('link: live').wait_for(timeout=30_000)
            await asyncio.sleep(3)
            results: dict[bool, list[float]] = {True: [], False: []}
            ratios, hung = [], []
            for r in range(rounds):
                medians = {}
                for hangs in (True, False) if r % 2 == 0 else (False, True):
                    if hangs:  # a fresh channel each round: Apprise waits 60 s, our attempts give up after 10 s
                        stuck = await channel(f'hanging {r}', f'{hanging.url}{r}?rto=60')
                    use = [stuck['name'] if hangs else 'healthy']
                    await http.patch(f'/dashboard/api/alerts/{alert["id"]}', json={'channels': use})
                    await asyncio.sleep(12 if hangs else 2)  # past the first attempt's 10 s: retries failing at once
                    seen = await probes(page, http, (2 * r + hangs) * count, count)
                    results[hangs] += seen
                    medians[hangs] = statistics.median(seen)
                    if hangs:  # gone before the healthy half: its queue and retries with it (its thread still waits)
                        await http.patch(f'/dashboard/api/alerts/{alert["id"]}', json={'channels': ['healthy']})
                        hung.append((await http.get(f'/dashboard/api/alert-channels/{stuck["id"]}')).json())
                        await http.delete(f'/dashboard/api/alert-channels/{stuck["id"]}')
                ratios.append(medians[True] / medians[False])
            await browser.close()
    with_, without = np.array(results[True]), np.array(results[False])
    print(
        f'\n3. Event -> screen while an alert fires every second into a channel that hangs 30 s, against the same '
        f'alert into a healthy channel, alternating; {rounds} rounds of {count} probes each way'
    )
    print(
        f'   the hanging channels: {len(hanging.received)} requests reached them, '
        f'{sum(c["failed"] for c in hung)} messages failed ({hung[-1]["last_error"]}); '
        f'the healthy one got {len(healthy.received)}'
    )
    for name, values in (('hanging channel', with_), ('healthy channel', without)):
        print(
            f'   {name:16} p50 {np.percentile(values, 50):6.1f} ms, p95 {np.percentile(values, 95):6.1f} ms '
            f'({len(values)} seen)'
        )
    print(
        f'   ratio p50 {np.percentile(with_, 50) / np.percentile(without, 50):.2f}, '
        f'p95 {np.percentile(with_, 95) / np.percentile(without, 95):.2f}; '
        f'per round p50 {" ".join(f"{x:.2f}" for x in ratios)} (median {statistics.median(ratios):.2f})'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ticks', type=int, default=20_000)
    parser.add_argument('--crossings', type=int, default=200)
    parser.add_argument('--rounds', type=int, default=8)
    parser.add_argument('--probes', type=int, default=50)
    parser.add_argument('--only', type=int, choices=(1, 2, 3), help='run one part')
    args = parser.parse_args()
    if args.only in (None, 1):
        evaluation_cost([0, 10, 100, 1000], args.ticks)
    if args.only in (None, 2):
        asyncio.run(crossing_to_webhook(args.crossings))
    if args.only in (None, 3):
        asyncio.run(hanging_channel(args.rounds, args.probes))


if __name__ == '__main__':
    main()
