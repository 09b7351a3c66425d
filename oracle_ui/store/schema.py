"""The database's tables, all under one ``metadata``: what the code reads and writes, and what the newest migration
(``migrations/versions``) creates. A change here needs a migration; ``tests/test_migrations.py`` checks they agree.
Every integer is :data:`~.dialect.ID`, 64 bits in each database."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, LargeBinary, MetaData, String, Table, Text

from .dialect import ID

metadata = MetaData()

meta_table = Table('meta', metadata, Column('key', String, primary_key=True), Column('value', Text, nullable=False))
account_table = Table(
    'account',
    metadata,
    Column('id', ID, primary_key=True),
    Column('balance', Float, nullable=False),
    Column('starting_balance', Float, nullable=False),
    Column('updated_time', Float, nullable=False),
)
orders_table = Table(
    'orders',
    metadata,
    Column('id', ID, primary_key=True),
    Column('symbol', String, nullable=False),
    Column('side', String, nullable=False),
    Column('leverage', Float, nullable=False),
    Column('quantity', Float),
    Column('margin', Float),
    Column('all_in', Boolean, nullable=False),
    Column('stop_loss', Float),
    Column('take_profit', Float),
    Column('strategy', String, nullable=False),
    Column('reason', Text, nullable=False),
    Column('status', String, nullable=False),
    Column('status_reason', Text, nullable=False),
    Column('created_time', Float, nullable=False),
)
fills_table = Table(
    'fills',
    metadata,
    Column('id', ID, primary_key=True, autoincrement=True),
    Column('order_id', ID, nullable=False),
    Column('position_id', ID, nullable=False, index=True),
    Column('symbol', String, nullable=False),
    Column('side', String, nullable=False),
    Column('is_entry', Boolean, nullable=False),
    Column('quantity', Float, nullable=False),
    Column('price', Float, nullable=False),
    Column('fee', Float, nullable=False),
    Column('time', Float, nullable=False),
)
trades_table = Table(
    'trades',
    metadata,
    Column('id', ID, primary_key=True),
    Column('symbol', String, nullable=False, index=True),
    Column('side', String, nullable=False),
    Column('quantity', Float, nullable=False),
    Column('leverage', Float, nullable=False),
    Column('margin', Float, nullable=False),
    Column('entry_price', Float, nullable=False),
    Column('entry_time', Float, nullable=False, index=True),
    Column('exit_price', Float),
    Column('exit_time', Float),
    Column('entry_fee', Float, nullable=False),
    Column('exit_fee', Float, nullable=False),
    Column('pnl', Float, nullable=False),
    Column('status', String, nullable=False, index=True),
    Column('exit_reason', Text, nullable=False),
    Column('stop_loss', Float),
    Column('take_profit', Float),
    Column('initial_stop_loss', Float),
    Column('initial_take_profit', Float),
    Column('liquidation_price', Float, nullable=False),
    Column('strategy', String, nullable=False),
    Column('regime', String, nullable=False),
)
equity_table = Table(
    'equity',
    metadata,
    Column('time', Float, primary_key=True),
    Column('balance', Float, nullable=False),
    Column('equity', Float, nullable=False),
    Column('unrealized_pnl', Float, nullable=False),
)
candles_table = Table(
    'candles',
    metadata,
    Column('symbol', String, primary_key=True),
    Column('timeframe', String, primary_key=True),
    Column('time', ID, primary_key=True),
    Column('open', Float, nullable=False),
    Column('high', Float, nullable=False),
    Column('low', Float, nullable=False),
    Column('close', Float, nullable=False),
    Column('volume', Float, nullable=False),
)
events_table = Table(
    'events',
    metadata,
    Column('id', ID, primary_key=True),
    Column('type', String, nullable=False, index=True),
    Column('topic', String, nullable=False, index=True),
    Column('timestamp', Float, nullable=False, index=True),
    Column('source', String, nullable=False),
    Column('client_id', String),
    Column('data', Text, nullable=False),
)
users_table = Table(
    'users',
    metadata,
    Column('name', String, primary_key=True),
    Column('password_hash', String, nullable=False),
    Column('role', String, nullable=False),
    Column('created_time', Float, nullable=False),
)
tokens_table = Table(
    'api_tokens',
    metadata,
    Column('name', String, primary_key=True),
    Column('token_hash', String, nullable=False, unique=True),
    Column('role', String, nullable=False),
    Column('created_time', Float, nullable=False),
)
preferences_table = Table(
    'preferences',
    metadata,
    Column('owner', Text, primary_key=True),
    Column('key', Text, primary_key=True),
    Column('value', Text, nullable=False),
    Column('updated_time', Float, nullable=False),
)
"""Per-user settings (e.g. a chart's indicators): ``value`` is a JSON document."""
backtest_runs_table = Table(
    'backtest_runs',
    metadata,
    Column('id', ID, primary_key=True),
    Column('created_time', Float, nullable=False),
    Column('owner', Text, nullable=False),
    Column('name', Text, nullable=False),
    Column('strategy', Text, nullable=False),
    Column('params', Text, nullable=False),
    Column('config', Text, nullable=False),
    Column('data_name', Text, nullable=False),
    Column('data_sha256', Text, nullable=False),
    Column('bars', ID, nullable=False),
    Column('first_time', Float, nullable=False),
    Column('last_time', Float, nullable=False),
    Column('stats', Text, nullable=False),
    Column('trades', Text, nullable=False),
    Column('equity', LargeBinary, nullable=False),
)
"""Saved backtests: ``params``, ``config``, ``stats`` and ``trades`` are JSON; ``equity`` is the per-bar curve as
zlib-compressed little-endian float64 pairs (time, equity)."""
alert_channels_table = Table(
    'alert_channels',
    metadata,
    Column('id', ID, primary_key=True),
    Column('name', Text, nullable=False, unique=True),
    Column('secret', Text, nullable=False),
    Column('masked', Text, nullable=False),
    Column('service', Text, nullable=False),
    Column('owner', Text, nullable=False),
    Column('rate_limit', ID, nullable=False),
    Column('rate_period_s', Float, nullable=False),
    Column('created_time', Float, nullable=False),
    Column('updated_time', Float, nullable=False),
    Column('sent', ID, nullable=False),
    Column('failed', ID, nullable=False),
    Column('last_status', Text, nullable=False),
    Column('last_error', Text, nullable=False),
    Column('last_time', Float),
)
"""Notification channels: ``secret`` is the Apprise URL as given, encrypted with the data directory's key;
``masked`` is what anyone may see (scheme and host, secrets replaced)."""
alert_rules_table = Table(
    'alert_rules',
    metadata,
    Column('id', ID, primary_key=True),
    Column('name', Text, nullable=False),
    Column('owner', Text, nullable=False),
    Column('enabled', Boolean, nullable=False),
    Column('severity', Text, nullable=False),
    Column('rule', Text, nullable=False),
    Column('channels', Text, nullable=False),
    Column('cooldown_s', Float, nullable=False),
    Column('snoozed_until', Float),
    Column('created_time', Float, nullable=False),
    Column('updated_time', Float, nullable=False),
)
"""Alert rules: ``rule`` is the condition as JSON (its ``kind`` says which), ``channels`` a JSON list of channel
ids."""
alert_triggers_table = Table(
    'alert_triggers',
    metadata,
    Column('id', ID, primary_key=True),
    Column('alert_id', ID, nullable=False, index=True),
    Column('name', Text, nullable=False),
    Column('kind', Text, nullable=False),
    Column('severity', Text, nullable=False),
    Column('owner', Text, nullable=False),
    Column('symbol', Text),
    Column('time', Float, nullable=False, index=True),
    Column('value', Text, nullable=False),
    Column('message', Text, nullable=False),
    Column('channels', Text, nullable=False),
    Column('acknowledged_by', Text),
    Column('acknowledged_time', Float),
    Column('rule', Text),
    Column('detail', Text),
)
"""Every time an alert fired (``id`` is its ``alert_triggered`` event's): the value, the message (English), each
channel's result (JSON) and who acknowledged it; ``rule`` (the rule as it fired) and ``detail`` (what the message
names besides the value), JSON, to write the message in another language (NULL in triggers stored before 0005)."""
