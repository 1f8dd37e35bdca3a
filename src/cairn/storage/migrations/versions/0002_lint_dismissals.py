"""Lint dismissals: blameless-language findings judged fine, with a reason.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:09:21.684460
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lint_dismissals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_lint_dismissals_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lint_dismissals')),
    sa.UniqueConstraint('incident_id', 'finding_id', name='uq_lint_dismissals_finding')
    )
    with op.batch_alter_table('lint_dismissals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lint_dismissals_incident_id'), ['incident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lint_dismissals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lint_dismissals_incident_id'))

    op.drop_table('lint_dismissals')
