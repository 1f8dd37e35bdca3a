"""Stored incident <-> IncidentDoc.

`to_doc` is how every reader (show, export, pages) sees an incident;
`apply_doc` makes the stored incident match a canonical document, keeping
the identity of events, factors and action items that did not change.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cairn.services.access import admit_owner
from cairn.domain.document import (
    PROSE_SECTIONS,
    ActionItemDoc,
    EventDoc,
    FactorDoc,
    ImpactDoc,
    IncidentDoc,
    ParticipantDoc,
    PostmortemDoc,
    SectionDoc,
    WhyDoc,
)
from cairn.domain.enums import PostmortemStatus
from cairn.domain.keys import format_key
from cairn.domain.log_levels import prefixed_level
from cairn.domain.moments import KeyMoments
from cairn.domain.times import now_utc
from cairn.services.people import ensure_team, ensure_user, require_owner
from cairn.storage.models import (
    ActionItem,
    ContributingFactor,
    FactorWhy,
    Incident,
    IncidentService,
    IncidentTag,
    IncidentTeam,
    ModelConsent,
    Participant,
    Postmortem,
    PostmortemSection,
    TimelineEvent,
)

PROSE_NAMES = [name for name, _ in PROSE_SECTIONS]


def moments_of(incident: Incident) -> KeyMoments:
    return KeyMoments(
        started=incident.started_at,
        detected=incident.detected_at,
        acknowledged=incident.acknowledged_at,
        mitigated=incident.mitigated_at,
        resolved=incident.resolved_at,
    )


def store_moments(incident: Incident, moments: KeyMoments) -> None:
    incident.started_at = moments.started
    incident.detected_at = moments.detected
    incident.acknowledged_at = moments.acknowledged
    incident.mitigated_at = moments.mitigated
    incident.resolved_at = moments.resolved


def event_doc(event: TimelineEvent) -> EventDoc:
    return EventDoc(
        at=event.at,
        kind=event.kind,
        text=event.text,
        actor=event.actor,
        source=event.source,
        ref=event.source_ref,
        id=event.id,
        level=event.level,
        component=event.component,
    )


def event_docs(session: Session, incident_id: int) -> list[EventDoc]:
    """The incident's timeline in order, read as plain rows: for thousands of
    events this is several times faster than loading them as mapped objects."""
    table = TimelineEvent.__table__.c  # the table's columns: a Core query, no ORM row processing
    rows = session.execute(
        select(table.at, table.kind, table.text, table.actor, table.source, table.source_ref, table.id, table.level, table.component)
        .where(table.incident_id == incident_id).order_by(table.at, table.id)
    )
    return [EventDoc(*row) for row in rows.all()]  # columns in EventDoc's field order


def to_doc(incident: Incident, prefix: str, *, events: list[EventDoc] | None = None) -> IncidentDoc:
    """The incident as a document; `events` when the timeline was read apart (`event_docs`)."""
    pm = incident.postmortem
    postmortem = PostmortemDoc()
    factors: list[FactorDoc] = []
    items: list[ActionItemDoc] = []
    if pm is not None:
        postmortem = PostmortemDoc(
            status=pm.status,
            template=pm.template,
            impact=ImpactDoc(
                users_affected=pm.users_affected,
                users_share=pm.users_share,
                duration_minutes=pm.impact_minutes,
                data_loss=pm.data_loss,
                cost=pm.cost,
                slo_budget=pm.slo_budget,
            ),
            risk_likelihood=pm.risk_likelihood,
            risk_severity=pm.risk_severity,
            prose={name: getattr(pm, name) for name in PROSE_NAMES},
            sections=[SectionDoc(s.title, s.body) for s in pm.sections],
        )
        factors = [
            FactorDoc(
                label=f.label,
                description=f.description,
                category=f.category,
                role=f.role,
                services=list(f.services or []),
                whys=[WhyDoc(w.question, w.answer) for w in f.whys],
            )
            for f in pm.factors
        ]
        items = [
            ActionItemDoc(
                label=a.label,
                title=a.title,
                kind=a.kind,
                status=a.status,
                priority=a.priority,
                owner=a.owner.username if a.owner else None,
                due=a.due_date,
                impact=a.impact,
                effort=a.effort,
                closed_at=a.closed_at,
                url=a.external_url,
                note=a.note,
                factors=[f.label for f in a.factors],
            )
            for a in pm.action_items
        ]
    return IncidentDoc(
        key=format_key(prefix, incident.number),
        version=incident.version,
        title=incident.title,
        severity=incident.severity,
        kind=incident.kind,
        status=incident.status,
        visibility=incident.visibility,
        timezone=incident.timezone,
        services=[s.name for s in incident.services],
        teams=[link.team.name for link in incident.team_links],
        tags=[t.name for t in incident.tags],
        moments=moments_of(incident),
        participants=[ParticipantDoc(p.user.username, p.role) for p in incident.participants],
        timeline=[event_doc(e) for e in incident.events] if events is None else events,
        factors=factors,
        action_items=items,
        postmortem=postmortem,
    )


def comparable(doc: IncidentDoc) -> IncidentDoc:
    """The document without fields that do not describe content."""
    from dataclasses import replace

    return replace(
        doc,
        key=None,
        version=None,
        timeline=[replace(e, id=None) for e in doc.timeline],
    )


def set_labels(incident: Incident, doc: IncidentDoc) -> None:
    incident.services = [IncidentService(name=name, position=i) for i, name in enumerate(doc.services)]
    incident.tags = [IncidentTag(name=name, position=i) for i, name in enumerate(doc.tags)]


def set_visibility(session: Session, incident: Incident, visibility: str) -> None:
    """Who may see the incident. Every change of it goes through here: an admin's leave
    to send the record to a model was given for the incident as it was, so a change
    takes the leave back."""
    if incident.id is not None and incident.visibility != visibility:
        session.execute(delete(ModelConsent).where(ModelConsent.incident_id == incident.id))
    incident.visibility = visibility


def apply_doc(session: Session, incident: Incident, doc: IncidentDoc, *, timeline: bool = True) -> None:
    """Make `incident` (already added to the session) match canonical `doc`; with
    `timeline=False` the stored timeline is left as it is (and `doc.timeline` unread), for
    edits of the postmortem that need not load thousands of events."""
    now = now_utc()
    incident.title = doc.title
    incident.severity = doc.severity
    incident.kind = doc.kind
    incident.status = doc.status
    set_visibility(session, incident, doc.visibility)
    incident.timezone = doc.timezone
    store_moments(incident, doc.moments)
    if doc.status == "closed" and incident.closed_at is None:
        incident.closed_at = now
    elif doc.status != "closed":
        incident.closed_at = None

    if [s.name for s in incident.services] != doc.services or [t.name for t in incident.tags] != doc.tags:
        incident.services.clear()
        incident.tags.clear()
        session.flush()
        set_labels(incident, doc)
    if [link.team.name for link in incident.team_links] != doc.teams:
        incident.team_links.clear()
        session.flush()
        incident.team_links = [
            IncidentTeam(team_id=ensure_team(session, name).id, position=i) for i, name in enumerate(doc.teams)
        ]

    wanted_participants = [(p.user, p.role) for p in doc.participants]
    if [(p.user.username, p.role) for p in incident.participants] != wanted_participants:
        incident.participants.clear()
        session.flush()
        incident.participants = [
            Participant(user_id=ensure_user(session, user).id, role=role) for user, role in wanted_participants
        ]

    if timeline:
        _sync_timeline(session, incident, doc.timeline, now)

    pm = incident.postmortem
    if pm is None:
        pm = Postmortem(status=PostmortemStatus.DRAFT.value, created_at=now, updated_at=now, version=1)
        incident.postmortem = pm
    source = doc.postmortem
    if pm.status != source.status and source.status == PostmortemStatus.PUBLISHED.value:
        pm.published_at = now
    pm.status = source.status
    pm.template = source.template
    for name in PROSE_NAMES:
        setattr(pm, name, source.prose.get(name, ""))
    pm.users_affected = source.impact.users_affected
    pm.users_share = source.impact.users_share
    pm.impact_minutes = source.impact.duration_minutes
    pm.data_loss = source.impact.data_loss
    pm.cost = source.impact.cost
    pm.slo_budget = source.impact.slo_budget
    pm.risk_likelihood = source.risk_likelihood
    pm.risk_severity = source.risk_severity
    pm.updated_at = now
    if [(s.title, s.body) for s in pm.sections] != [(s.title, s.body) for s in source.sections]:
        pm.sections.clear()
        session.flush()
        pm.sections = [PostmortemSection(position=i, title=s.title, body=s.body) for i, s in enumerate(source.sections)]
    session.flush()
    factor_by_label = _sync_factors(session, pm, doc.factors)
    _sync_action_items(session, pm, doc.action_items, factor_by_label, now)
    for item in pm.action_items:
        if item.owner is not None:
            admit_owner(incident, item.owner)


def _sync_timeline(session: Session, incident: Incident, events: list[EventDoc], now) -> None:
    def identity(at, kind, actor, text, source, ref):
        return (source, ref) if ref else (at, kind, actor, text, source, None)

    existing = {
        identity(e.at, e.kind, e.actor, e.text, e.source, e.source_ref): e for e in list(incident.events)
    }
    keep: set[int] = set()
    for event in events:
        key = identity(event.at, event.kind, event.actor, event.text, event.source, event.ref)
        stored = existing.pop(key, None)
        if stored is None:
            stored = TimelineEvent(
                at=event.at,
                kind=event.kind,
                actor=event.actor,
                text=event.text,
                source=event.source,
                source_ref=event.ref,
                level=event.level or (prefixed_level(event.text) if event.source == "log" else None),
                component=event.component,
                created_at=now,
            )
            incident.events.append(stored)
        else:
            stored.at, stored.kind, stored.actor, stored.text = event.at, event.kind, event.actor, event.text
        keep.add(id(stored))
    for stale in existing.values():
        incident.events.remove(stale)
    session.flush()


def _numbers(labels: list[str | None]) -> list[int]:
    """Numbers of canonical labels (F3 -> 3); canonical() has set them all."""
    return [int(label[1:]) for label in labels if label]


def _sync_factors(session: Session, pm: Postmortem, factors: list[FactorDoc]) -> dict[str, ContributingFactor]:
    numbers = _numbers([f.label for f in factors])
    stored_by_number = {f.number: f for f in pm.factors}
    result: dict[str, ContributingFactor] = {}
    wanted = set(numbers)
    for stale_number in set(stored_by_number) - wanted:
        pm.factors.remove(stored_by_number.pop(stale_number))
    session.flush()
    for number, factor in zip(numbers, factors):
        stored = stored_by_number.get(number)
        if stored is None:
            stored = ContributingFactor(number=number)
            pm.factors.append(stored)
        stored.description = factor.description
        stored.category = factor.category
        stored.role = factor.role
        stored.services = list(factor.services)
        if [(w.question, w.answer) for w in stored.whys] != [(w.question, w.answer) for w in factor.whys]:
            stored.whys.clear()
            session.flush()
            stored.whys = [FactorWhy(position=i, question=w.question, answer=w.answer) for i, w in enumerate(factor.whys)]
        result[f"F{number}"] = stored
    pm.factors.sort(key=lambda f: f.number)
    session.flush()
    return result


def _sync_action_items(
    session: Session,
    pm: Postmortem,
    items: list[ActionItemDoc],
    factors: dict[str, ContributingFactor],
    now,
) -> None:
    numbers = _numbers([a.label for a in items])
    stored_by_number = {a.number: a for a in pm.action_items}
    for stale_number in set(stored_by_number) - set(numbers):
        pm.action_items.remove(stored_by_number.pop(stale_number))
    session.flush()
    for number, item in zip(numbers, items):
        owner = require_owner(session, item.owner) if item.owner else None
        stored = stored_by_number.get(number)
        if stored is None:
            stored = ActionItem(number=number, created_at=now)
            pm.action_items.append(stored)
        stored.title = item.title
        stored.owner = owner
        stored.due_date = item.due
        stored.impact = item.impact
        stored.effort = item.effort
        stored.priority = item.priority
        stored.kind = item.kind
        stored.status = item.status
        stored.closed_at = item.closed_at
        stored.external_url = item.url
        stored.note = item.note
        stored.factors = [factors[label] for label in item.factors]
        stored.updated_at = now
    pm.action_items.sort(key=lambda a: a.number)
    session.flush()
