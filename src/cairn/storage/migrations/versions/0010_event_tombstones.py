"""Deleted timeline events, kept as tombstones that admins can restore.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_tombstones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('source_ref', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_event_tombstones_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_tombstones'))
    )
    with op.batch_alter_table('event_tombstones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_tombstones_incident_id'), ['incident_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('event_tombstones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_tombstones_incident_id'))
    op.drop_table('event_tombstones')
