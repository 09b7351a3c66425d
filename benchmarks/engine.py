"""Engine throughput: ``python -m benchmarks.engine [--quick]`` prints the numbers quoted in the README.

* Backtest bars/s through indicators + strategy + broker for 10k, 100k and 500k simulated 1-minute bars
  (``sma_cross`` and ``regime``), next to backtesting.py running the same SMA(10/20) cross on the same bars in
  the same run (benchmark-only dependency: ``pip install backtesting``; it is AGPL and never a runtime one).
* Live cost per closed candle (incremental indicators + regime classification + strategy) after 1k and 100k
  candles of history: flat means it does not grow with history.
* Peak traced memory of the 500k-bar backtest.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
import tracemalloc
import warnings

import numpy as np

from oracle_ui.backtest import BacktestConfig, run_backtest
from oracle_ui.engine.bars import Bars
from oracle_ui.engine.feed import simulate_bars
from oracle_ui.engine.indicators import LiveIndicators
from oracle_ui.engine.models import Candle
from oracle_ui.engine.strategies import create_strategy


def _slice(bars: Bars, n: int) -> Bars:
    return Bars(bars.time[:n], bars.open[:n], bars.high[:n], bars.low[:n], bars.close[:n], bars.volume[:n])


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _backtesting_py(bars: Bars):
    """backtesting.py's SMA cross on the same bars, or None if it is not installed."""
    try:
        import pandas as pd
        from backtesting import Backtest, Strategy
        from backtesting.lib import crossover
    except ImportError:
        return None

    def sma(values, n):
        return pd.Series(values).rolling(n).mean().to_numpy()

    class SmaCross(Strategy):
        def init(self):
            self.fast = self.I(sma, self.data.Close, 10)
            self.slow = self.I(sma, self.data.Close, 20)

        def next(self):
            if not self.position and crossover(self.fast, self.slow):
                self.buy()
            elif self.position and crossover(self.slow, self.fast):
                self.position.close()

    frame = pd.DataFrame(
        {'Open': bars.open, 'High': bars.high, 'Low': bars.low, 'Close': bars.close, 'Volume': bars.volume},
        index=pd.to_datetime(bars.time, unit='s'),
    )

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return Backtest(frame, SmaCross, cash=1e9, commission=0.001, finalize_trades=False).run()

    return run


def backtest_throughput(bars: Bars, sizes: list[int], runs: int) -> None:
    print(f'\nBacktest throughput (median of {runs} runs; bars/s, higher is better)')
    print(f'{"bars":>8} {"sma_cross":>12} {"regime":>12} {"backtesting.py":>15} {"sma_cross / bt.py":>18}')
    config = BacktestConfig(cash=1e9, commission=0.001)
    for n in sizes:
        part = _slice(bars, n)
        repeat = runs if n <= 100_000 else 1
        sma = _median_time(lambda p=part: run_backtest(p, create_strategy('sma_cross'), config), repeat)
        regime = _median_time(
            lambda p=part: run_backtest(p, create_strategy('regime'), BacktestConfig(sizing='risk')), repeat
        )
        baseline = _backtesting_py(part)
        bt = _median_time(baseline, repeat) if baseline else None
        ratio = f'{bt / sma:17.2f}x' if bt else '   (not installed)'
        bt_text = f'{n / bt:15,.0f}' if bt else f'{"-":>15}'
        print(f'{n:>8,} {n / sma:12,.0f} {n / regime:12,.0f} {bt_text} {ratio}')


def live_cost(bars: Bars, histories: list[int], updates: int = 3000) -> None:
    print(f'\nLive update per closed candle: indicators + regime + strategy (median of {updates} updates)')
    strategy = create_strategy('regime')
    for history in histories:
        live = LiveIndicators(strategy.indicators())
        for i in range(history):
            live.update(bars.high[i], bars.low[i], bars.close[i], bars.volume[i])
        samples = []
        previous = dict(live.values)

        class View:
            def __init__(self, current, prev):
                self.current, self.previous = current, prev

            def __getitem__(self, name):
                return self.current[name]

            def prev(self, name):
                return self.previous[name]

        for i in range(history, history + updates):
            candle = Candle(
                'BTC/USDT',
                int(bars.time[i]),
                float(bars.open[i]),
                float(bars.high[i]),
                float(bars.low[i]),
                float(bars.close[i]),
                float(bars.volume[i]),
            )
            start = time.perf_counter()
            current = live.update(candle.high, candle.low, candle.close, candle.volume)
            view = View(current, previous)
            strategy.classify(view)
            strategy.evaluate(candle, view, None)
            previous = dict(current)
            samples.append(time.perf_counter() - start)
        samples_us = np.array(samples) * 1e6
        print(
            f'  history {history:>7,} candles: p50 {np.median(samples_us):6.1f} us   p99 '
            f'{np.percentile(samples_us, 99):6.1f} us'
        )


def peak_memory(bars: Bars) -> None:
    gc.collect()
    tracemalloc.start()
    run_backtest(bars, create_strategy('regime'), BacktestConfig(sizing='risk'))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f'\nPeak traced memory, regime backtest of {len(bars):,} bars: {peak / 2**20:.1f} MiB '
        f'(the bars themselves: {6 * 8 * len(bars) / 2**20:.1f} MiB)'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--quick', action='store_true', help='10k and 100k bars only, one run each')
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 500_000]
    print(f'Machine: {os.cpu_count()} cores; Python engine, TA-Lib indicators')
    start = time.perf_counter()
    bars = simulate_bars('BTC/USDT', 60, max(sizes) + 5000, seed=7)
    print(f'Simulated {len(bars):,} 1-minute bars in {time.perf_counter() - start:.1f} s')
    backtest_throughput(bars, sizes, 1 if args.quick else 3)
    live_cost(bars, [1_000, 100_000])
    peak_memory(_slice(bars, max(sizes)))


if __name__ == '__main__':
    main()
