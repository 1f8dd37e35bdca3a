"""Revisions of a postmortem, and what a change does to its review.

An approval is for the text approved (`Reviewer.approved_digest`). When the
reviewed text changes (see `cairn.domain.revision`):

- in review: approvals already given are withdrawn (they were for older text);
- approved: the postmortem goes back to review, every decision starts over;
- published: the published text stays what readers see (it is kept as a
  revision) and the postmortem becomes a draft of the next revision.

Reviewers whose approval was withdrawn are told through the audit trail
(action `review.returned`, detail `reviewers`: their usernames) and through
every listener registered with `on_review_returned`, called inside the same
transaction; the notifications inbox subscribes there.

Who is the author: the participants with role owner; with none, whoever made
the most postmortem edits according to the audit trail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cairn.domain.document import IncidentDoc
from cairn.domain.enums import PostmortemStatus
from cairn.domain.revision import diff_lines, digest, revision_text
from cairn.domain.times import now_utc
from cairn.errors import NotFound
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.storage.models import AuditEvent, Incident, Postmortem, PostmortemRevision, Reviewer

PENDING, APPROVED = "pending", "approved"
RETURNED = "review.returned"
# Audit actions that write the postmortem's text: who made most of them wrote it.
WRITING_ACTIONS = ("postmortem.section_saved", "postmortem.impact_saved", "factor.added", "factor.updated", "factor.removed", "action.added")

ReturnedListener = Callable[[Session, Incident, list[str]], None]
_listeners: list[ReturnedListener] = []


def on_review_returned(listener: ReturnedListener) -> ReturnedListener:
    """Call `listener(session, incident, usernames)` whenever approvals are withdrawn
    by a change; usable as a decorator. Listeners run in the writing transaction."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def remove_review_listener(listener: ReturnedListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def current_text(ctx: Context, incident: Incident) -> str:
    return revision_text(to_doc(incident, ctx.settings.key_prefix))


def reviewers_of(session: Session, pm: Postmortem) -> list[Reviewer]:
    return list(session.scalars(select(Reviewer).where(Reviewer.postmortem_id == pm.id).order_by(Reviewer.id)))


def after_change(session: Session, ctx: Context, incident: Incident, before: str, after: str) -> str | None:
    """Apply the review rule to a change of the reviewed text; the new status if it moved."""
    pm = incident.postmortem
    if pm is None or before == after:
        return None
    status = PostmortemStatus(pm.status)
    if status == PostmortemStatus.PUBLISHED:
        if latest_revision(session, pm) is None:  # published before revisions were kept (import, demo)
            keep_revision(session, pm, before, pm.published_by, [r.user.username for r in reviewers_of(session, pm) if r.decision == APPROVED])
        for reviewer in reviewers_of(session, pm):  # their approvals stay on the revision, not on the new draft
            reviewer.decision, reviewer.note, reviewer.decided_at, reviewer.approved_digest = PENDING, None, None, None
        pm.status = PostmortemStatus.DRAFT.value
        pm.updated_at = now_utc()
        record(session, ctx.actor, "postmortem.revision_started", incident, {"published_revision": latest_revision(session, pm).number})
        return pm.status
    if status not in (PostmortemStatus.IN_REVIEW, PostmortemStatus.APPROVED):
        return None
    told = []
    for reviewer in reviewers_of(session, pm):
        if reviewer.decision == APPROVED:
            told.append(reviewer.user.username)
        if status == PostmortemStatus.APPROVED or reviewer.decision == APPROVED:
            reviewer.decision, reviewer.note, reviewer.decided_at, reviewer.approved_digest = PENDING, None, None, None
    if status == PostmortemStatus.APPROVED:
        pm.status = PostmortemStatus.IN_REVIEW.value
        pm.updated_at = now_utc()
    if told:
        session.flush()
        record(session, ctx.actor, RETURNED, incident, {"reviewers": told, "reason": "the document changed after their approval"})
        for listener in list(_listeners):
            listener(session, incident, told)
    return pm.status if status == PostmortemStatus.APPROVED else None


