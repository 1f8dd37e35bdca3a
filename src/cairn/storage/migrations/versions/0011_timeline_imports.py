"""Timeline imports recorded, and each imported event knows its import, so an import can be undone.

Events imported before this revision carry no import id: no recorded import
can remove them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timeline_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('filtered', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.String(length=100), nullable=True),
    sa.Column('removed', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_timeline_imports_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_imports'))
    )
    with op.batch_alter_table('timeline_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timeline_imports_incident_id'), ['incident_id'], unique=False)
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_timeline_events_import_id'), ['import_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_timeline_events_import_id_timeline_imports'), 'timeline_imports', ['import_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_timeline_events_import_id_timeline_imports'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_timeline_events_import_id'))
        batch_op.drop_column('import_id')
    with op.batch_alter_table('timeline_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timeline_imports_incident_id'))
    op.drop_table('timeline_imports')
