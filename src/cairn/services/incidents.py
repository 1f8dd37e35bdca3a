"""Incident use cases: open, change status, key moments, list, show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from cairn.domain.document import IncidentDoc
from cairn.domain.enums import (
    IncidentKind,
    IncidentStatus,
    KeyMoment,
    PostmortemStatus,
    Visibility,
    parse_choice,
)
from cairn.domain.keys import format_key, parse_key
from cairn.domain.lifecycle import check_change_time, require_incident_transition, status_for_moments
from cairn.domain.moments import KeyMoments, check_order, durations_seconds
from cairn.domain.names import check_labels, check_line, check_severity
from cairn.domain.times import ensure_utc, now_utc, parse_when, refuse_future, require_zone
from cairn.errors import Conflict, InvalidInput, NotFound, StaleWrite
from cairn.services.access import can_see, require_write, viewer_params, visible_clause, visible_to_viewer
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import moments_of, set_labels, set_visibility, store_moments, to_doc
from cairn.services.people import ensure_team
from cairn.storage.db import retry_stale
from cairn.storage.models import (
    ActionItem,
    AuditEvent,
    ContributingFactor,
    Incident,
    IncidentService,
    IncidentTeam,
    Participant,
    Postmortem,
    Team,
    TimelineEvent,
)

When = str | datetime | None

# The kind of the timeline event a status change writes.
STATUS_EVENT_KINDS = {IncidentStatus.MITIGATED: "mitigation", IncidentStatus.RESOLVED: "resolution"}


def _full(events: bool = True) -> list:
    return [
        selectinload(Incident.services),
        selectinload(Incident.tags),
        selectinload(Incident.team_links),
        *([selectinload(Incident.events)] if events else []),
        selectinload(Incident.participants),
        selectinload(Incident.postmortem).selectinload(Postmortem.sections),
        selectinload(Incident.postmortem).selectinload(Postmortem.factors).selectinload(ContributingFactor.whys),
        selectinload(Incident.postmortem).selectinload(Postmortem.action_items).selectinload(ActionItem.factors),
    ]


def resolve_when(value: When, zone: ZoneInfo, *, default_now: bool = True, what: str = "the time") -> datetime | None:
    """A time typed or given by a caller, refused when it lies in the future."""
    if value is None:
        return now_utc() if default_now else None
    moment = ensure_utc(value) if isinstance(value, datetime) else parse_when(value, zone)
    try:
        return refuse_future(moment, what, zone)
    except InvalidInput as error:
        if isinstance(value, str) and ":" in value and len(value.strip()) <= 8:
            raise InvalidInput(f"{error}; for a time of day before midnight, write 'yesterday {value.strip()}'") from None
        raise


def get_incident(
    session: Session, ctx: Context, key: str, *, full: bool = False, lock: bool = False, events: bool = True,
) -> Incident | None:
    """The incident row; `full` loads what its document needs (with `events=False`,
    all but the timeline, which a reader of thousands of events loads by `event_docs`)."""
    number = parse_key(key, ctx.settings.key_prefix)
    query = select(Incident).where(Incident.number == number)
    if full:
        query = query.options(*_full(events))
    if lock:
        # PostgreSQL: writers of one incident queue on its row instead of racing
        # to the version compare-and-swap and retrying; SQLite has one writer anyway
        # (its dialect renders no FOR UPDATE). The compare-and-swap still guards every write.
        query = query.with_for_update(of=Incident)
    return session.scalar(query)


def require_incident(
    session: Session, ctx: Context, key: str, *, full: bool = False, write: bool = False, events: bool = True,
) -> Incident:
    """The incident, if the acting user may see it (and, with `write`, change it).

    An incident the user may not see is "not found", exactly like a missing one.
    """
    incident = get_incident(session, ctx, key, full=full, lock=write, events=events)
    if incident is None or not can_see(ctx, incident):
        raise NotFound(f"no incident {format_key(ctx.settings.key_prefix, parse_key(key, ctx.settings.key_prefix))}")
    if write:
        require_write(ctx)
    return incident


# Built once: constructing a statement costs more than running it, and these run on every read.
STAMP_ANY = select(Incident.id, Incident.version).where(Incident.number == bindparam("number"))
STAMP_VISIBLE = STAMP_ANY.where(visible_to_viewer())


def _page_stamp_query():  # type: ignore[no-untyped-def]
    last_change = select(func.max(AuditEvent.id)).where(AuditEvent.incident_id == Incident.id).scalar_subquery()
    return select(Incident.id, Incident.version, last_change.label("last_change")).where(Incident.number == bindparam("number"))


PAGE_STAMP_ANY = _page_stamp_query()
PAGE_STAMP_VISIBLE = PAGE_STAMP_ANY.where(visible_to_viewer())


def _read_stamp(ctx: Context, key: str, any_query, visible_query):  # type: ignore[no-untyped-def]
    number = parse_key(key, ctx.settings.key_prefix)
    viewer = viewer_params(ctx)
    row = ctx.db.read_row(any_query if viewer is None else visible_query, {"number": number, **(viewer or {})})
    if row is None:
        raise NotFound(f"no incident {format_key(ctx.settings.key_prefix, number)}")
    return row


def incident_stamp(ctx: Context, key: str) -> tuple[int, int]:
    """(id, version) of an incident the user may see, without loading it.

    Every change bumps the version (see `touch`), so the pair names one state
    of the incident: readers use it to serve a cached copy or answer 304.
    """
    row = _read_stamp(ctx, key, STAMP_ANY, STAMP_VISIBLE)
    return row.id, row.version


def incident_page_stamp(ctx: Context, key: str) -> tuple[int, int, int]:
    """(id, version, last audit event id): changes with anything the incident page shows,
    including what does not change the document (a dismissed finding, history)."""
    row = _read_stamp(ctx, key, PAGE_STAMP_ANY, PAGE_STAMP_VISIBLE)
    return row.id, row.version, row.last_change or 0


def key_of(ctx: Context, incident: Incident) -> str:
    return format_key(ctx.settings.key_prefix, incident.number)


def touch(incident: Incident) -> None:
    """Mark the incident changed: its row is then written with the version
    compare-and-swap (see `Incident.__mapper_args__`), which bumps the version,
    so exports, editors and ETags detect stale copies."""
    incident.updated_at = now_utc()
    flag_modified(incident, "updated_at")  # written even within the same second


def next_number(session: Session) -> int:
    return (session.scalar(select(func.max(Incident.number))) or 0) + 1


@retry_stale
def open_incident(
    ctx: Context,
    title: str,
    *,
    severity: str,
    kind: str = "incident",
    services: list[str] | None = None,
    teams: list[str] | None = None,
    tags: list[str] | None = None,
    timezone: str | None = None,
    visibility: str = "internal",
    started: When = None,
    detected: When = None,
) -> IncidentDoc:
    require_write(ctx)
    settings = ctx.settings
    zone_name = timezone or settings.timezone
    zone = require_zone(zone_name)
    clean_title = check_line(title, "title", limit=300)
    severity_value = check_severity(severity, settings.severities)
    kind_value = parse_choice(IncidentKind, kind, "incident kind").value
    visibility_value = parse_choice(Visibility, visibility, "visibility").value
    service_names = check_labels(services or [], "service")
    team_names = check_labels(teams or [], "team")
    tag_names = check_labels(tags or [], "tag")
    # Opened "now" without times: impact started and was noticed now. With an
    # explicit start (opened after the fact) detection stays unknown until set.
    started_at = resolve_when(started, zone, what="the start")
    detected_at = resolve_when(detected, zone, default_now=False, what="the detection")
    if started is None and detected is None:
        detected_at = started_at
    moments = KeyMoments(started=started_at, detected=detected_at)
    check_order(moments, zone)
    with ctx.db.transaction() as session:
        incident = new_incident(
            session, ctx, title=clean_title, severity=severity_value, kind=kind_value, visibility=visibility_value,
            zone_name=zone_name, moments=moments, services=service_names, teams=team_names, tags=tag_names,
        )
        return to_doc(_reload(session, incident), settings.key_prefix)


def new_incident(
    session: Session,
    ctx: Context,
    *,
    title: str,
    severity: str,
    kind: str,
    visibility: str,
    zone_name: str,
    moments: KeyMoments,
    services: list[str],
    teams: list[str],
    tags: list[str],
) -> Incident:
    """Create an incident with a draft postmortem in the caller's transaction (values already checked).

    The user who opens it (signed in, or the local CLI's user when they have an
    account) becomes a responder on it, so a restricted incident stays visible
    to the person who created it.
    """
    require_write(ctx)
    now = now_utc()
    incident = Incident(
        number=next_number(session),
        title=title,
        kind=kind,
        severity=severity,
        status=IncidentStatus.OPEN.value,
        visibility=visibility,
        timezone=zone_name,
        created_at=now,
        updated_at=now,
        version=1,
    )
    store_moments(incident, moments)
    session.add(incident)
    set_labels(incident, IncidentDoc(title=title, severity=severity, services=services, tags=tags))
    incident.team_links = [IncidentTeam(team_id=ensure_team(session, name).id, position=i) for i, name in enumerate(teams)]
    incident.postmortem = Postmortem(status=PostmortemStatus.DRAFT.value, created_at=now, updated_at=now, version=1)
    try:
        session.flush()
    except IntegrityError:
        raise StaleWrite("another incident took the same key at the same moment; try again") from None
    opener_id = ctx.principal.user_id if ctx.principal is not None else _local_user_id(session, ctx.actor)
    if opener_id is not None:
        incident.participants.append(Participant(user_id=opener_id, role="responder"))
        session.flush()
    record(session, ctx.actor, "incident.opened", incident, {"title": title, "severity": severity})
    from cairn.services.notifications import notify_severe_incident  # notifications read incidents: import late

    notify_severe_incident(session, ctx, incident)
    return incident


def _local_user_id(session: Session, actor: str | None) -> int | None:
    """The account of the local CLI's user (CAIRN_USER or $USER), when there is one:
    so an incident opened from the terminal, restricted or not, stays visible to its
    opener when they later use the web or the remote CLI."""
    from cairn.services.people import get_user

    user = get_user(session, actor) if actor else None
    return user.id if user is not None else None


def _reload(session: Session, incident: Incident) -> Incident:
    session.flush()
    session.expire(incident)
    return session.scalar(select(Incident).where(Incident.id == incident.id).options(*_full()))


def show_incident(ctx: Context, key: str) -> IncidentDoc:
    with ctx.db.transaction() as session:
        return to_doc(require_incident(session, ctx, key, full=True), ctx.settings.key_prefix)


@retry_stale
def set_moment(ctx: Context, key: str, moment: str, *, at: When = None, event_id: int | None = None, clear: bool = False) -> IncidentDoc:
    """Set (or clear) a key moment, directly or from a timeline event's time."""
    which = parse_choice(KeyMoment, moment, "key moment")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        zone = require_zone(incident.timezone)
        if clear:
            if which == KeyMoment.STARTED:
                raise InvalidInput("the start of an incident cannot be cleared")
            value = None
        elif event_id is not None:
            event = session.get(TimelineEvent, event_id)
            if event is None or event.incident_id != incident.id:
                raise NotFound(f"no timeline event {event_id} in {key_of(ctx, incident)}")
            value = event.at
        else:
            value = resolve_when(at, zone, what=f"the {which.value} moment")
        apply_moment(session, ctx, incident, which, value)
        return to_doc(_reload(session, incident), ctx.settings.key_prefix)


