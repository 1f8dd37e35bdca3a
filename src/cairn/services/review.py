"""Reviewing and publishing a postmortem.

draft -> in review (named reviewers) -> approved (every reviewer approved
the current text) -> published (the completeness checklist passes, or an
admin overrides it with a reason, which is kept). A reviewer asking for
changes sends it back to draft. Comments attach to sections. Every step is
in the audit trail. What a later change does to approvals and to a published
text is in `services/revisions.py`.

The postmortem's reviewers are its participants with role "reviewer": naming
the reviewers sets those participants, so the two never disagree. The author
(see `revisions.authors`) may review, but not alone, unless an admin
overrides that with a reason (audited as `review.author_only_override`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select

from cairn.domain.enums import PostmortemStatus
from cairn.domain.lifecycle import require_postmortem_transition
from cairn.domain.names import check_line
from cairn.domain.times import now_utc
from cairn.errors import Conflict, Forbidden, InvalidInput
from cairn.services.completeness import checklist_for
from cairn.services.access import require_admin
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.services.editing import section_names
from cairn.services.incidents import key_of, require_incident, touch
from cairn.services.lint import review_loaded
from cairn.services.notifications import notify_comment, notify_review_decided, notify_review_requested
from cairn.services.people import require_user
from cairn.storage.db import retry_stale
from cairn.domain.revision import digest
from cairn.services.revisions import authors, current_text, keep_revision, latest_revision
from cairn.storage.models import Participant, Postmortem, ReviewComment, Reviewer

PENDING, APPROVED, CHANGES = "pending", "approved", "changes requested"
GENERAL = "general"


@dataclass(frozen=True)
class ReviewerState:
    user: str
    decision: str
    note: str | None
    decided_at: datetime | None
    current: bool  # approved, and the text has not changed since


@dataclass(frozen=True)
class CommentView:
    section: str
    author: str | None
    body: str
    at: datetime


@dataclass(frozen=True)
class ReviewState:
    key: str
    status: str
    reviewers: list[ReviewerState]
    comments: list[CommentView]
    published_by: str | None
    publish_override: str | None
    authors: list[str]
    published_revision: int | None

    def to_data(self) -> dict:
        return {
            "incident": self.key, "status": self.status,
            "reviewers": [{"user": r.user, "decision": r.decision, "note": r.note,
                           "decided_at": r.decided_at.isoformat() if r.decided_at else None,
                           "approved_current": r.current} for r in self.reviewers],
            "authors": self.authors, "published_revision": self.published_revision,
            "comments": [{"section": c.section, "author": c.author, "body": c.body, "at": c.at.isoformat()} for c in self.comments],
            "published_by": self.published_by, "publish_override": self.publish_override,
        }


def _state(session, ctx: Context, incident) -> ReviewState:  # type: ignore[no-untyped-def]
    pm = incident.postmortem
    reviewers = session.scalars(select(Reviewer).where(Reviewer.postmortem_id == pm.id).order_by(Reviewer.id)).all()
    comments = session.scalars(select(ReviewComment).where(ReviewComment.postmortem_id == pm.id).order_by(ReviewComment.id)).all()
    now = digest(current_text(ctx, incident))
    revision = latest_revision(session, pm)
    published = revision.number if revision else (1 if pm.status == PostmortemStatus.PUBLISHED.value else None)
    return ReviewState(
        key_of(ctx, incident), pm.status,
        [ReviewerState(r.user.username, r.decision, r.note, r.decided_at, r.decision == APPROVED and r.approved_digest == now) for r in reviewers],
        [CommentView(c.section, c.author, c.body, c.created_at) for c in comments],
        pm.published_by, pm.publish_override, sorted(authors(session, incident)), published,
    )


def review_state(ctx: Context, key: str) -> ReviewState:
    with ctx.db.transaction() as session:
        return _state(session, ctx, require_incident(session, ctx, key))


def _move(pm: Postmortem, target: PostmortemStatus, key: str) -> None:
    require_postmortem_transition(PostmortemStatus(pm.status), target, key)
    pm.status = target.value
    pm.updated_at = now_utc()


@retry_stale
def request_review(ctx: Context, key: str, reviewers: list[str], *, override: str | None = None) -> ReviewState:
    """Send a draft to review by these people (existing accounts); while in
    review, name the reviewers anew (their decisions start over). They become
    the incident's "reviewer" participants. The author alone is refused,
    unless an admin gives a reason (`override`)."""
    names = sorted({name.strip() for name in reviewers if name.strip()})
    if not names:
        raise InvalidInput("name at least one reviewer")
    reason = check_line(override, "override reason", 2000) if override and override.strip() else None
    if reason is not None:
        require_admin(ctx)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        users = [require_user(session, name) for name in names]
        incident_key = key_of(ctx, incident)
        writers = authors(session, incident)
        alone = bool(writers) and set(names) <= writers
        if alone and reason is None:
            raise InvalidInput(
                f"{', '.join(names)} wrote the postmortem of {incident_key} and cannot be its only reviewer: "
                "name someone else too (an admin may override this with a reason)"
            )
        pm = incident.postmortem
        if pm.status != PostmortemStatus.IN_REVIEW.value:
            _move(pm, PostmortemStatus.IN_REVIEW, incident_key)
        session.execute(delete(Reviewer).where(Reviewer.postmortem_id == pm.id))
        session.add_all(Reviewer(postmortem_id=pm.id, user_id=user.id, decision=PENDING) for user in users)
        _reviewer_participants(incident, users)
        touch(incident)
        record(session, ctx.actor, "review.requested", incident, {"reviewers": names})
        if alone:
            record(session, ctx.actor, "review.author_only_override", incident, {"reviewers": names, "reason": reason})
        notify_review_requested(session, ctx, incident, users)
        session.flush()
        return _state(session, ctx, incident)


def _reviewer_participants(incident, users) -> None:  # type: ignore[no-untyped-def]
    """The participants with role reviewer are exactly the named reviewers."""
    wanted = {user.id for user in users}
    for participant in [p for p in incident.participants if p.role == "reviewer" and p.user_id not in wanted]:
        incident.participants.remove(participant)
    present = {p.user_id for p in incident.participants if p.role == "reviewer"}
    incident.participants.extend(Participant(user_id=user.id, role="reviewer") for user in users if user.id not in present)


@retry_stale
def decide(ctx: Context, key: str, *, approve: bool, note: str | None = None) -> ReviewState:
    """A named reviewer approves, or asks for changes (with a note: what and why)."""
    who = ctx.principal.username if ctx.principal else ctx.actor
    text = check_line(note, "note", 5000) if note and note.strip() else None
    if not approve and text is None:
        raise InvalidInput("say what should change: a note is required to request changes")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        pm = incident.postmortem
        incident_key = key_of(ctx, incident)
        if pm.status != PostmortemStatus.IN_REVIEW.value:
            raise Conflict(f"the postmortem of {incident_key} is {pm.status}, not in review")
        mine = next((r for r in session.scalars(select(Reviewer).where(Reviewer.postmortem_id == pm.id)) if r.user.username == who), None)
        if mine is None:
            raise Forbidden(f"{who or 'you'} is not a reviewer of {incident_key}")
        now = digest(current_text(ctx, incident))
        mine.decision, mine.note, mine.decided_at = (APPROVED if approve else CHANGES), text, now_utc()
        mine.approved_digest = now if approve else None
        session.flush()
        if not approve:
            _move(pm, PostmortemStatus.DRAFT, incident_key)
        elif all(r.decision == APPROVED and r.approved_digest == now for r in session.scalars(select(Reviewer).where(Reviewer.postmortem_id == pm.id))):
            _move(pm, PostmortemStatus.APPROVED, incident_key)
        touch(incident)
        record(session, ctx.actor, "review.approved" if approve else "review.changes_requested", incident, {"note": text})
        notify_review_decided(session, ctx, incident, approved=approve, note=text)
        return _state(session, ctx, incident)


@retry_stale
def publish(ctx: Context, key: str, *, override: str | None = None) -> ReviewState:
    """Publish an approved postmortem; refused while checklist items fail, unless an
    admin overrides with a reason (kept on the postmortem and in the audit trail)."""
    reason = check_line(override, "override reason", 2000) if override and override.strip() else None
    if reason is not None:
        require_admin(ctx)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        pm = incident.postmortem
        incident_key = key_of(ctx, incident)
        if pm.status != PostmortemStatus.APPROVED.value:
            raise Conflict(f"the postmortem of {incident_key} is {pm.status}: it is published once its reviewers approved it")
        text = current_text(ctx, incident)
        approvals = session.scalars(select(Reviewer).where(Reviewer.postmortem_id == pm.id)).all()
        stale = [r.user.username for r in approvals if r.decision != APPROVED or r.approved_digest != digest(text)]
        if not approvals:
            raise Conflict(f"the postmortem of {incident_key} has no named reviewers: send it to review first")
        if stale:
            raise Conflict(
                f"the postmortem of {incident_key} changed since {', '.join(stale)} approved it "
                "(written outside Cairn's services): save any change in the editor to send it back to review"
            )
        doc = to_doc(incident, ctx.settings.key_prefix)
        review = review_loaded(session, ctx, incident, doc)
        result = checklist_for(ctx, doc, len(review.findings))
        failing = [f"{c.title} ({c.detail})" for c in result.checks if not c.passed]
        if failing and reason is None:
            raise Conflict(f"{incident_key} is not complete: " + "; ".join(failing) + " (an admin may publish anyway with a reason)")
        _move(pm, PostmortemStatus.PUBLISHED, incident_key)
        pm.published_at, pm.published_by = now_utc(), ctx.actor
        pm.publish_override = reason if failing else None
        revision = keep_revision(session, pm, text, ctx.actor, [r.user.username for r in approvals])
        touch(incident)
        record(session, ctx.actor, "postmortem.published", incident, {"override": pm.publish_override, "failing": failing, "revision": revision.number})
        return _state(session, ctx, incident)


def comment(ctx: Context, key: str, section: str, body: str) -> ReviewState:
    """A review comment on one section (its id, e.g. summary, or `general`)."""
    text = body.strip()
    if not text:
        raise InvalidInput("the comment is empty")
    if len(text) > 10_000:
        raise InvalidInput("a comment holds at most 10,000 characters")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        doc = to_doc(incident, ctx.settings.key_prefix)
        titles = {name: title for name, title, _text in section_names(doc)} | {GENERAL: "general"}
        if section not in titles:
            raise InvalidInput(f"no section {section!r}: use one of {', '.join(titles)}")
        session.add(ReviewComment(postmortem_id=incident.postmortem.id, section=section, author=ctx.actor, body=text, created_at=now_utc()))
        record(session, ctx.actor, "review.commented", incident, {"section": section})
        notify_comment(session, ctx, incident, section, titles[section])
        session.flush()
        return _state(session, ctx, incident)


@dataclass(frozen=True)
class Published:
    key: str
    title: str
    severity: str
    zone: str
    summary: str
    published_at: datetime | None
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    services: tuple[str, ...] = ()
    newer_draft: int | None = None  # the published revision's number, while a newer draft is written

    @property
    def duration(self):  # type: ignore[no-untyped-def]
        """Start to resolution, when both are known."""
        if self.started_at and self.resolved_at:
            return self.resolved_at - self.started_at
        return None


def published_postmortems(
    ctx: Context, *, limit: int = 200, text: str = "", service: str = "", severity: str = "", year: int | None = None,
) -> list[Published]:
    """Published postmortems the acting user may see, newest publication first,
    narrowed by words in the title or summary, a service, a severity and the
    year of publication (in UTC). One being revised stays listed with its
    published text's summary, not the draft's."""
    from sqlalchemy import exists, or_

    from cairn.domain.keys import format_key
    from cairn.domain.revision import section_of
    from cairn.services.access import visible_clause
    from cairn.storage.models import Incident, IncidentService, PostmortemRevision

    revised = exists().where(PostmortemRevision.postmortem_id == Postmortem.id)
    query = (
        select(Postmortem.id.label("pm_id"), Postmortem.status, Incident.id, Incident.number, Incident.title, Incident.severity,
               Incident.timezone, Incident.started_at, Incident.resolved_at, Postmortem.summary, Postmortem.published_at)
        .join(Postmortem, Postmortem.incident_id == Incident.id)
        .where(or_(Postmortem.status == PostmortemStatus.PUBLISHED.value, revised), visible_clause(ctx))
    )
    if severity:
        query = query.where(Incident.severity == severity)
    if service:
        query = query.where(Incident.id.in_(select(IncidentService.incident_id).where(IncidentService.name == service)))
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Incident.title.ilike(pattern, escape="\\") | Postmortem.summary.ilike(pattern, escape="\\"))
    if year is not None:
        begin, end = datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)
        query = query.where(Postmortem.published_at >= begin, Postmortem.published_at < end)
    with ctx.db.transaction() as session:
        rows = session.execute(
            query.order_by(Postmortem.published_at.desc().nulls_last(), Incident.number.desc()).limit(limit)
        ).all()
        services: dict[int, list[str]] = {}
        if rows:
            for link in session.execute(
                select(IncidentService.incident_id, IncidentService.name)
                .where(IncidentService.incident_id.in_([r.id for r in rows])).order_by(IncidentService.position)
            ):
                services.setdefault(link.incident_id, []).append(link.name)
        drafts = {r.pm_id for r in rows if r.status != PostmortemStatus.PUBLISHED.value}
        kept = {}
        for revision in session.scalars(
            select(PostmortemRevision).where(PostmortemRevision.postmortem_id.in_(drafts)).order_by(PostmortemRevision.number)
        ):
            kept[revision.postmortem_id] = revision  # the newest wins
    out = []
    for r in rows:
        revision = kept.get(r.pm_id)
        summary = section_of(revision.text, "Summary") if revision else r.summary
        out.append(Published(
            format_key(ctx.settings.key_prefix, r.number), r.title, r.severity, r.timezone, summary, r.published_at,
            r.started_at, r.resolved_at, tuple(services.get(r.id, [])), revision.number if revision else None,
        ))
    return out
