"""Saved backtest runs.

A run's parameters, its data file's name and SHA-256, its stats, trades and per-bar equity, for /backtest's list
and comparisons and for reports.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

INTEGER = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')
"""64 bits in both databases (SQLite's INTEGER is; PostgreSQL's is 32, so there it is a BIGINT)."""


def upgrade() -> None:
    op.create_table(
        'backtest_runs',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('created_time', sa.Float(), nullable=False),
        sa.Column('owner', sa.Text(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('strategy', sa.Text(), nullable=False),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('config', sa.Text(), nullable=False),
        sa.Column('data_name', sa.Text(), nullable=False),
        sa.Column('data_sha256', sa.Text(), nullable=False),
        sa.Column('bars', INTEGER, nullable=False),
        sa.Column('first_time', sa.Float(), nullable=False),
        sa.Column('last_time', sa.Float(), nullable=False),
        sa.Column('stats', sa.Text(), nullable=False),
        sa.Column('trades', sa.Text(), nullable=False),
        sa.Column('equity', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('backtest_runs')
