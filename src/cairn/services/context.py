"""What every use case needs: settings, the database, and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, replace

from cairn.config import Settings
from cairn.storage import guards as _guards  # noqa: F401 (refuses unstorable text on every session and engine)
from cairn.storage.db import Database


@dataclass(frozen=True)
class Principal:
    """A signed-in user, as the services see them: enough to decide access.

    The local CLI works on the database directly and acts without one: whoever
    can open the database file already has every right.
    """

    user_id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        return self.role in ("responder", "admin")


@dataclass(frozen=True)
class Context:
    settings: Settings
    db: Database
    actor: str | None = None
    principal: Principal | None = None

    def acting_as(self, actor: str | None) -> "Context":
        return replace(self, actor=actor)

    def as_user(self, principal: Principal) -> "Context":
        """The same context, acting for a signed-in user with their rights."""
        return replace(self, actor=principal.username, principal=principal)


def open_context(settings: Settings, *, actor: str | None = None, migrate: bool = True) -> Context:
    """Connect and make sure the schema is current (an empty database is migrated)."""
    from cairn.storage.migrate import ensure_ready

    db = Database(settings.resolved_database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    if migrate:
        ensure_ready(db)
    return Context(settings=settings, db=db, actor=actor)