def apply_moment(session: Session, ctx: Context, incident: Incident, which: KeyMoment, value: datetime | None) -> None:
    zone = require_zone(incident.timezone)
    moments = moments_of(incident).with_moment(which, value)
    check_order(moments, zone, changed=which)
    store_moments(incident, moments)
    incident.status = status_for_moments(IncidentStatus(incident.status), moments).value
    if which == KeyMoment.RESOLVED and value is None and incident.status in ("resolved", "closed"):
        incident.status = IncidentStatus.OPEN.value if incident.mitigated_at is None else IncidentStatus.MITIGATED.value
    if which == KeyMoment.MITIGATED and value is None and incident.status == IncidentStatus.MITIGATED.value:
        incident.status = IncidentStatus.OPEN.value
    touch(incident)
    record(
        session,
        ctx.actor,
        "moment.set",
        incident,
        {"moment": which.value, "at": value.isoformat() if value else None},
    )


def note_on_timeline(session: Session, ctx: Context, incident: Incident, kind: str, text: str, at: datetime | None = None) -> None:
    """A change the review will ask about ("severity SEV3 → SEV1"), written as a timeline event
    by whoever made it, so it reads in order with what the responders logged."""
    session.add(
        TimelineEvent(
            incident_id=incident.id, at=at or now_utc(), kind=kind, actor=ctx.actor or None,
            text=text, source="cairn", source_ref=None, created_at=now_utc(),
        )
    )


