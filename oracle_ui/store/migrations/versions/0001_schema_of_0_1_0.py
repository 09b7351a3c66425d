"""The schema of version 0.1.0.

Version 0.1.0 (commit afecc26) created its tables itself (``create_all``). This revision is written by hand
from that version's table definitions (``oracle_ui/store.py`` and ``oracle_ui/accounts.py``), so it creates
exactly what 0.1.0 did; a 0.1.0 database (its tables, no ``alembic_version``) is stamped with it.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

INTEGER = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')
"""64 bits in both databases (SQLite's INTEGER is; PostgreSQL's is 32, so there it is a BIGINT)."""

INDEXES = {
    'fills': ['position_id'],
    'trades': ['symbol', 'entry_time', 'status'],
    'events': ['type', 'topic', 'timestamp'],
}


def upgrade() -> None:
    op.create_table(
        'meta',
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'account',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('balance', sa.Float(), nullable=False),
        sa.Column('starting_balance', sa.Float(), nullable=False),
        sa.Column('updated_time', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'orders',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('symbol', sa.String(), nullable=False),
        sa.Column('side', sa.String(), nullable=False),
        sa.Column('leverage', sa.Float(), nullable=False),
        sa.Column('quantity', sa.Float(), nullable=True),
        sa.Column('margin', sa.Float(), nullable=True),
        sa.Column('all_in', sa.Boolean(), nullable=False),
        sa.Column('stop_loss', sa.Float(), nullable=True),
        sa.Column('take_profit', sa.Float(), nullable=True),
        sa.Column('strategy', sa.String(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('status_reason', sa.Text(), nullable=False),
        sa.Column('created_time', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'fills',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('order_id', INTEGER, nullable=False),
        sa.Column('position_id', INTEGER, nullable=False),
        sa.Column('symbol', sa.String(), nullable=False),
        sa.Column('side', sa.String(), nullable=False),
        sa.Column('is_entry', sa.Boolean(), nullable=False),
        sa.Column('quantity', sa.Float(), nullable=False),
        sa.Column('price', sa.Float(), nullable=False),
        sa.Column('fee', sa.Float(), nullable=False),
        sa.Column('time', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'trades',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('symbol', sa.String(), nullable=False),
        sa.Column('side', sa.String(), nullable=False),
        sa.Column('quantity', sa.Float(), nullable=False),
        sa.Column('leverage', sa.Float(), nullable=False),
        sa.Column('margin', sa.Float(), nullable=False),
        sa.Column('entry_price', sa.Float(), nullable=False),
        sa.Column('entry_time', sa.Float(), nullable=False),
        sa.Column('exit_price', sa.Float(), nullable=True),
        sa.Column('exit_time', sa.Float(), nullable=True),
        sa.Column('entry_fee', sa.Float(), nullable=False),
        sa.Column('exit_fee', sa.Float(), nullable=False),
        sa.Column('pnl', sa.Float(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('exit_reason', sa.Text(), nullable=False),
        sa.Column('stop_loss', sa.Float(), nullable=True),
        sa.Column('take_profit', sa.Float(), nullable=True),
        sa.Column('initial_stop_loss', sa.Float(), nullable=True),
        sa.Column('initial_take_profit', sa.Float(), nullable=True),
        sa.Column('liquidation_price', sa.Float(), nullable=False),
        sa.Column('strategy', sa.String(), nullable=False),
        sa.Column('regime', sa.String(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'equity',
        sa.Column('time', sa.Float(), nullable=False),
        sa.Column('balance', sa.Float(), nullable=False),
        sa.Column('equity', sa.Float(), nullable=False),
        sa.Column('unrealized_pnl', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('time'),
    )
    op.create_table(
        'candles',
        sa.Column('symbol', sa.String(), nullable=False),
        sa.Column('timeframe', sa.String(), nullable=False),
        sa.Column('time', INTEGER, nullable=False),
        sa.Column('open', sa.Float(), nullable=False),
        sa.Column('high', sa.Float(), nullable=False),
        sa.Column('low', sa.Float(), nullable=False),
        sa.Column('close', sa.Float(), nullable=False),
        sa.Column('volume', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('symbol', 'timeframe', 'time'),
    )
    op.create_table(
        'events',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('type', sa.String(), nullable=False),
        sa.Column('topic', sa.String(), nullable=False),
        sa.Column('timestamp', sa.Float(), nullable=False),
        sa.Column('source', sa.String(), nullable=False),
        sa.Column('client_id', sa.String(), nullable=True),
        sa.Column('data', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'users',
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('password_hash', sa.String(), nullable=False),
        sa.Column('role', sa.String(), nullable=False),
        sa.Column('created_time', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    op.create_table(
        'api_tokens',
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('token_hash', sa.String(), nullable=False),
        sa.Column('role', sa.String(), nullable=False),
        sa.Column('created_time', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
        sa.UniqueConstraint('token_hash'),
    )
    for table, columns in INDEXES.items():
        for column in columns:
            op.create_index(f'ix_{table}_{column}', table, [column])


def downgrade() -> None:
    for table in ('api_tokens', 'users', 'events', 'candles', 'equity', 'trades', 'fills', 'orders', 'account', 'meta'):
        op.drop_table(table)  # drops its indexes with it
