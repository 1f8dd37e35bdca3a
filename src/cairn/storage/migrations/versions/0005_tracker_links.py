"""Action items linked to tracker issues (Jira, GitHub): key, last sync and its error.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 17:00:39.720779
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracker', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('external_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sync_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_column('synced_at')
        batch_op.drop_column('sync_error')
        batch_op.drop_column('external_key')
        batch_op.drop_column('tracker')

