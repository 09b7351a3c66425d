"""``oracle-trader alerts list|add|remove|test``: a running server's alerts from the shell; ``test`` with an Apprise
URL sends from this machine directly (no server needed), to check a service such as Telegram from where it is
reachable."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

import httpx

from ..alerts import channels, messages
from ..alerts.rules import RULE
from ..client import ApiError, OracleClient


def add_arguments(alerts: argparse.ArgumentParser) -> None:
    actions = alerts.add_subparsers(dest='action', required=True)
    actions.add_parser('list', help='list alerts with their state and channels')
    add = actions.add_parser('add', help='add an alert')
    add.add_argument('name')
    what = add.add_mutually_exclusive_group(required=True)
    what.add_argument(
        '--price',
        nargs=3,
        metavar=('SYMBOL', 'OP', 'VALUE'),
        help='a price alert, e.g. --price BTC/USDT crosses_above 70000 (OP: above, below, crosses_above, '
        'crosses_below)',
    )
    what.add_argument(
        '--rule', help='any rule as JSON, e.g. \'{"kind": "health", "check": "feed_stale", "seconds": 60}\''
    )
    add.add_argument(
        '--channel', action='append', default=[], help='a stored channel name or an Apprise URL; repeatable'
    )
    add.add_argument('--severity', choices=['info', 'warning', 'critical'], default='warning')
    add.add_argument('--cooldown', type=float, default=300.0, help='seconds between two firings (default 300)')
    actions.add_parser('remove', help='remove an alert').add_argument('id', type=int)
    test = actions.add_parser('test', help="send a test message: to an Apprise URL from here, or an alert's channels")
    test.add_argument('target', help='an Apprise URL, an alert id, or a stored channel name')
    for parser in actions.choices.values():
        parser.add_argument('--url', default='http://127.0.0.1:8080', help='the server (default http://127.0.0.1:8080)')
        parser.add_argument(
            '--token', default=os.environ.get('ORACLE_API_TOKEN'), help='API token (default: $ORACLE_API_TOKEN)'
        )


def run(args: argparse.Namespace) -> int:
    """Run one ``alerts`` action; returns the exit status."""
    if args.action == 'test' and '://' in args.target:
        return _test_url(args.target)
    try:
        return asyncio.run(_remote(args))
    except (ApiError, httpx.HTTPError, OSError, ValueError) as error:
        print(f'oracle-trader alerts: {error}', file=sys.stderr)
        return 1


async def _remote(args: argparse.Namespace) -> int:
    async with OracleClient(args.url, args.token) as client:
        if args.action == 'list':
            for alert in await client.alerts():
                print(_line(alert))
            return 0
        if args.action == 'add':
            alert = await client.create_alert(_body(args))
            print(_line(alert))
            return 0
        if args.action == 'remove':
            await client.delete_alert(args.id)
            print(f'alert {args.id} removed')
            return 0
        if args.target.isdigit():
            results = await client.test_alert(int(args.target))
        else:
            named = [c for c in await client.alert_channels() if c['name'] == args.target]
            if not named:
                raise ValueError(f'no alert or channel {args.target!r}')
            results = [await client.test_alert_channel(named[0]['id'])]
        for result in results:
            print(f'{result["channel"]}: ' + ('sent' if result['ok'] else f'failed: {result["error"]}'))
        return 0 if results and all(r['ok'] for r in results) else 1


def _body(args: argparse.Namespace) -> dict[str, Any]:
    if args.price:
        symbol, op, value = args.price
        rule: dict[str, Any] = {'kind': 'price', 'symbol': symbol, 'op': op, 'value': float(value)}
    else:
        rule = json.loads(args.rule)
    return {
        'name': args.name,
        'rule': rule,
        'channels': args.channel,
        'severity': args.severity,
        'cooldown_s': args.cooldown,
    }


def _line(alert: dict[str, Any]) -> str:
    rule = messages.describe(RULE.validate_python(alert['rule']))
    to = ', '.join(c['masked'] for c in alert['channels']) or 'in-app only'
    return f'#{alert["id"]:<4} {alert["state"]:<12} {alert["severity"]:<8} {alert["name"]}: {rule} -> {to}'


def _test_url(url: str) -> int:
    try:
        checked = channels.check(url)
    except channels.ChannelError as error:
        print(f'oracle-trader alerts: {error}', file=sys.stderr)
        return 2
    title, body = messages.test_message(checked.masked)
    ok, problem = channels.send(url, title, body, 'info')
    print(f'{checked.service} {checked.masked}: ' + ('sent' if ok else f'failed: {problem}'))
    return 0 if ok else 1
