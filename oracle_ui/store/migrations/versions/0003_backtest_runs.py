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


def upgrade() -> None:
    op.create_table(
        'backtest_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_time', sa.Float(), nullable=False),
        sa.Column('owner', sa.Text(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('strategy', sa.Text(), nullable=False),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('config', sa.Text(), nullable=False),
        sa.Column('data_name', sa.Text(), nullable=False),
        sa.Column('data_sha256', sa.Text(), nullable=False),
        sa.Column('bars', sa.Integer(), nullable=False),
        sa.Column('first_time', sa.Float(), nullable=False),
        sa.Column('last_time', sa.Float(), nullable=False),
        sa.Column('stats', sa.Text(), nullable=False),
        sa.Column('trades', sa.Text(), nullable=False),
        sa.Column('equity', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('backtest_runs')