def _severity_rank(value: str, severities: list[str]) -> int:
    return severities.index(value) if value in severities else len(severities)


@retry_stale
def update_incident(
    ctx: Context,
    key: str,
    *,
    title: str | None = None,
    severity: str | None = None,
    kind: str | None = None,
    services: list[str] | None = None,
    teams: list[str] | None = None,
    tags: list[str] | None = None,
    timezone: str | None = None,
    visibility: str | None = None,
) -> IncidentDoc:
    """Change what was recorded when the incident was opened; None leaves a field as it is.

    A severity change is also written on the timeline, since reviews ask when an
    incident was escalated. Making it restricted keeps everyone who must see it:
    the owners of its action items (see `admit_owner`) and the user making the change.
    """
    settings = ctx.settings
    changes: dict[str, object] = {}
    clean = {
        "title": check_line(title, "title", limit=300) if title is not None else None,
        "severity": check_severity(severity, settings.severities) if severity is not None else None,
        "kind": parse_choice(IncidentKind, kind, "incident kind").value if kind is not None else None,
        "timezone": require_zone(timezone.strip()).key if timezone is not None else None,
        "visibility": parse_choice(Visibility, visibility, "visibility").value if visibility is not None else None,
    }
    labels = {
        "services": check_labels(services, "service") if services is not None else None,
        "tags": check_labels(tags, "tag") if tags is not None else None,
        "teams": check_labels(teams, "team") if teams is not None else None,
    }
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        before_severity = incident.severity
        for field, value in clean.items():
            if value is not None and getattr(incident, field) != value:
                changes[field] = {"from": getattr(incident, field), "to": value}
                if field == "visibility":
                    set_visibility(session, incident, value)
                else:
                    setattr(incident, field, value)
        services_now, tags_now = [s.name for s in incident.services], [t.name for t in incident.tags]
        new_services = labels["services"] if labels["services"] is not None else services_now
        new_tags = labels["tags"] if labels["tags"] is not None else tags_now
        if new_services != services_now or new_tags != tags_now:
            for name, old, new in (("services", services_now, new_services), ("tags", tags_now, new_tags)):
                if old != new:
                    changes[name] = {"from": old, "to": new}
            incident.services.clear()
            incident.tags.clear()
            session.flush()
            set_labels(incident, IncidentDoc(title=incident.title, severity=incident.severity, services=new_services, tags=new_tags))
        teams_now = [link.team.name for link in incident.team_links]
        if labels["teams"] is not None and labels["teams"] != teams_now:
            changes["teams"] = {"from": teams_now, "to": labels["teams"]}
            incident.team_links.clear()
            session.flush()
            incident.team_links = [
                IncidentTeam(team_id=ensure_team(session, name).id, position=i) for i, name in enumerate(labels["teams"])
            ]
        if not changes:
            return to_doc(incident, settings.key_prefix)
        if "visibility" in changes and incident.visibility == Visibility.RESTRICTED.value:
            _keep_visible_when_restricted(session, ctx, incident)
        if "severity" in changes:
            raised = _severity_rank(incident.severity, settings.severities) < _severity_rank(before_severity, settings.severities)
            note_on_timeline(
                session, ctx, incident, "escalation" if raised else "note", f"severity {before_severity} → {incident.severity}"
            )
        touch(incident)
        record(session, ctx.actor, "incident.updated", incident, changes)
        return to_doc(_reload(session, incident), settings.key_prefix)


