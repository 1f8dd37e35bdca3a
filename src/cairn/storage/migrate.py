"""Alembic, driven from code: the migrations ship inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError

from cairn.errors import StorageUnavailable
from cairn.storage.db import Database, describe_connection_error

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = database.engine
    return config


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    try:
        with database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as error:
        raise StorageUnavailable(describe_connection_error(database.url, error)) from None


def upgrade(database: Database, revision: str = "head") -> None:
    try:
        command.upgrade(alembic_config(database), revision)
    except DBAPIError as error:
        raise StorageUnavailable(describe_connection_error(database.url, error)) from None


def downgrade(database: Database, revision: str) -> None:
    command.downgrade(alembic_config(database), revision)


def ensure_ready(database: Database) -> None:
    """Migrate an empty database; refuse one that is behind or ahead."""
    current = current_revision(database)
    head = head_revision()
    if current == head:
        return
    if current is None:
        if database.table_names():
            raise StorageUnavailable(
                f"database {database.url.split('@')[-1]} has tables but no Cairn schema version; "
                "point CAIRN_DATABASE_URL at an empty database"
            )
        upgrade(database)
        return
    script = ScriptDirectory(str(MIGRATIONS))
    try:
        known = script.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise StorageUnavailable(f"database schema {current} is newer than this Cairn; upgrade Cairn")
    raise StorageUnavailable(f"database schema {current} is behind {head}: run `cairn db upgrade`")
