"""``oracle-trader events``: a running server's events, history first, then (``--follow``) as they happen; one
readable line per event (``--json``: the raw envelopes, one JSON document per line)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from typing import Any

import httpx

from ..client import ApiError, OracleClient, StreamLost
from ..event_rows import market_time
from ..events import Event, EventType, Topic
from ..formatting import local_time
from ..summaries import summarize

HIGH_RATE = frozenset(
    {
        EventType.PRICE_UPDATE,
        EventType.TICKER_UPDATE,
        EventType.ORDERBOOK_UPDATE,
        EventType.MARKET_DATA,
        EventType.CANDLE_CLOSED,
        EventType.ANALYSIS_COMPLETE,
        EventType.SYSTEM_METRICS,
    }
)
"""Several a second (ticks, books, tickers, candles, metrics, analysis): left out unless ``--all``."""
CLOCKS_DIFFER_S = 2.0
"""A market time further than this from the wall-clock time is printed beside it (simulated or replayed time)."""


def add_arguments(events: argparse.ArgumentParser) -> None:
    events.add_argument('--url', default='http://127.0.0.1:8080', help='the server (default http://127.0.0.1:8080)')
    events.add_argument(
        '--token', default=os.environ.get('ORACLE_API_TOKEN'), help='API token (default: $ORACLE_API_TOKEN)'
    )
    events.add_argument('--topic', action='append', default=[], help='topic to show, repeatable (default: all)')
    events.add_argument('--follow', action='store_true', help='keep printing new events as they happen')
    events.add_argument('--limit', type=int, default=50, help='history events to print first (default 50)')
    events.add_argument('--json', action='store_true', help='print the raw event envelopes, one JSON per line')
    events.add_argument(
        '--all', action='store_true', help='include the high-rate market data and metrics (ticks, order books, ...)'
    )


async def run(args: argparse.Namespace) -> int:
    topics = args.topic or [t.value for t in Topic]
    show = (lambda event: json.dumps(event)) if args.json else format_event

    def emit(event: dict[str, Any]) -> None:
        if args.all or event['type'] not in HIGH_RATE:
            print(show(event), flush=True)

    async with OracleClient(args.url, args.token) as client:
        try:
            history, last = [], 0
            for topic in topics:
                page = await client.history(topic=topic, limit=max(args.limit, 1), latest=True)
                history += page['events']
                last = max(last, page['last_event_id'])
            for event in sorted(history, key=lambda e: e['id'])[-args.limit :] if args.limit > 0 else []:
                emit(event)
            if args.follow:
                async for event in client.events(topics=topics, since_id=last):
                    emit(event)
        except (ApiError, StreamLost, httpx.HTTPError, OSError) as error:
            print(f'oracle-trader events: {error}', file=sys.stderr)
            return 1
    return 0


def format_event(envelope: dict[str, Any]) -> str:
    """One line in this machine's timezone: wall-clock time, id, topic, type and what happened; the market time
    too where it differs (a simulated or replayed market)."""
    timezone = datetime.now().astimezone().tzinfo
    assert timezone is not None
    when = local_time(envelope['timestamp'], timezone)
    test = ' [test]' if envelope.get('test') else ''
    head = f'{when} #{envelope["id"]:<6} {envelope["topic"]:<13} {envelope["type"]:<20}{test}'
    try:
        event = Event(
            id=envelope['id'],
            type=EventType(envelope['type']),
            timestamp=envelope['timestamp'],
            source=envelope.get('source', ''),
            data=envelope.get('data') or {},
            test=bool(envelope.get('test')),
        )
    except ValueError:  # a type this version does not know: its data as given
        return f'{head} {json.dumps(envelope.get("data"))}'
    market = market_time(event)
    clock = ''
    if market is not None and abs(market - event.timestamp) > CLOCKS_DIFFER_S:
        clock = f'  [market time {local_time(market, timezone)}]'
    return f'{head} {summarize(event)}{clock}'
