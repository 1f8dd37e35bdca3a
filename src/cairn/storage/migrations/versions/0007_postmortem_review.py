"""Postmortem review: named reviewers with decisions, section comments, publishing record.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postmortem_reviewers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortems.id'], name=op.f('fk_postmortem_reviewers_postmortem_id_postmortems'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_postmortem_reviewers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postmortem_reviewers')),
    sa.UniqueConstraint('postmortem_id', 'user_id', name='uq_postmortem_reviewers_user')
    )
    with op.batch_alter_table('postmortem_reviewers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postmortem_reviewers_postmortem_id'), ['postmortem_id'], unique=False)

    op.create_table('review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('postmortem_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=100), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['postmortem_id'], ['postmortems.id'], name=op.f('fk_review_comments_postmortem_id_postmortems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments'))
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_postmortem_id'), ['postmortem_id'], unique=False)

    with op.batch_alter_table('postmortems', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('publish_override', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('postmortems', schema=None) as batch_op:
        batch_op.drop_column('publish_override')
        batch_op.drop_column('published_by')
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comments_postmortem_id'))
    op.drop_table('review_comments')
    with op.batch_alter_table('postmortem_reviewers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postmortem_reviewers_postmortem_id'))
    op.drop_table('postmortem_reviewers')
