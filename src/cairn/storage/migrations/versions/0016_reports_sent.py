"""Reports sent: each period's report delivered once per address.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reports_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports_sent')),
    sa.UniqueConstraint('period', 'recipient', name='uq_reports_sent_recipient')
    )


def downgrade() -> None:
    op.drop_table('reports_sent')
