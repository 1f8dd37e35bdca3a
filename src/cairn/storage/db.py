"""Engine, sessions and transactions.

One `Database` per process (per app or CLI run). Each service call runs in
one `transaction()`: it commits on success and rolls back on any error, so
bad input never leaves half-written data.
"""

from __future__ import annotations

import functools
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from cairn.errors import StaleWrite, StorageUnavailable

# Long enough for an import's one batched insert: a write that gives up is a 503 for the user.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # SQLite's own lower() folds ASCII only; filters that ignore case use this one.
        dbapi_connection.create_function("unicode_lower", 1, _unicode_lower, deterministic=True)
        cursor.close()

    return on_connect


def make_engine(url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            folder = Path(path).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageUnavailable(f"cannot create the data directory {folder}: {error.strerror}") from None
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as error:  # bad driver name, malformed URL
        raise StorageUnavailable(f"cannot use database URL {redact_url(url)}: {error}") from None


def describe_connection_error(url: str, error: BaseException) -> str:
    detail = str(getattr(error, "orig", error)).strip().splitlines()
    first = detail[0] if detail else type(error).__name__
    return f"cannot reach database {redact_url(url)}: {first}"


P = ParamSpec("P")
R = TypeVar("R")
STALE_ATTEMPTS = 25


def retry_stale(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run a use case again when its compare-and-swap lost a race.

    A use case is one transaction that reads, decides and writes; if another
    writer changed the incident in between, the write matched no row and
    everything was rolled back. Running it again decides on the fresh state:
    the result is what running the two one after the other would give (a
    save based on an old `base` then gets its own conflict, with both texts).
    Give up with the 409 after STALE_ATTEMPTS, with a short random pause
    between tries so that racing writers spread out.
    """

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(STALE_ATTEMPTS):
            try:
                return use_case(*args, **kwargs)
            except StaleWrite:
                if attempt == STALE_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        raise AssertionError("unreachable")

    return run


class Database:
    def __init__(self, url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
        self.url = url
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            from cairn.storage.search_index import sync_changed

            sync_changed(session)  # the search index changes in the same transaction
            session.commit()
        except StaleDataError:
            session.rollback()
            raise StaleWrite() from None
        except OperationalError as error:
            session.rollback()
            raise StorageUnavailable(describe_connection_error(self.url, error)) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def read_row(self, statement: Any, params: dict[str, Any] | None = None) -> Any:
        """The first row of a Core SELECT, without an ORM session: for the
        small lookups every request makes (tokens, sessions, versions)."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(statement, params or {}).first()
        except OperationalError as error:
            raise StorageUnavailable(describe_connection_error(self.url, error)) from None

    def check_connection(self) -> None:
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except DBAPIError as error:
            raise StorageUnavailable(describe_connection_error(self.url, error)) from None

    def table_names(self) -> list[str]:
        try:
            return inspect(self.engine).get_table_names()
        except DBAPIError as error:
            raise StorageUnavailable(describe_connection_error(self.url, error)) from None

    def dispose(self) -> None:
        self.engine.dispose()
