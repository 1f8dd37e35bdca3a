"""Rows straight from the driver: the same rows as SQLAlchemy's execution, with the
bound values converted as the columns store them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.storage.models import Incident
from cairn.storage.plain_rows import plain_rows


def test_the_same_rows_with_datetimes_compared_as_stored(ctx: Context) -> None:
    for day in (1, 2, 3):
        open_incident(ctx, f"Incident {day}", severity="SEV3", timezone="UTC", started=f"2026-06-0{day}T10:00:00.250000+00:00")
    statement = select(Incident.number, Incident.title).where(Incident.started_at >= datetime(2026, 6, 2, 10, 0, 0, 250000, tzinfo=timezone.utc))
    with ctx.db.transaction() as session:
        assert sorted(plain_rows(session, statement)) == sorted(tuple(row) for row in session.execute(statement)) == [(2, "Incident 2"), (3, "Incident 3")]


def test_an_expanding_in_list_is_refused(ctx: Context) -> None:
    with ctx.db.transaction() as session, pytest.raises(ValueError, match="expanding IN list"):
        plain_rows(session, select(Incident.id).where(Incident.id.in_([1, 2])))
