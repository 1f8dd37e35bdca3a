"""Timeline events indexed by (incident, time) instead of incident alone.

Every timeline read is in time order (the incident page, the live feed's
`after=`, quiet gaps after an import); the old single-column index only
duplicated the unique constraint's leading column.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:30:00
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timeline_events') as batch:
        batch.create_index('ix_timeline_events_incident_id_at', ['incident_id', 'at'], unique=False)
        batch.drop_index('ix_timeline_events_incident_id')


def downgrade() -> None:
    with op.batch_alter_table('timeline_events') as batch:
        batch.create_index('ix_timeline_events_incident_id', ['incident_id'], unique=False)
        batch.drop_index('ix_timeline_events_incident_id_at')
