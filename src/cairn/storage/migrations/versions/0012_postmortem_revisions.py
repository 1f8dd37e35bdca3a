"""Postmortem revisions (the published texts) and the digest each approval is for.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postmortem_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=100), nullable=True),
    sa.Column('approved_by', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortems.id'], name=op.f('fk_postmortem_revisions_postmortem_id_postmortems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_revisions')),
    sa.UniqueConstraint('postmortem_id', 'number', name='uq_postmortem_revisions_number')
    )
    with op.batch_alter_table('postmortem_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortem_revisions_postmortem_id'), ['postmortem_id'], unique=False)
    with op.batch_alter_table('postmortem_reviewers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_digest', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('postmortem_reviewers', schema=None) as batch_op:
        batch_op.drop_column('approved_digest')
    with op.batch_alter_table('postmortem_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postmortem_revisions_postmortem_id'))
    op.drop_table('postmortem_revisions')
