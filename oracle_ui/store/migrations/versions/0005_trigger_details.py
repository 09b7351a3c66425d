"""What a trigger's message is written from.

Each alert trigger keeps its rule as it fired and the details its message names besides the value (JSON), so
pages write the message again in their viewer's language; triggers stored before have neither (NULL) and show
their stored message.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('alert_triggers', sa.Column('rule', sa.Text(), nullable=True))
    op.add_column('alert_triggers', sa.Column('detail', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('alert_triggers') as batch:
        batch.drop_column('detail')
        batch.drop_column('rule')
