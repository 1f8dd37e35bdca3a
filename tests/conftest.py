"""Fixtures: a fresh real database per test (SQLite file, or PostgreSQL in CI).

Set CAIRN_TEST_DATABASE_URL to a PostgreSQL database to run the whole suite
there; the database is migrated once and emptied before each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cairn.config import Settings
from cairn.services.context import Context, open_context
from cairn.storage.db import Database
from cairn.storage.migrate import upgrade
from cairn.storage.models import Base

PG_URL = os.environ.get("CAIRN_TEST_DATABASE_URL")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def reset_postgres_schema(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.dispose()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database to start every test from."""
    if PG_URL:
        reset_postgres_schema(PG_URL)
        db = Database(PG_URL)
        upgrade(db)
        db.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "cairn.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return str(path)


@pytest.fixture
def database_url(_template: str, tmp_path: Path) -> str:
    if PG_URL:
        db = Database(PG_URL)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()
        return PG_URL
    target = tmp_path / "cairn.db"
    shutil.copyfile(_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", timezone="UTC")


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = open_context(settings, actor="tester")
    yield context
    context.db.dispose()


class Cli:
    """Runs `cairn` commands in-process against the test database."""

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        self.runner = CliRunner()
        self.env = {
            "CAIRN_DATABASE_URL": database_url,
            "CAIRN_DATA_DIR": str(tmp_path / "data"),
            "CAIRN_TIMEZONE": "UTC",
            "CAIRN_USER": "tester",
            "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no remote.toml of the machine's user
            "CAIRN_SERVER": "",
            "CAIRN_TOKEN": "",
        }

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None):
        from cairn.cli import state
        from cairn.cli.main import app

        state.reset()
        try:
            return self.runner.invoke(app, list(args), input=input, env={**self.env, **(env or {})})
        finally:
            state.reset()


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url, tmp_path)


@pytest.fixture
def shared_samples() -> Path:
    samples = SHARED / "samples"
    if not samples.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared samples not found at {samples} (required when CI=true)")
        pytest.skip(f"shared samples not found at {samples}")
    return samples
