"""Alerts.

Alert rules, the notification channels they send to (Apprise URLs, encrypted) and the history of their triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

INTEGER = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')
"""64 bits in both databases (SQLite's INTEGER is; PostgreSQL's is 32, so there it is a BIGINT)."""


def upgrade() -> None:
    op.create_table(
        'alert_channels',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('secret', sa.Text(), nullable=False),
        sa.Column('masked', sa.Text(), nullable=False),
        sa.Column('service', sa.Text(), nullable=False),
        sa.Column('owner', sa.Text(), nullable=False),
        sa.Column('rate_limit', INTEGER, nullable=False),
        sa.Column('rate_period_s', sa.Float(), nullable=False),
        sa.Column('created_time', sa.Float(), nullable=False),
        sa.Column('updated_time', sa.Float(), nullable=False),
        sa.Column('sent', INTEGER, nullable=False),
        sa.Column('failed', INTEGER, nullable=False),
        sa.Column('last_status', sa.Text(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('last_time', sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'alert_rules',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('owner', sa.Text(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('severity', sa.Text(), nullable=False),
        sa.Column('rule', sa.Text(), nullable=False),
        sa.Column('channels', sa.Text(), nullable=False),
        sa.Column('cooldown_s', sa.Float(), nullable=False),
        sa.Column('snoozed_until', sa.Float(), nullable=True),
        sa.Column('created_time', sa.Float(), nullable=False),
        sa.Column('updated_time', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'alert_triggers',
        sa.Column('id', INTEGER, nullable=False),
        sa.Column('alert_id', INTEGER, nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('kind', sa.Text(), nullable=False),
        sa.Column('severity', sa.Text(), nullable=False),
        sa.Column('owner', sa.Text(), nullable=False),
        sa.Column('symbol', sa.Text(), nullable=True),
        sa.Column('time', sa.Float(), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('channels', sa.Text(), nullable=False),
        sa.Column('acknowledged_by', sa.Text(), nullable=True),
        sa.Column('acknowledged_time', sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_alert_triggers_alert_id', 'alert_triggers', ['alert_id'])
    op.create_index('ix_alert_triggers_time', 'alert_triggers', ['time'])


def downgrade() -> None:
    op.drop_index('ix_alert_triggers_time', 'alert_triggers')
    op.drop_index('ix_alert_triggers_alert_id', 'alert_triggers')
    op.drop_table('alert_triggers')
    op.drop_table('alert_rules')
    op.drop_table('alert_channels')
