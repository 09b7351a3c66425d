"""Alembic's environment for the bot's database, run by :func:`oracle_ui.store.migrate.migrate` (no alembic.ini):
it migrates on the connection that function passes in ``config.attributes``, inside that connection's transaction.
"""

from __future__ import annotations

from alembic import context

from oracle_ui.store.schema import metadata

config = context.config
context.configure(
    connection=config.attributes['connection'],
    target_metadata=metadata,
    transactional_ddl=True,  # migrate() runs it in one transaction (SQLite and PostgreSQL both roll DDL back)
    render_as_batch=True,  # SQLite alters most things only by copying the table: batch operations do that there
    on_version_apply=config.attributes.get('on_version_apply', ()),
)
with context.begin_transaction():  # joins the caller's transaction: every pending migration commits, or none
    context.run_migrations()
