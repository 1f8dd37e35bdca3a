"""Timeline use cases: log what happened, idempotently for imported records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cairn.domain.document import EventDoc
from cairn.domain.enums import EventKind, KeyMoment, parse_choice
from cairn.domain.names import check_line
from cairn.domain.times import now_utc, require_zone
from cairn.errors import InvalidInput
from cairn.formats.markdown import clean_text
from cairn.services.access import require_write
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.validation import EVENT_TEXT_LIMIT
from cairn.services.convert import event_doc
from cairn.services.incidents import When, apply_moment, key_of, require_incident, resolve_when, touch
from cairn.storage.db import retry_stale
from cairn.storage.models import TimelineEvent



@dataclass(frozen=True)
class LoggedEvent:
    key: str
    event: EventDoc
    created: bool


@retry_stale
def log_event(
    ctx: Context,
    key: str,
    text: str,
    *,
    kind: str = "note",
    at: When = None,
    actor: str | None = None,
    source: str = "manual",
    ref: str | None = None,
    marks: str | None = None,
) -> LoggedEvent:
    """Add an event; with `ref`, logging the same record again changes nothing."""
    require_write(ctx)
    body = clean_text(text, "event text").strip()
    if not body:
        raise InvalidInput("event text cannot be empty")
    if len(body) > EVENT_TEXT_LIMIT:
        raise InvalidInput(f"event text is longer than {EVENT_TEXT_LIMIT} characters")
    kind_value = parse_choice(EventKind, kind, "event kind").value
    actor_value = check_line(actor, "actor", limit=200) if actor else (ctx.actor or None)
    source_value = check_line(source, "source", limit=30).lower()
    ref_value = check_line(ref, "ref", limit=300) if ref else None
    moment = parse_choice(KeyMoment, marks, "key moment") if marks else None
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        zone = require_zone(incident.timezone)
        when = resolve_when(at, zone)
        if ref_value is not None:
            existing = session.scalar(
                select(TimelineEvent).where(
                    TimelineEvent.incident_id == incident.id,
                    TimelineEvent.source == source_value,
                    TimelineEvent.source_ref == ref_value,
                )
            )
            if existing is not None:
                return LoggedEvent(key_of(ctx, incident), event_doc(existing), created=False)
        event = TimelineEvent(
            incident_id=incident.id,
            at=when,
            kind=kind_value,
            actor=actor_value,
            text=body,
            source=source_value,
            source_ref=ref_value,
            created_at=now_utc(),
        )
        session.add(event)
        session.flush()
        touch(incident)
        record(session, ctx.actor, "event.logged", incident, {"event": event.id, "kind": kind_value})
        if moment is not None:
            apply_moment(session, ctx, incident, moment, when)
        return LoggedEvent(key_of(ctx, incident), event_doc(event), created=True)


def events_after(ctx: Context, key: str, after_id: int = 0, *, limit: int = 500) -> list[EventDoc]:
    """Events added after `after_id` (by id), in time order: what a live page has not shown yet."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        rows = session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.incident_id == incident.id, TimelineEvent.id > after_id)
            .order_by(TimelineEvent.id)
            .limit(limit)
        ).all()
        return sorted((event_doc(row) for row in rows), key=lambda e: (e.at, e.id or 0))
