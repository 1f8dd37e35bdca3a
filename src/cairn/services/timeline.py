"""Timeline use cases: log what happened (idempotently for imported records),
correct it, delete it with an audited tombstone, and restore it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cairn.domain.document import EventDoc
from cairn.domain.enums import EventKind, KeyMoment, parse_choice
from cairn.domain.log_levels import prefixed_level
from cairn.domain.names import check_line
from cairn.domain.times import now_utc, require_zone
from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.formats.markdown import clean_text
from cairn.services.access import require_admin, require_write
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.validation import EVENT_TEXT_LIMIT
from cairn.services.timeline_reads import TimelineFilter, filtered_events
from cairn.services.convert import event_doc
from cairn.services.incidents import When, apply_moment, key_of, require_incident, resolve_when, touch
from cairn.storage.db import retry_stale
from cairn.storage.models import EventTombstone, Incident, TimelineEvent



@dataclass(frozen=True)
class LoggedEvent:
    key: str
    event: EventDoc
    created: bool
    zone: str  # the incident's time zone, to show the event's time in


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
        when = resolve_when(at, zone, what="the event's time")
        if ref_value is not None:
            existing = session.scalar(
                select(TimelineEvent).where(
                    TimelineEvent.incident_id == incident.id,
                    TimelineEvent.source == source_value,
                    TimelineEvent.source_ref == ref_value,
                )
            )
            if existing is not None:
                return LoggedEvent(key_of(ctx, incident), event_doc(existing), created=False, zone=incident.timezone)
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
        return LoggedEvent(key_of(ctx, incident), event_doc(event), created=True, zone=incident.timezone)


@dataclass(frozen=True)
class TimelineEvents:
    key: str
    zone: str  # the incident's time zone, to show the times in
    events: list[EventDoc]


def read_timeline(
    ctx: Context, key: str, wanted: TimelineFilter | None = None, *, after_id: int = 0, limit: int | None = None,
) -> TimelineEvents:
    """The events `wanted` keeps with an id above `after_id` (the first `limit`
    by id; None: all), in time order: the API's timeline and `cairn timeline`,
    filtered as the incident page filters (`timeline_reads.TimelineFilter`)."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        events = filtered_events(session, incident.id, wanted or TimelineFilter(), after_id=after_id, limit=limit)
        return TimelineEvents(key_of(ctx, incident), incident.timezone, events)


def _check_text(text: str) -> str:
    body = clean_text(text, "event text").strip()
    if not body:
        raise InvalidInput("event text cannot be empty")
    if len(body) > EVENT_TEXT_LIMIT:
        raise InvalidInput(f"event text is longer than {EVENT_TEXT_LIMIT} characters")
    return body


def _require_event(session, ctx: Context, incident: Incident, number: int) -> TimelineEvent:  # type: ignore[no-untyped-def]
    event = session.get(TimelineEvent, number)
    if event is None or event.incident_id != incident.id:
        raise NotFound(f"no timeline event {number} in {key_of(ctx, incident)}")
    return event


@retry_stale
def edit_event(
    ctx: Context,
    key: str,
    number: int,
    *,
    text: str | None = None,
    at: When = None,
    kind: str | None = None,
    actor: str | None = None,
) -> EventDoc:
    """Correct a logged event; None leaves a field as it is, an empty actor clears it.
    The audit trail keeps what it said before."""
    require_write(ctx)
    body = _check_text(text) if text is not None else None
    kind_value = parse_choice(EventKind, kind, "event kind").value if kind is not None else None
    actor_value = (check_line(actor, "actor", limit=200) if actor.strip() else "") if actor is not None else None
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        event = _require_event(session, ctx, incident, number)
        zone = require_zone(incident.timezone)
        wanted = {
            "text": body,
            "at": resolve_when(at, zone, default_now=False, what="the event's time"),
            "kind": kind_value,
            "actor": (actor_value or None) if actor_value is not None else event.actor,
        }
        changes = {}
        for field, value in wanted.items():
            if value is not None or field == "actor":
                old = getattr(event, field)
                if value != old:
                    shown = (lambda v: v.isoformat() if v is not None else None) if field == "at" else (lambda v: v)
                    changes[field] = {"from": shown(old), "to": shown(value)}
                    setattr(event, field, value)
        if changes:
            touch(incident)
            record(session, ctx.actor, "event.edited", incident, {"event": event.id, **changes})
        session.flush()
        return event_doc(event)


