"""Alembic, driven from code: the migrations ship inside the package.

Alembic is imported only when it has work to do: a command on a database
whose schema is current (the common case) checks the version row against
the head read from the migration files (`head_from_files`) and goes on.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cairn.errors import StorageUnavailable
from cairn.storage.db import Database, describe_connection_error

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

_REVISION_LINE = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]\s*$", re.MULTILINE)
_DOWN_REVISION_LINE = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"^['\"]([^'\"]+)['\"]$")


def alembic_config(database: Database) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = database.engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


@functools.cache
def head_from_files() -> str | None:
    """The head revision, read from the `revision = ...` and `down_revision = ...`
    lines of the migration files without importing Alembic; None when the files
    are not a plain chain this reading understands (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION_LINE.findall(source)
        down = _DOWN_REVISION_LINE.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        if down[0] != "None":
            parent = _QUOTED.match(down[0])
            if parent is None:  # a merge (tuple) or something computed
                return None
            parents.add(parent.group(1))
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return None
    return heads.pop()


def schema_is_current(database: Database) -> bool:
    """Whether the database's one version row names the head: a single query
    and no Alembic. False whenever in doubt (no version table, no row, several
    rows, another revision): `ensure_ready` then looks closely, as it always did.
    A database that cannot be reached is reported as `current_revision` reports it."""
    head = head_from_files()
    if head is None:
        return False
    try:
        connection = database.engine.connect()
    except DBAPIError as error:
        raise StorageUnavailable(describe_connection_error(database.url, error)) from None
    with connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).fetchmany(2)
        except DBAPIError:  # no version table yet (an empty or a foreign database)
            return False
    return len(rows) == 1 and rows[0][0] == head


def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as error:
        raise StorageUnavailable(describe_connection_error(database.url, error)) from None


def upgrade(database: Database, revision: str = "head") -> None:
    from alembic import command

    try:
        command.upgrade(alembic_config(database), revision)
    except DBAPIError as error:
        raise StorageUnavailable(describe_connection_error(database.url, error)) from None


def downgrade(database: Database, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database), revision)


def ensure_ready(database: Database) -> None:
    """Migrate an empty database; refuse one that is behind or ahead."""
    if schema_is_current(database):
        return
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

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
