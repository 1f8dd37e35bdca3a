"""Reviewing and publishing a postmortem.

draft -> in review (named reviewers) -> approved (every reviewer approved)
-> published (the completeness checklist passes, or an admin overrides it
with a reason, which is kept). A reviewer asking for changes sends it back to
draft. Comments attach to sections. Every step is in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from cairn.storage.models import Postmortem, ReviewComment, Reviewer

PENDING, APPROVED, CHANGES = "pending", "approved", "changes requested"
GENERAL = "general"


@dataclass(frozen=True)
class ReviewerState:
    user: str
    decision: str
    note: str | None
    decided_at: datetime | None


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

    def to_data(self) -> dict:
        return {
            "incident": self.key, "status": self.status,
            "reviewers": [{"user": r.user, "decision": r.decision, "note": r.note,
                           "decided_at": r.decided_at.isoformat() if r.decided_at else None} for r in self.reviewers],
            "comments": [{"section": c.section, "author": c.author, "body": c.body, "at": c.at.isoformat()} for c in self.comments],
            "published_by": self.published_by, "publish_override": self.publish_override,
        }


def _state(session, ctx: Context, incident) -> ReviewState:  # type: ignore[no-untyped-def]
    pm = incident.postmortem
    reviewers = session.scalars(select(Reviewer).where(Reviewer.postmortem_id == pm.id).order_by(Reviewer.id)).all()
    comments = session.scalars(select(ReviewComment).where(ReviewComment.postmortem_id == pm.id).order_by(ReviewComment.id)).all()
    return ReviewState(
        key_of(ctx, incident), pm.status,
        [ReviewerState(r.user.username, r.decision, r.note, r.decided_at) for r in reviewers],
        [CommentView(c.section, c.author, c.body, c.created_at) for c in comments],
        pm.published_by, pm.publish_override,
    )


def review_state(ctx: Context, key: str) -> ReviewState:
    with ctx.db.transaction() as session:
        return _state(session, ctx, require_incident(session, ctx, key))


def _move(pm: Postmortem, target: PostmortemStatus, key: str) -> None:
    require_postmortem_transition(PostmortemStatus(pm.status), target, key)
    pm.status = target.value
    pm.updated_at = now_utc()


@retry_stale
def request_review(ctx: Context, key: str, reviewers: list[str]) -> ReviewState:
    """Send a draft to review by these people (existing accounts); while in
    review, name the reviewers anew (their decisions start over)."""
    names = sorted({name.strip() for name in reviewers if name.strip()})
    if not names:
        raise InvalidInput("name at least one reviewer")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        users = [require_user(session, name) for name in names]
        pm = incident.postmortem
        if pm.status != PostmortemStatus.IN_REVIEW.value:
            _move(pm, PostmortemStatus.IN_REVIEW, key_of(ctx, incident))
        session.execute(delete(Reviewer).where(Reviewer.postmortem_id == pm.id))
        session.add_all(Reviewer(postmortem_id=pm.id, user_id=user.id, decision=PENDING) for user in users)
        touch(incident)
        record(session, ctx.actor, "review.requested", incident, {"reviewers": names})
        notify_review_requested(session, ctx, incident, users)
        session.flush()
        return _state(session, ctx, incident)


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
        mine.decision, mine.note, mine.decided_at = (APPROVED if approve else CHANGES), text, now_utc()
        session.flush()
        if not approve:
            _move(pm, PostmortemStatus.DRAFT, incident_key)
        elif all(r.decision == APPROVED for r in session.scalars(select(Reviewer).where(Reviewer.postmortem_id == pm.id))):
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
        doc = to_doc(incident, ctx.settings.key_prefix)
        review = review_loaded(session, ctx, incident, doc)
        result = checklist_for(ctx, doc, len(review.findings))
        failing = [f"{c.title} ({c.detail})" for c in result.checks if not c.passed]
        if failing and reason is None:
            raise Conflict(f"{incident_key} is not complete: " + "; ".join(failing) + " (an admin may publish anyway with a reason)")
        _move(pm, PostmortemStatus.PUBLISHED, incident_key)
        pm.published_at, pm.published_by = now_utc(), ctx.actor
        pm.publish_override = reason if failing else None
        touch(incident)
        record(session, ctx.actor, "postmortem.published", incident, {"override": pm.publish_override, "failing": failing})
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


def published_postmortems(ctx: Context, *, limit: int = 200) -> list[Published]:
    """Published postmortems the acting user may see, newest first."""
    from cairn.domain.keys import format_key
    from cairn.services.access import visible_clause
    from cairn.storage.models import Incident

    with ctx.db.transaction() as session:
        rows = session.execute(
            select(Incident.number, Incident.title, Incident.severity, Incident.timezone, Postmortem.summary, Postmortem.published_at)
            .join(Postmortem, Postmortem.incident_id == Incident.id)
            .where(Postmortem.status == PostmortemStatus.PUBLISHED.value, visible_clause(ctx))
            .order_by(Postmortem.published_at.desc().nulls_last(), Incident.number.desc())
            .limit(limit)
        ).all()
    return [Published(format_key(ctx.settings.key_prefix, r.number), r.title, r.severity, r.timezone, r.summary, r.published_at) for r in rows]