def _keep_visible_when_restricted(session: Session, ctx: Context, incident: Incident) -> None:
    from cairn.services.access import admit_owner

    if incident.postmortem is not None:
        for item in incident.postmortem.action_items:
            if item.owner is not None:
                admit_owner(incident, item.owner)
    changer_id = ctx.principal.user_id if ctx.principal is not None else _local_user_id(session, ctx.actor)
    if changer_id is not None and not any(p.user_id == changer_id for p in incident.participants):
        incident.participants.append(Participant(user_id=changer_id, role="responder"))


@retry_stale
def change_status(ctx: Context, key: str, target: str, *, at: When = None) -> IncidentDoc:
    """Mitigate, resolve, close or reopen, recording the matching moment."""
    status = parse_choice(IncidentStatus, target, "incident status")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        current = IncidentStatus(incident.status)
        require_incident_transition(current, status, key_of(ctx, incident))
        zone = require_zone(incident.timezone)
        before = moments = moments_of(incident)
        when = resolve_when(at, zone, what=f"the {status.value} time")
        if status == IncidentStatus.MITIGATED:
            moments = moments.with_moment(KeyMoment.MITIGATED, when)
        elif status == IncidentStatus.RESOLVED and current != IncidentStatus.CLOSED:
            moments = moments.with_moment(KeyMoment.RESOLVED, when)
            if moments.mitigated is None:
                moments = moments.with_moment(KeyMoment.MITIGATED, when)
        elif status == IncidentStatus.OPEN:
            moments = moments.with_moment(KeyMoment.RESOLVED, None)
            if current == IncidentStatus.MITIGATED:
                moments = moments.with_moment(KeyMoment.MITIGATED, None)
        check_order(moments, zone, changed=KeyMoment.MITIGATED if status == IncidentStatus.MITIGATED else KeyMoment.RESOLVED)
        check_change_time(current, status, before, incident.closed_at, when, zone)  # closing, reopening: what moments miss
        store_moments(incident, moments)
        incident.status = status.value
        incident.closed_at = when if status == IncidentStatus.CLOSED else None
        note_on_timeline(session, ctx, incident, STATUS_EVENT_KINDS.get(status, "note"), f"status {current.value} → {status.value}", when)
        touch(incident)
        record(session, ctx.actor, f"incident.{status.value}", incident, {"at": when.isoformat() if when else None})
        return to_doc(_reload(session, incident), ctx.settings.key_prefix)


