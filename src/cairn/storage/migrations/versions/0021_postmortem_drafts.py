"""First drafts from the record: the drafts kept for audit, their suggestions per section,
and the admins' leave to send a restricted incident to a model.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 23:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postmortem_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('redacted', sa.Boolean(), nullable=False),
    sa.Column('request', sa.Text(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('verification', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_postmortem_drafts_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_drafts'))
    )
    op.create_index(op.f('ix_postmortem_drafts_incident_id'), 'postmortem_drafts', ['incident_id'], unique=False)
    op.create_table('draft_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('base', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['postmortem_drafts.id'], name=op.f('fk_draft_suggestions_draft_id_postmortem_drafts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_draft_suggestions_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_suggestions'))
    )
    op.create_index(op.f('ix_draft_suggestions_draft_id'), 'draft_suggestions', ['draft_id'], unique=False)
    op.create_index(op.f('ix_draft_suggestions_incident_id'), 'draft_suggestions', ['incident_id'], unique=False)
    op.create_table('model_consents',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('granted_by', sa.String(length=200), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_model_consents_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('incident_id', name=op.f('pk_model_consents'))
    )


def downgrade() -> None:
    op.drop_table('model_consents')
    op.drop_index(op.f('ix_draft_suggestions_incident_id'), table_name='draft_suggestions')
    op.drop_index(op.f('ix_draft_suggestions_draft_id'), table_name='draft_suggestions')
    op.drop_table('draft_suggestions')
    op.drop_index(op.f('ix_postmortem_drafts_incident_id'), table_name='postmortem_drafts')
    op.drop_table('postmortem_drafts')
