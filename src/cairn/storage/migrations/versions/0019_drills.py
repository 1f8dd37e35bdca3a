"""Drills: scenarios drafted from incidents, their reveals, and runs with roles and a log.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 19:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('drill_scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('situation_kind', sa.String(length=30), nullable=False),
    sa.Column('situation_time', sa.String(length=40), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.Column('hidden_facts', sa.JSON(), nullable=False),
    sa.Column('real_actions', sa.JSON(), nullable=False),
    sa.Column('diagnosed_line', sa.Text(), nullable=False),
    sa.Column('mitigated_line', sa.Text(), nullable=False),
    sa.Column('real_diagnose_seconds', sa.Integer(), nullable=True),
    sa.Column('real_mitigate_seconds', sa.Integer(), nullable=True),
    sa.Column('redacted', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_drill_scenarios_incident_id_incidents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_scenarios'))
    )
    op.create_index(op.f('ix_drill_scenarios_incident_id'), 'drill_scenarios', ['incident_id'], unique=False)
    op.create_table('drill_reveals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('offset_seconds', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('prompt', sa.String(length=300), nullable=True),
    sa.Column('hint', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['drill_scenarios.id'], name=op.f('fk_drill_reveals_scenario_id_drill_scenarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_reveals')),
    sa.UniqueConstraint('scenario_id', 'position', name='uq_drill_reveals_position')
    )
    op.create_index(op.f('ix_drill_reveals_scenario_id'), 'drill_reveals', ['scenario_id'], unique=False)
    op.create_table('drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('diagnosed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mitigated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['drill_scenarios.id'], name=op.f('fk_drills_scenario_id_drill_scenarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drills'))
    )
    op.create_index(op.f('ix_drills_scenario_id'), 'drills', ['scenario_id'], unique=False)
    op.create_table('drill_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_members_drill_id_drills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drill_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_members')),
    sa.UniqueConstraint('drill_id', 'user_id', name='uq_drill_members_user')
    )
    op.create_index(op.f('ix_drill_members_drill_id'), 'drill_members', ['drill_id'], unique=False)
    op.create_index(op.f('ix_drill_members_user_id'), 'drill_members', ['user_id'], unique=False)
    op.create_table('drill_revealed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('reveal_id', sa.Integer(), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('asked_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_revealed_drill_id_drills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reveal_id'], ['drill_reveals.id'], name=op.f('fk_drill_revealed_reveal_id_drill_reveals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_revealed')),
    sa.UniqueConstraint('drill_id', 'reveal_id', name='uq_drill_revealed_reveal')
    )
    op.create_index(op.f('ix_drill_revealed_drill_id'), 'drill_revealed', ['drill_id'], unique=False)
    op.create_table('drill_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_log_drill_id_drills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_log'))
    )
    op.create_index(op.f('ix_drill_log_drill_id'), 'drill_log', ['drill_id'], unique=False)
    op.create_table('drill_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_drill_findings_action_item_id_action_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_findings_drill_id_drills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_findings')),
    sa.UniqueConstraint('action_item_id', name=op.f('uq_drill_findings_action_item_id'))
    )
    op.create_index(op.f('ix_drill_findings_drill_id'), 'drill_findings', ['drill_id'], unique=False)


def downgrade() -> None:
    for table in ('drill_findings', 'drill_log', 'drill_revealed', 'drill_members', 'drills', 'drill_reveals', 'drill_scenarios'):
        op.drop_table(table)
