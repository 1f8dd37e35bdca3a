"""Import origins: the file or catalogue entry each imported past incident came from.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 23:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_origins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('identity', sa.String(length=1000), nullable=False),
    sa.Column('source', sa.String(length=1000), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('importer_version', sa.String(length=40), nullable=False),
    sa.Column('incident_version', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_import_origins_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_origins')),
    sa.UniqueConstraint('identity', name=op.f('uq_import_origins_identity')),
    sa.UniqueConstraint('incident_id', name=op.f('uq_import_origins_incident_id'))
    )
    op.create_index(op.f('ix_import_origins_content_hash'), 'import_origins', ['content_hash'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_import_origins_content_hash'), table_name='import_origins')
    op.drop_table('import_origins')
