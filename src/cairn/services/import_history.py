"""The imports of an incident's timeline: list them, and undo one.

An import is recorded when it adds events (see `timeline_import`), and every
event it adds carries the record's id. Undoing it deletes exactly those
events, in one transaction with the incident's compare-and-swap, and keeps
the record marked undone, so the list still shows what happened. Since the
events are gone, importing the same file again adds them back (as a new
import).

What goes and what stays:
- events a person added (the page, `cairn log`, the API, a Markdown
  document) or a hook received carry no import id and are never removed;
- an event the import added and someone then edited (on the page, or in
  an exported Markdown document imported back, which keeps its source
  reference) still came from the file and goes with its import: importing
  the file again brings back the original;
- key moments marked from a removed event keep their times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from cairn.domain.times import now_utc
from cairn.errors import Conflict, NotFound
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.incidents import key_of, require_incident, touch
from cairn.storage.db import retry_stale
from cairn.storage.models import TimelineEvent, TimelineImport


@dataclass(frozen=True)
class ImportRecord:
    id: int
    incident: str
    source: str
    file_name: str
    actor: str | None
    created_at: datetime
    added: int
    duplicates: int
    filtered: int
    rejected: int
    events: int  # its events on the timeline now: what an undo would remove
    undone_at: datetime | None
    undone_by: str | None
    removed: int | None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None

    def data(self) -> dict[str, Any]:
        """The import as the API answers it."""
        return {
            "id": self.id, "incident": self.incident, "source": self.source, "file": self.file_name,
            "by": self.actor, "at": self.created_at.isoformat(),
            "added": self.added, "duplicates": self.duplicates, "filtered": self.filtered, "rejected": self.rejected,
            "events": self.events, "undone": self.undone,
            "undone_at": self.undone_at.isoformat() if self.undone_at else None,
            "undone_by": self.undone_by, "removed": self.removed,
        }


def _record(row: TimelineImport, key: str, events: int) -> ImportRecord:
    return ImportRecord(
        id=row.id, incident=key, source=row.source, file_name=row.file_name, actor=row.actor, created_at=row.created_at,
        added=row.added, duplicates=row.duplicates, filtered=row.filtered, rejected=row.rejected, events=events,
        undone_at=row.undone_at, undone_by=row.undone_by, removed=row.removed,
    )


def imports_in(session, incident, key: str) -> list[ImportRecord]:  # type: ignore[no-untyped-def]
    """The incident's imports, newest first, each with its events still on the
    timeline; inside the caller's transaction (the incident page reads it with the rest)."""
    rows = session.scalars(
        select(TimelineImport).where(TimelineImport.incident_id == incident.id).order_by(TimelineImport.id.desc())
    ).all()
    if not rows:
        return []
    counts = dict(
        session.execute(
            select(TimelineEvent.import_id, func.count())
            .where(TimelineEvent.incident_id == incident.id, TimelineEvent.import_id.is_not(None))
            .group_by(TimelineEvent.import_id)
        ).all()
    )
    return [_record(row, key, counts.get(row.id, 0)) for row in rows]


def list_imports(ctx: Context, key: str) -> list[ImportRecord]:
    """The incident's imports, newest first, if the user may see the incident."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        return imports_in(session, incident, key_of(ctx, incident))


@retry_stale
def undo_import(ctx: Context, key: str, import_id: int) -> ImportRecord:
    """Remove exactly the events that import `import_id` added, audited, in one
    transaction; the record stays, marked undone. Undoing it twice is a conflict."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        incident_key = key_of(ctx, incident)
        row = session.get(TimelineImport, import_id)
        if row is None or row.incident_id != incident.id:
            raise NotFound(f"no import {import_id} in {incident_key}")
        if row.undone_at is not None:
            raise Conflict(f"import {import_id} ({row.file_name}) was already undone by {row.undone_by or 'someone'}")
        removed = session.execute(
            delete(TimelineEvent).where(TimelineEvent.incident_id == incident.id, TimelineEvent.import_id == row.id),
            execution_options={"synchronize_session": False},  # no events are loaded; a large import stays one statement
        ).rowcount
        row.undone_at, row.undone_by, row.removed = now_utc(), ctx.actor, removed
        touch(incident)
        record(
            session, ctx.actor, "timeline.import_undone", incident,
            {"import": row.id, "source": row.source, "file": row.file_name, "removed": removed},
        )
        return _record(row, incident_key, 0)
