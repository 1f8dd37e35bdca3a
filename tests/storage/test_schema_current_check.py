"""The quick "schema is current" check agrees with Alembic, and only skips work.

`ensure_ready` first compares the database's version row with the head read
from the migration files, without importing Alembic; anything else (an empty,
foreign, older or newer database) still gets Alembic's close look.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from cairn.errors import StorageUnavailable
from cairn.storage.db import Database
from cairn.storage.migrate import (
    current_revision,
    downgrade,
    ensure_ready,
    head_from_files,
    head_revision,
    schema_is_current,
    upgrade,
)
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


def _previous_revision() -> str:
    from alembic.script import ScriptDirectory

    from cairn.storage.migrate import MIGRATIONS

    previous = ScriptDirectory(str(MIGRATIONS)).get_revision(head_revision()).down_revision
    assert isinstance(previous, str), "the head is expected to follow one revision"
    return previous


def test_the_head_read_from_the_migration_files_is_alembics_head():
    assert head_from_files() == head_revision()


def test_a_migrated_database_is_current_and_an_empty_one_is_not(empty_database):
    assert schema_is_current(empty_database) is False
    upgrade(empty_database)
    assert schema_is_current(empty_database) is True
    assert current_revision(empty_database) == head_revision()


def test_a_database_one_migration_behind_is_not_current(empty_database):
    upgrade(empty_database)
    downgrade(empty_database, _previous_revision())
    assert schema_is_current(empty_database) is False
    with pytest.raises(StorageUnavailable, match=f"behind {head_revision()}: run `cairn db upgrade`"):
        ensure_ready(empty_database)
    assert current_revision(empty_database) == _previous_revision()


def test_an_unexpected_version_row_is_left_to_alembic(empty_database):
    upgrade(empty_database)
    with empty_database.engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('ffff')"))
    assert schema_is_current(empty_database) is False  # two rows: not the simple case
    with empty_database.engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version WHERE version_num = :head"), {"head": head_revision()})
    assert schema_is_current(empty_database) is False
    with pytest.raises(StorageUnavailable, match="newer than this Cairn"):
        ensure_ready(empty_database)


def test_a_command_on_a_database_one_migration_behind_still_stops_at_the_same_message(cli, database_url):
    """As before the quick check: a normal command does not migrate an older schema
    by itself (only an empty database is migrated on first use); it says what to run."""
    db = Database(database_url)
    try:
        assert cli("incident", "open", "Checkout is down", "--severity", "SEV2").exit_code == 0
        downgrade(db, _previous_revision())
        refused = cli("log", "INC-1", "restarted db-2")
        assert refused.exit_code == 2
        assert f"behind {head_revision()}: run `cairn db upgrade`" in refused.output
        assert current_revision(db) == _previous_revision()

        assert cli("db", "upgrade").exit_code == 0
        logged = cli("log", "INC-1", "restarted db-2")
        assert logged.exit_code == 0, logged.output
        assert "note: restarted db-2" in logged.output
        assert current_revision(db) == head_revision()
    finally:
        upgrade(db)  # PostgreSQL: the shared test database stays at head
        db.dispose()


def test_an_empty_database_is_still_migrated_by_a_first_command(tmp_path):
    env = {
        **os.environ,
        "CAIRN_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "CAIRN_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "CAIRN_SERVER": "",
        "CAIRN_TOKEN": "",
    }
    from typer.testing import CliRunner

    from cairn.cli import state
    from cairn.cli.main import app

    state.reset()
    try:
        result = CliRunner().invoke(app, ["incident", "open", "First one", "--severity", "SEV3"], env=env)
    finally:
        state.reset()
    assert result.exit_code == 0, result.output
    db = Database(env["CAIRN_DATABASE_URL"])
    assert current_revision(db) == head_revision()
    db.dispose()


HEAVY = ("alembic", "mako", "markdown_it", "yaml", "fastapi", "starlette", "jinja2", "rich", "numpy", "nh3")

_PROBE = textwrap.dedent(
    """
    import json, sys
    from cairn.cli.main import app
    try:
        app(sys.argv[2:], standalone_mode=False)
    finally:
        loaded = {name.split(".")[0] for name in sys.modules}
        print("LOADED=" + json.dumps(sorted(loaded & set(json.loads(sys.argv[1])))))
    """
)


def _heavy_modules_loaded_by(args: list[str], database_url: str, tmp_path) -> list[str]:
    """Which of HEAVY a fresh `cairn ARGS` process has imported when it ends."""
    env = {
        **os.environ,
        "CAIRN_DATABASE_URL": database_url,
        "CAIRN_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "CAIRN_SERVER": "",
        "CAIRN_TOKEN": "",
        "CAIRN_USER": "tester",
    }
    command = [sys.executable, "-c", _PROBE, json.dumps(HEAVY), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.rsplit("LOADED=", 1)[1])


def test_logging_on_a_current_database_imports_neither_alembic_nor_the_web_and_document_stack(cli, database_url, tmp_path):
    assert cli("incident", "open", "Checkout is down", "--severity", "SEV2").exit_code == 0
    assert _heavy_modules_loaded_by(["log", "INC-1", "restarted db-2"], database_url, tmp_path) == []
    assert "restarted db-2" in cli("incident", "show", "INC-1").output
