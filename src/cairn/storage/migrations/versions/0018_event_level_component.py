"""Timeline events keep a log line's level and component as data, not only as text.

Events imported before this kept the level only as a "[LEVEL] " prefix of
their text; those prefixes are read back into the new column.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 03:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# The prefixes the log importer wrote, and the level each stands for.
_PREFIXES = {
    "TRACE": "trace", "DEBUG": "debug", "DBG": "debug", "INFO": "info", "INFORMATION": "info", "NOTICE": "notice",
    "WARN": "warning", "WARNING": "warning", "ERROR": "error", "ERR": "error", "SEVERE": "error",
    "CRIT": "critical", "CRITICAL": "critical", "FATAL": "critical", "ALERT": "alert",
    "EMERG": "emergency", "EMERGENCY": "emergency", "PANIC": "emergency",
}


def upgrade() -> None:
    # Plain ADD COLUMN: no copy of what may be millions of rows.
    op.add_column('timeline_events', sa.Column('level', sa.String(length=12), nullable=True))
    op.add_column('timeline_events', sa.Column('component', sa.String(length=200), nullable=True))
    events = sa.table('timeline_events', sa.column('level', sa.String), sa.column('text', sa.Text), sa.column('source', sa.String))
    for prefix, level in _PREFIXES.items():
        op.execute(
            events.update()
            .where(events.c.source == 'log', events.c.level.is_(None), events.c.text.like(f'[{prefix}] %'))
            .values(level=level)
        )


def downgrade() -> None:
    with op.batch_alter_table('timeline_events') as batch:
        batch.drop_column('component')
        batch.drop_column('level')
