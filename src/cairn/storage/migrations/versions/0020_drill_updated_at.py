"""Drills keep when they were last written, so every write (a reveal, a log line, an edit
of the script) goes through the version compare-and-swap on the drill's row.

Drills from before this take their creation time.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 23:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('drills', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    drills = sa.table('drills', sa.column('updated_at', sa.DateTime), sa.column('created_at', sa.DateTime))
    op.execute(drills.update().values(updated_at=drills.c.created_at))
    with op.batch_alter_table('drills') as batch:
        batch.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('drills') as batch:
        batch.drop_column('updated_at')