@dataclass(frozen=True)
class IncidentSummary:
    key: str
    title: str
    kind: str
    severity: str
    status: str
    visibility: str
    timezone: str
    services: list[str]
    teams: list[str]
    moments: KeyMoments
    postmortem_status: str | None
    action_items_open: int

    def to_data(self) -> dict:
        """JSON form shared by the API and `cairn incident list --json`."""
        zone = require_zone(self.timezone)
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "severity": self.severity,
            "status": self.status,
            "visibility": self.visibility,
            "timezone": self.timezone,
            "services": self.services,
            "teams": self.teams,
            "moments": {m.value: v.astimezone(zone).isoformat() for m, v in self.moments.items() if v is not None},
            "durations_seconds": durations_seconds(self.moments),
            "postmortem_status": self.postmortem_status,
            "action_items_open": self.action_items_open,
        }


@dataclass(frozen=True)
class IncidentFilter:
    statuses: list[str] | None = None
    severities: list[str] | None = None
    service: str | None = None
    team: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None


def _filtered(ctx: Context, criteria: IncidentFilter) -> Select:
    query = select(Incident).where(visible_clause(ctx))
    if criteria.statuses:
        values = [parse_choice(IncidentStatus, s, "incident status").value for s in criteria.statuses]
        query = query.where(Incident.status.in_(values))
    if criteria.severities:
        values = [check_severity(s, ctx.settings.severities) for s in criteria.severities]
        query = query.where(Incident.severity.in_(values))
    if criteria.kind:
        query = query.where(Incident.kind == parse_choice(IncidentKind, criteria.kind, "incident kind").value)
    if criteria.service:
        query = query.where(
            Incident.id.in_(select(IncidentService.incident_id).where(IncidentService.name == criteria.service))
        )
    if criteria.team:
        query = query.where(
            Incident.id.in_(
                select(IncidentTeam.incident_id).join(Team, Team.id == IncidentTeam.team_id).where(Team.name == criteria.team)
            )
        )
    if criteria.since:
        query = query.where(Incident.started_at >= ensure_utc(criteria.since))
    if criteria.until:
        query = query.where(Incident.started_at < ensure_utc(criteria.until))
    if criteria.text and criteria.text.strip():
        # Literal substring: % and _ typed by a user match themselves.
        needle = criteria.text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Incident.title).like(f"%{needle}%", escape="\\"))
    return query


