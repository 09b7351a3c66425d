"""``oracle-trader events``: a running server's events, history first, then (``--follow``) as they happen."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

import httpx

from ..client import ApiError, OracleClient, StreamLost
from ..events import Topic


def add_arguments(events: argparse.ArgumentParser) -> None:
    events.add_argument('--url', default='http://127.0.0.1:8080', help='the server (default http://127.0.0.1:8080)')
    events.add_argument(
        '--token', default=os.environ.get('ORACLE_API_TOKEN'), help='API token (default: $ORACLE_API_TOKEN)'
    )
    events.add_argument('--topic', action='append', default=[], help='topic to show, repeatable (default: all)')
    events.add_argument('--follow', action='store_true', help='keep printing new events as they happen')
    events.add_argument('--limit', type=int, default=50, help='history events to print first (default 50)')


async def run(args: argparse.Namespace) -> int:
    topics = args.topic or [t.value for t in Topic]
    async with OracleClient(args.url, args.token) as client:
        try:
            history, last = [], 0
            for topic in topics:
                page = await client.history(topic=topic, limit=max(args.limit, 1), latest=True)
                history += page['events']
                last = max(last, page['last_event_id'])
            shown = sorted(history, key=lambda e: e['id'])[-args.limit :] if args.limit > 0 else []
            for event in shown:
                print(format_event(event), flush=True)
            if args.follow:
                async for event in client.events(topics=topics, since_id=last):
                    print(format_event(event), flush=True)
        except (ApiError, StreamLost, httpx.HTTPError, OSError) as error:
            print(f'oracle-trader events: {error}', file=sys.stderr)
            return 1
    return 0


def format_event(event: dict[str, Any]) -> str:
    """One line: time, id, topic, type and the data as JSON."""
    when = datetime.fromtimestamp(event['timestamp'], UTC).strftime('%H:%M:%S')
    test = ' [test]' if event.get('test') else ''
    return f'{when} #{event["id"]:<6} {event["topic"]:<13} {event["type"]:<20}{test} {json.dumps(event["data"])}'
