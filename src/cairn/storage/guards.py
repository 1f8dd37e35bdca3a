"""Text that no database keeps is refused before it reaches one.

PostgreSQL cannot store a NUL character in text (it fails mid-statement)
while SQLite stores it silently, so the same input would be kept on one
database and a crash on the other. Every statement Cairn sends passes
through here: ORM writes are checked per attribute (the error names the
record and field), and every other statement, Core writes and reads with
search filters included, is checked on its parameters. Importers reject such
a record themselves first, with its file and line (importers/base.py).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cairn.domain.names import check_storable
from cairn.errors import InvalidInput

_WORDS = re.compile(r"(?<!^)(?=[A-Z])")


def _label(instance: object, attribute: str) -> str:
    kind = _WORDS.sub(" ", type(instance).__name__).lower()
    return f"{kind} {attribute.replace('_', ' ')}"


def _check_flush(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.new, *session.dirty):
        state = getattr(instance, "__dict__", {})
        for attribute, value in state.items():
            if isinstance(value, str) and not attribute.startswith("_"):
                check_storable(value, _label(instance, attribute))


def _has_nul(values: Any) -> bool:
    """Whether any string in a statement's parameters (nested rows included)
    holds a NUL; a plain loop, since bulk inserts pass thousands of values."""
    for value in values:
        kind = type(value)
        if kind is str:
            if "\x00" in value:
                return True
        elif kind is tuple or kind is list:
            if _has_nul(value):
                return True
        elif kind is dict:
            if _has_nul(value.values()):
                return True
    return False


def _check_statement(_conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool) -> None:
    if parameters and _has_nul(parameters.values() if type(parameters) is dict else parameters):
        raise InvalidInput("a text contains a NUL character, which Cairn does not store")


def install() -> None:
    """Listen on every session and engine of the process (idempotent)."""
    if not event.contains(Session, "before_flush", _check_flush):
        event.listen(Session, "before_flush", _check_flush)
    if not event.contains(Engine, "before_cursor_execute", _check_statement):
        event.listen(Engine, "before_cursor_execute", _check_statement)


install()