SORTS = ("newest", "oldest", "updated", "severity", "key")


def _order(sort: str, severities: list[str]) -> tuple:
    """ORDER BY for a list sort; severity follows the configured order, ties newest first."""
    newest = (Incident.started_at.desc(), Incident.number.desc())
    if sort == "oldest":
        return (Incident.started_at.asc(), Incident.number.asc())
    if sort == "updated":
        return (Incident.updated_at.desc(), Incident.number.desc())
    if sort == "severity":
        rank = case({name: index for index, name in enumerate(severities)}, value=Incident.severity, else_=len(severities))
        return (rank, *newest)
    if sort == "key":
        return (Incident.number.desc(),)
    return newest


def list_incidents(
    ctx: Context, criteria: IncidentFilter | None = None, *, limit: int = 100, offset: int = 0, sort: str = "newest"
) -> tuple[list[IncidentSummary], int]:
    """A page of incidents (newest first unless `sort` says otherwise) and the total that match."""
    criteria = criteria or IncidentFilter()
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}: choose one of {', '.join(SORTS)}")
    if limit < 1 or limit > 1000:
        raise InvalidInput("limit must be between 1 and 1000")
    if offset < 0:
        raise InvalidInput("offset cannot be negative")
    with ctx.db.transaction() as session:
        base = _filtered(ctx, criteria)
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = session.scalars(
            base.options(
                selectinload(Incident.services),
                selectinload(Incident.team_links),
                selectinload(Incident.postmortem),
            )
            .order_by(*_order(sort, ctx.settings.severities))
            .limit(limit)
            .offset(offset)
        ).all()
        open_counts = dict(
            session.execute(
                select(Postmortem.incident_id, func.count(ActionItem.id))
                .join(ActionItem, ActionItem.postmortem_id == Postmortem.id)
                .where(ActionItem.status.in_(["open", "in progress"]))
                .where(Postmortem.incident_id.in_([row.id for row in rows]))
                .group_by(Postmortem.incident_id)
            ).all()
        )
        summaries = [
            IncidentSummary(
                key=key_of(ctx, row),
                title=row.title,
                kind=row.kind,
                severity=row.severity,
                status=row.status,
                visibility=row.visibility,
                timezone=row.timezone,
                services=[s.name for s in row.services],
                teams=[link.team.name for link in row.team_links],
                moments=moments_of(row),
                postmortem_status=row.postmortem.status if row.postmortem else None,
                action_items_open=open_counts.get(row.id, 0),
            )
            for row in rows
        ]
        return summaries, total


@retry_stale
def add_participant(ctx: Context, key: str, username: str, role: str) -> IncidentDoc:
    from cairn.domain.enums import ParticipantRole
    from cairn.services.people import ensure_user, require_user

    role_value = parse_choice(ParticipantRole, role, "participant role").value
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        # The local CLI creates people on first mention; signed-in users pick existing accounts.
        user = ensure_user(session, username) if ctx.principal is None else require_user(session, username)
        if any(p.user_id == user.id and p.role == role_value for p in incident.participants):
            raise Conflict(f"{user.username} is already {role_value} of {key_of(ctx, incident)}")
        incident.participants.append(Participant(user_id=user.id, role=role_value))
        touch(incident)
        record(session, ctx.actor, "participant.added", incident, {"user": user.username, "role": role_value})
        return to_doc(_reload(session, incident), ctx.settings.key_prefix)

