"""The schema comes only from migrations, and they agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from cairn.errors import StorageUnavailable
from cairn.storage.db import Database
from cairn.storage.migrate import current_revision, downgrade, ensure_ready, head_revision, upgrade
from cairn.storage.models import Base
from tests.conftest import PG_URL, reset_postgres_schema


@pytest.fixture
def empty_database(tmp_path):
    """An empty database: a new SQLite file, or a wiped PostgreSQL schema."""
    if PG_URL:
        reset_postgres_schema(PG_URL)
        db = Database(PG_URL)
    else:
        db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    yield db
    db.dispose()
    if PG_URL:  # leave the shared test database migrated for the next tests
        reset_postgres_schema(PG_URL)
        restored = Database(PG_URL)
        upgrade(restored)
        restored.dispose()


def test_an_empty_database_upgrades_to_head_and_matches_the_models(empty_database):
    upgrade(empty_database)
    assert current_revision(empty_database) == head_revision()
    with empty_database.engine.connect() as connection:
        from cairn.storage.search_index import outside_the_models

        opts = {"compare_type": True, "include_object": outside_the_models}
        differences = compare_metadata(MigrationContext.configure(connection, opts=opts), Base.metadata)
    assert differences == []


def test_migrations_go_down_to_nothing_and_up_again(empty_database):
    upgrade(empty_database)
    downgrade(empty_database, "base")
    assert set(empty_database.table_names()) <= {"alembic_version"}
    upgrade(empty_database)
    assert "incidents" in empty_database.table_names()


def test_an_empty_database_is_migrated_on_first_use(empty_database):
    ensure_ready(empty_database)
    assert current_revision(empty_database) == head_revision()


def test_a_database_from_a_newer_cairn_is_refused(empty_database):
    upgrade(empty_database)
    with empty_database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(StorageUnavailable, match="newer than this Cairn"):
        ensure_ready(empty_database)


def test_a_foreign_database_with_tables_is_not_touched(empty_database):
    with empty_database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StorageUnavailable, match="has tables but no Cairn schema"):
        ensure_ready(empty_database)


def test_levels_written_into_log_text_before_0018_are_read_back_into_the_level_column(ctx):
    from cairn.services.incidents import open_incident

    key = open_incident(ctx, "levels", severity="SEV3", started="2026-11-23T14:00Z").key
    with ctx.db.engine.begin() as connection:
        incident_id = connection.execute(text("SELECT id FROM incidents ORDER BY id DESC LIMIT 1")).scalar_one()
        for n, (body, source) in enumerate([("[ERROR] disk full", "log"), ("[WARN] slow", "log"), ("[ERROR] typed by hand", "manual"), ("plain", "log")]):
            connection.execute(
                text("INSERT INTO timeline_events (incident_id, at, kind, text, source, source_ref, created_at) "
                     "VALUES (:i, :at, 'note', :body, :source, :ref, :at)"),
                {"i": incident_id, "at": "2026-11-23 14:0%d:00.000000" % n, "body": body, "source": source, "ref": f"r{n}"},
            )
    downgrade(ctx.db, "0017")
    upgrade(ctx.db)
    with ctx.db.engine.connect() as connection:
        levels = dict(connection.execute(text("SELECT text, level FROM timeline_events WHERE incident_id = :i"), {"i": incident_id}).all())
    assert levels == {"[ERROR] disk full": "error", "[WARN] slow": "warning", "[ERROR] typed by hand": None, "plain": None}
    assert key
