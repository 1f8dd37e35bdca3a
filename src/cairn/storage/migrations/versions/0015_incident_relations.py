"""Incident relations: similar incidents people confirmed as related, or dismissed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 15:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_relations_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_id'], ['incidents.id'], name=op.f('fk_incident_relations_other_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_relations')),
    sa.UniqueConstraint('incident_id', 'other_id', name='uq_incident_relations_pair')
    )
    with op.batch_alter_table('incident_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_relations_other_id'), ['other_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('incident_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_relations_other_id'))
    op.drop_table('incident_relations')
