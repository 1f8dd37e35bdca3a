"""Settings and the service context, built once per CLI run on first use."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cairn.config import Settings
    from cairn.services.context import Context

_context: "Context | None" = None
_remote_options: tuple[str | None, str | None] = (None, None)


def settings() -> "Settings":
    from pydantic import ValidationError

    from cairn.config import Settings
    from cairn.errors import InvalidInput

    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"setting CAIRN_{field.upper()}: {message}") from None


def context() -> "Context":
    global _context
    if _context is None:
        from cairn.services.context import open_context

        actor = os.environ.get("CAIRN_USER") or os.environ.get("USER") or None
        _context = open_context(settings(), actor=actor)
    return _context


def set_remote_options(server: str | None, token: str | None) -> None:
    global _remote_options
    _remote_options = (server, token)


def remote():  # type: ignore[no-untyped-def]
    """The team server to talk to (remote mode), or None to use the local database."""
    from cairn.cli.remote import resolve

    return resolve(*_remote_options)


def reset() -> None:
    """Forget the context (tests run many commands in one process)."""
    global _context, _remote_options
    _remote_options = (None, None)
    if _context is not None:
        _context.db.dispose()
    _context = None