@retry_stale
def delete_event(ctx: Context, key: str, number: int) -> EventDoc:
    """Remove an event from the timeline, keeping it whole as a tombstone (see EventTombstone)."""
    require_write(ctx)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        event = _require_event(session, ctx, incident, number)
        doc = event_doc(event)
        session.add(
            EventTombstone(
                incident_id=incident.id, event_id=event.id, at=event.at, kind=event.kind, actor=event.actor,
                text=event.text, source=event.source, source_ref=event.source_ref, created_at=event.created_at,
                deleted_at=now_utc(), deleted_by=ctx.actor or None,
            )
        )
        session.delete(event)
        touch(incident)
        # The text stays in the tombstone only: the history is read by everyone who sees the incident.
        record(session, ctx.actor, "event.deleted", incident, {"event": doc.id, "kind": doc.kind})
        return doc


@dataclass(frozen=True)
class DeletedEvent:
    event: EventDoc
    deleted_at: object
    deleted_by: str | None


def deleted_events(ctx: Context, key: str) -> list[DeletedEvent]:
    """The incident's tombstones, newest deletion first: for admins only."""
    require_admin(ctx)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        rows = session.scalars(
            select(EventTombstone).where(EventTombstone.incident_id == incident.id).order_by(EventTombstone.id.desc())
        ).all()
        return [DeletedEvent(_tomb_doc(row), row.deleted_at, row.deleted_by) for row in rows]


def _tomb_doc(row: EventTombstone) -> EventDoc:
    return EventDoc(at=row.at, kind=row.kind, text=row.text, actor=row.actor, source=row.source, ref=row.source_ref, id=row.event_id)


@retry_stale
def restore_event(ctx: Context, key: str, number: int) -> EventDoc:
    """Put a deleted event back (admins only), under its old number when no other event took it."""
    require_admin(ctx)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        tomb = session.scalar(
            select(EventTombstone)
            .where(EventTombstone.incident_id == incident.id, EventTombstone.event_id == number)
            .order_by(EventTombstone.id.desc())
            .limit(1)
        )
        if tomb is None:
            raise NotFound(f"no deleted timeline event {number} in {key_of(ctx, incident)}")
        if tomb.source_ref is not None and session.scalar(
            select(TimelineEvent.id).where(
                TimelineEvent.incident_id == incident.id,
                TimelineEvent.source == tomb.source,
                TimelineEvent.source_ref == tomb.source_ref,
            )
        ):
            raise Conflict(f"event {number} was imported again since it was deleted: the timeline already has it")
        free = session.get(TimelineEvent, tomb.event_id) is None
        event = TimelineEvent(
            id=tomb.event_id if free else None, incident_id=incident.id, at=tomb.at, kind=tomb.kind, actor=tomb.actor,
            text=tomb.text, source=tomb.source, source_ref=tomb.source_ref, created_at=tomb.created_at,
            # The tombstone keeps no level or component: the level comes back from the text's prefix.
            level=prefixed_level(tomb.text) if tomb.source == "log" else None,
        )
        session.add(event)
        session.delete(tomb)
        session.flush()
        touch(incident)
        record(session, ctx.actor, "event.restored", incident, {"event": event.id, "was": number})
        return event_doc(event)


def latest_event_time(ctx: Context, key: str, kinds: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """When the latest event of these kinds that people logged or imported happened, or None:
    what a resolve or mitigate form proposes instead of "now" (Cairn's own status notes excluded)."""
    from sqlalchemy import func

    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        return session.scalar(
            select(func.max(TimelineEvent.at)).where(
                TimelineEvent.incident_id == incident.id, TimelineEvent.kind.in_(kinds), TimelineEvent.source != "cairn"
            )
        )
