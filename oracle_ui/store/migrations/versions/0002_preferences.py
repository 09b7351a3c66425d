"""Per-user preferences.

A user's settings, such as a chart's indicators: ``(owner, key) -> value``, the value a JSON document.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'preferences',
        sa.Column('owner', sa.Text(), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('updated_time', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('owner', 'key'),
    )


def downgrade() -> None:
    op.drop_table('preferences')
