"""``oracle-trader alerts``: add, list, test and remove a running server's alerts; test an URL from here."""

from __future__ import annotations

import asyncio

from oracle_ui import cli

from .apiserver import running_server
from .helpers import eventually
from .receivers import closed_port, json_hook


async def test_alerts_from_the_shell(tmp_path, capsys) -> None:
    with json_hook() as hook:
        async with running_server(tmp_path) as server:
            url = ['--url', server.base]

            async def run(*args: str) -> tuple[int, str]:
                code = await asyncio.to_thread(cli.main, ['alerts', *args, *url])
                captured = capsys.readouterr()
                return code, captured.out + captured.err

            price = ['--price', 'BTC/USDT', 'crosses_above', '70000']
            code, out = await run('add', 'btc 70k', *price, '--channel', hook.url)
            assert code == 0 and out.startswith('#1    armed        warning  btc 70k: BTC/USDT price crosses above 70')
            assert out.rstrip().endswith(f'-> {hook.url}')
            rule = '{"kind": "health", "check": "feed_stale", "seconds": 90}'
            code, out = await run('add', 'stale', '--rule', rule, '--severity', 'critical')
            assert code == 0 and 'no price for more than 90 s -> in-app only' in out
            code, out = await run('list')
            assert [line.split()[0] for line in out.splitlines()] == ['#1', '#2']
            code, out = await run('test', '1')
            assert (code, out) == (0, f'JSON 127.0.0.1 {hook.port}: sent\n')
            await eventually(lambda: hook.bodies)
            code, out = await run('remove', '2')
            assert (code, out) == (0, 'alert 2 removed\n')
            code, out = await run('remove', '2')
            assert (code, out) == (1, 'oracle-trader alerts: 404: no alert 2\n')


def test_testing_an_url_sends_from_this_machine(capsys) -> None:
    with json_hook() as hook:
        assert cli.main(['alerts', 'test', hook.url]) == 0
        assert capsys.readouterr().out == f'JSON {hook.url}: sent\n'
        assert hook.bodies[0]['title'] == 'Oracle Trader: test'
    assert cli.main(['alerts', 'test', f'json://127.0.0.1:{closed_port()}']) == 1
    assert 'failed: A Connection error occurred' in capsys.readouterr().out
    assert cli.main(['alerts', 'test', 'nope://x']) == 2
