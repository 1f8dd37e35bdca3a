from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from cairn.config import Settings
from cairn.errors import StorageUnavailable
from cairn.services.context import open_context
from cairn.storage.db import Database, redact_url
from tests.conftest import PG_URL


def test_the_test_run_uses_the_database_it_was_asked_for(ctx):
    # scripts/with-postgres.sh sets CAIRN_EXPECT_DIALECT, so a PostgreSQL run cannot quietly use SQLite.
    expected = os.environ.get("CAIRN_EXPECT_DIALECT") or ("postgresql" if PG_URL else "sqlite")
    assert ctx.db.dialect == expected


def test_the_database_runs_with_the_settings_cairn_relies_on(ctx):
    with ctx.db.engine.connect() as connection:
        if ctx.db.dialect == "sqlite":
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == ctx.settings.sqlite_busy_timeout_ms == 30_000
        else:
            assert connection.execute(text("SHOW server_encoding")).scalar() == "UTF8"
            assert int(connection.execute(text("SHOW server_version_num")).scalar()) >= 120000


def test_times_come_back_aware_in_utc(ctx):
    from cairn.services.incidents import open_incident, show_incident

    open_incident(ctx, "x", severity="SEV3", started="2026-07-01T12:00:00+02:00")
    started = show_incident(ctx, "INC-1").moments.started
    assert started.utcoffset().total_seconds() == 0 and started.hour == 10


def test_the_default_database_is_a_sqlite_file_in_the_data_directory(tmp_path):
    settings = Settings(data_dir=tmp_path / "cairn-data")
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'cairn-data' / 'cairn.db'}"
    context = open_context(settings)
    assert (tmp_path / "cairn-data" / "cairn.db").exists()
    context.db.dispose()


def test_an_unreachable_database_is_reported_in_one_line_without_the_password():
    settings = Settings(database_url="postgresql+psycopg://cairn:hunter2@127.0.0.1:9/cairn")
    with pytest.raises(StorageUnavailable) as error:
        open_context(settings)
    message = str(error.value)
    assert message.startswith("cannot reach database postgresql+psycopg://cairn:***@127.0.0.1:9/cairn")
    assert "hunter2" not in message and "\n" not in message


def test_an_unusable_data_directory_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageUnavailable, match="cannot create the data directory"):
        Database(f"sqlite:///{blocker / 'sub' / 'cairn.db'}")


def test_passwords_are_redacted_from_urls():
    assert redact_url("postgresql://u:p%40ss@h/db") == "postgresql://u:***@h/db"
    assert redact_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
