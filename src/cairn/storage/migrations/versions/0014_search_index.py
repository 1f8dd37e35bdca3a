"""The knowledge-base search index: one entry per searchable text of an incident.

SQLite: an FTS5 table over the entries (porter stemming, unicode61 with
diacritics removed), kept in step by triggers. PostgreSQL: a generated
tsvector column with a GIN index. Timeline events are copied into the index
by triggers on their own table, so bulk imports that write with plain SQL
are indexed in the same transaction too. Existing data is indexed here.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 13:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        body, content='search_entries', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER timeline_events_search_ai AFTER INSERT ON timeline_events BEGIN
        INSERT INTO search_entries(incident_id, place, label, body)
        VALUES (new.incident_id, 'event:' || new.id, 'timeline', new.text);
    END""",
    """CREATE TRIGGER timeline_events_search_au AFTER UPDATE OF text ON timeline_events BEGIN
        UPDATE search_entries SET body = new.text WHERE place = 'event:' || new.id;
    END""",
    """CREATE TRIGGER timeline_events_search_ad AFTER DELETE ON timeline_events BEGIN
        DELETE FROM search_entries WHERE place = 'event:' || old.id;
    END""",
]

POSTGRES = [
    """ALTER TABLE search_entries ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english', body)) STORED""",
    "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (tsv)",
    """CREATE FUNCTION cairn_index_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO search_entries(incident_id, place, label, body)
            VALUES (NEW.incident_id, 'event:' || NEW.id, 'timeline', NEW.text);
        ELSIF TG_OP = 'UPDATE' THEN
            UPDATE search_entries SET body = NEW.text WHERE place = 'event:' || NEW.id;
        ELSE
            DELETE FROM search_entries WHERE place = 'event:' || OLD.id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER timeline_events_search AFTER INSERT OR DELETE OR UPDATE OF text ON timeline_events
        FOR EACH ROW EXECUTE FUNCTION cairn_index_event()""",
]


def upgrade() -> None:
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_search_entries_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entries_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_place'), ['place'], unique=False)
    bind = op.get_bind()
    for statement in (SQLITE if bind.dialect.name == 'sqlite' else POSTGRES):
        op.execute(statement)
    from cairn.storage.search_index import rebuild_all

    rebuild_all(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for name in ('timeline_events_search_ai', 'timeline_events_search_au', 'timeline_events_search_ad',
                     'search_entries_ai', 'search_entries_ad', 'search_entries_au'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE IF EXISTS search_fts')
    else:
        op.execute('DROP TRIGGER IF EXISTS timeline_events_search ON timeline_events')
        op.execute('DROP FUNCTION IF EXISTS cairn_index_event()')
    op.drop_table('search_entries')
