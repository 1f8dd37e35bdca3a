"""What every use case needs: settings, the database, and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, replace

from cairn.config import Settings
from cairn.storage.db import Database


@dataclass(frozen=True)
class Context:
    settings: Settings
    db: Database
    actor: str | None = None

    def acting_as(self, actor: str | None) -> "Context":
        return replace(self, actor=actor)


def open_context(settings: Settings, *, actor: str | None = None, migrate: bool = True) -> Context:
    """Connect and make sure the schema is current (an empty database is migrated)."""
    from cairn.storage.migrate import ensure_ready

    db = Database(settings.resolved_database_url)
    if migrate:
        ensure_ready(db)
    return Context(settings=settings, db=db, actor=actor)
