"""Incidents with chosen key moments, written straight to the database so a
test can also make the inconsistent data the services refuse."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.storage.models import Incident

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
MOMENTS = ("detected", "acknowledged", "mitigated", "resolved")


def incident(
    ctx: Context, title: str = "Checkout API returns 502", *, severity: str = "SEV2", started: datetime = START,
    minutes: dict[str, float | None] | None = None, **options,  # type: ignore[no-untyped-def]
) -> str:
    """An incident started at `started`, each moment `minutes[moment]` after it (None: unknown)."""
    key = open_incident(ctx, title, severity=severity, started=started.isoformat(), timezone="UTC", **options).key
    values = {f"{m}_at": (None if minutes.get(m) is None else started + timedelta(minutes=minutes[m])) for m in MOMENTS} if minutes else {}
    if values:
        with ctx.db.transaction() as session:
            session.execute(update(Incident).where(Incident.number == int(key.split("-")[1])).values(**values))
    return key