def authors(session: Session, incident: Incident) -> set[str]:
    """The author(s): participants with role owner, else the most frequent writer in the audit trail."""
    owners = {p.user.username for p in incident.participants if p.role == "owner"}
    if owners:
        return owners
    rows = session.scalars(
        select(AuditEvent.actor).where(AuditEvent.incident_id == incident.id, AuditEvent.action.in_(WRITING_ACTIONS), AuditEvent.actor.is_not(None))
    ).all()
    counts = Counter(rows).most_common()
    return {name for name, count in counts if count == counts[0][1]} if counts else set()


def latest_revision(session: Session, pm: Postmortem) -> PostmortemRevision | None:
    return session.scalar(select(PostmortemRevision).where(PostmortemRevision.postmortem_id == pm.id).order_by(PostmortemRevision.number.desc()).limit(1))


def keep_revision(session: Session, pm: Postmortem, text: str, published_by: str | None, approved_by: list[str]) -> PostmortemRevision:
    number = (session.scalar(select(func.max(PostmortemRevision.number)).where(PostmortemRevision.postmortem_id == pm.id)) or 0) + 1
    revision = PostmortemRevision(
        postmortem_id=pm.id, number=number, text=text, digest=digest(text),
        published_at=pm.published_at or now_utc(), published_by=published_by, approved_by=sorted(approved_by),
    )
    session.add(revision)
    session.flush()
    return revision


@dataclass(frozen=True)
class RevisionView:
    number: int
    published_at: datetime
    published_by: str | None
    approved_by: list[str]
    text: str

    def to_data(self, *, with_text: bool = True) -> dict:
        data = {"number": self.number, "published_at": self.published_at.isoformat(), "published_by": self.published_by, "approved_by": self.approved_by}
        if with_text:
            data["text"] = self.text
        return data


@dataclass(frozen=True)
class History:
    key: str
    status: str
    revisions: list[RevisionView]  # oldest first
    draft: str  # the text as it stands now
    draft_differs: bool  # the current text is newer than the last published revision

    @property
    def published(self) -> RevisionView | None:
        return self.revisions[-1] if self.revisions else None

    def to_data(self) -> dict:
        return {
            "incident": self.key, "status": self.status,
            "published_revision": self.published.number if self.published else None,
            "newer_draft": self.draft_differs,
            "revisions": [r.to_data(with_text=False) for r in self.revisions],
        }


def _view(row: PostmortemRevision) -> RevisionView:
    return RevisionView(row.number, row.published_at, row.published_by, list(row.approved_by or []), row.text)


def history_of(session: Session, ctx: Context, incident: Incident, doc: IncidentDoc) -> History:
    """The revision history of a loaded incident whose document is `doc`."""
    from cairn.services.incidents import key_of

    pm = incident.postmortem
    rows = session.scalars(select(PostmortemRevision).where(PostmortemRevision.postmortem_id == pm.id).order_by(PostmortemRevision.number)).all()
    text = revision_text(doc)
    views = [_view(row) for row in rows]
    if not views and pm.status == PostmortemStatus.PUBLISHED.value:
        # Published before revisions were kept: the current text is revision 1.
        views = [RevisionView(1, pm.published_at or pm.updated_at, pm.published_by, [], text)]
    differs = bool(views) and views[-1].text != text
    return History(key_of(ctx, incident), pm.status, views, text, differs)


def revision_history(ctx: Context, key: str) -> History:
    """Every published revision of the postmortem, and whether a newer draft exists."""
    from cairn.services.incidents import require_incident

    with ctx.db.transaction() as session:
        # The reviewed text has no timeline: thousands of events need not be loaded.
        incident = require_incident(session, ctx, key, full=True, events=False)
        return history_of(session, ctx, incident, to_doc(incident, ctx.settings.key_prefix, events=[]))


def pick(history: History, number: int) -> RevisionView:
    for revision in history.revisions:
        if revision.number == number:
            return revision
    known = ", ".join(str(r.number) for r in history.revisions) or "none yet"
    raise NotFound(f"{history.key} has no revision {number} (published revisions: {known})")


def revision_diff(history: History, old: int, new: int | None) -> list[str]:
    """The unified diff from revision `old` to revision `new` (None: the current draft)."""
    before = pick(history, old)
    if new is None:
        return diff_lines(before.text, history.draft, f"revision {old}", "current draft")
    return diff_lines(before.text, pick(history, new).text, f"revision {old}", f"revision {new}")
