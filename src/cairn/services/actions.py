"""Action items: add, change and follow up, across incidents.

Rules: an owner must be a known user and a new due date cannot be in the
past; closing records `closed_at`, so "closed on schedule" is computable;
"won't do" needs a reason. Every change is audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cairn.analysis.stats import median, percentile
from cairn.domain.enums import ActionKind, ActionStatus, parse_choice
from cairn.domain.names import check_line, check_url, check_username
from cairn.domain.priority import check_priority, check_rating, priority_for
from cairn.domain.times import now_utc, parse_date
from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.services.access import admit_owner, require_write, visible_clause
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.incidents import key_of, require_incident, touch
from cairn.services.people import get_user, require_owner
from cairn.services.revisions import after_change, current_text
from cairn.services.notifications import notify_action_assigned
from cairn.storage.db import retry_stale
from cairn.storage.models import ActionItem, ContributingFactor, Incident, IncidentTeam, Participant, Postmortem, Team, TeamMember, User


@dataclass(frozen=True)
class ActionRow:
    key: str
    label: str
    title: str
    owner: str | None
    due: date | None
    priority: str
    kind: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    teams: list[str]
    url: str | None
    ticket: str | None = None
    sync_error: str | None = None

    @property
    def is_open(self) -> bool:
        return not ActionStatus(self.status).is_closed

    def overdue(self, today: date) -> bool:
        return self.is_open and self.due is not None and self.due < today

    def to_data(self, today: date) -> dict:
        return {
            "incident": self.key, "id": self.label, "title": self.title, "owner": self.owner,
            "due": self.due.isoformat() if self.due else None, "priority": self.priority, "kind": self.kind,
            "status": self.status, "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "teams": self.teams, "url": self.url, "ticket": self.ticket, "sync_error": self.sync_error,
            "overdue": self.overdue(today),
        }


def _owner(session, username: str) -> User:  # type: ignore[no-untyped-def]
    return require_owner(session, username)


def _future_due(text: str, today: date) -> date:
    due = parse_date(text)
    if due < today:
        raise InvalidInput(f"due date {due.isoformat()} is in the past (today is {today.isoformat()})")
    return due


@retry_stale
def add_action_item(
    ctx: Context,
    key: str,
    title: str,
    *,
    owner: str,
    due: str,
    kind: str = "prevent",
    impact: int | None = None,
    effort: int | None = None,
    priority: str | None = None,
    factors: list[str] | None = None,
    url: str | None = None,
    today: date | None = None,
    on_added: Callable[[Session, ActionItem], None] | None = None,
) -> ActionRow:
    """`on_added` runs in the same transaction once the item has its id (a drill links its finding there)."""
    require_write(ctx)
    today = today or now_utc().date()
    clean_title = check_line(title, "title", 500)
    kind_value = parse_choice(ActionKind, kind, "action item kind").value
    if impact is not None:
        check_rating(impact, "impact")
    if effort is not None:
        check_rating(effort, "effort")
    if priority:
        priority_value = check_priority(priority)
    elif impact is not None and effort is not None:
        priority_value = priority_for(impact, effort)
    else:
        raise InvalidInput("give an impact and an effort (the priority follows from them) or a priority")
    due_date = _future_due(due, today)
    link = check_url(url, "url") if url else None
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        user = _owner(session, owner)
        pm = incident.postmortem
        assert pm is not None
        before = current_text(ctx, incident)
        linked = _factors(ctx, incident, factors or [])
        now = now_utc()
        item = ActionItem(
            number=max((a.number for a in pm.action_items), default=0) + 1,
            title=clean_title, owner_id=user.id, due_date=due_date, impact=impact, effort=effort,
            priority=priority_value, kind=kind_value, status=ActionStatus.OPEN.value, external_url=link,
            created_at=now, updated_at=now,
        )
        item.factors = linked
        pm.action_items.append(item)
        admit_owner(incident, user)
        session.flush()
        if on_added is not None:
            on_added(session, item)
        touch(incident)
        record(session, ctx.actor, "action.added", incident, {"item": item.label, "owner": user.username, "due": due_date.isoformat()})
        after_change(session, ctx, incident, before, current_text(ctx, incident))
        notify_action_assigned(session, ctx, incident, user, item.label, item.title, item.due_date)
        return _row(ctx, incident, item, user.username)


@retry_stale
def update_action_item(
    ctx: Context,
    key: str,
    label: str,
    *,
    status: str | None = None,
    note: str | None = None,
    owner: str | None = None,
    due: str | None = None,
    priority: str | None = None,
    url: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    factors: list[str] | None = None,
    today: date | None = None,
) -> ActionRow:
    """Change what is given; `factors` replaces the linked factors ([] unlinks all)."""
    today = today or now_utc().date()
    clean_title = check_line(title, "title", 500) if title is not None else None
    kind_value = parse_choice(ActionKind, kind, "action item kind").value if kind is not None else None
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        item = require_item(ctx, incident, label)
        before = current_text(ctx, incident)
        changes: dict[str, str | None] = {}
        if clean_title is not None:
            item.title = clean_title
            changes["title"] = clean_title
        if kind_value is not None:
            item.kind = kind_value
            changes["kind"] = kind_value
        if factors is not None:
            item.factors = _factors(ctx, incident, factors)
            changes["factors"] = ", ".join(f.label for f in item.factors) or "none"
        if owner is not None:
            before = item.owner_id
            item.owner = _owner(session, owner)
            admit_owner(incident, item.owner)
            changes["owner"] = item.owner.username
            if item.owner.id != before:
                notify_action_assigned(session, ctx, incident, item.owner, item.label, item.title, item.due_date)
        if due is not None:
            item.due_date = _future_due(due, today)
            changes["due"] = item.due_date.isoformat()
        if priority is not None:
            item.priority = check_priority(priority)
            changes["priority"] = item.priority
        if url is not None:
            item.external_url = check_url(url, "url") if url else None
            changes["url"] = item.external_url
        if note is not None:
            item.note = check_line(note, "note", 2000) if note.strip() else None
        if status is not None:
            target = parse_choice(ActionStatus, status, "action item status")
            current = ActionStatus(item.status)
            if target == current:
                raise Conflict(f"{item.label} of {key_of(ctx, incident)} is already {current.value}")
            if target == ActionStatus.WONT_DO and not (item.note or "").strip():
                raise InvalidInput("won't do needs a reason: add a note")
            item.status = target.value
            item.closed_at = now_utc() if target.is_closed else None
            changes["status"] = target.value
        if not changes and note is None:
            raise InvalidInput("nothing to change: give a status, owner, due date, priority, link or note")
        item.updated_at = now_utc()
        touch(incident)
        record(session, ctx.actor, "action.updated", incident, {"item": item.label, **changes})
        session.flush()
        after_change(session, ctx, incident, before, current_text(ctx, incident))
        return _row(ctx, incident, item, item.owner.username if item.owner else None)


def _factors(ctx: Context, incident: Incident, labels: list[str]) -> list[ContributingFactor]:
    """The incident's factors named by label (F1, f2...); an unknown label is refused."""
    pm = incident.postmortem
    wanted = {label.strip().upper() for label in labels if label.strip()}
    linked = [f for f in (pm.factors if pm else []) if f.label in wanted]
    missing = wanted - {f.label for f in linked}
    if missing:
        raise InvalidInput(f"no contributing factor {sorted(missing)[0]} in {key_of(ctx, incident)}")
    return linked


def require_item(ctx: Context, incident: Incident, label: str) -> ActionItem:
    wanted = label.strip().upper()
    pm = incident.postmortem
    for item in pm.action_items if pm else []:
        if item.label == wanted:
            return item
    raise NotFound(f"no action item {wanted} in {key_of(ctx, incident)}")


def _row(ctx: Context, incident: Incident, item: ActionItem, owner: str | None) -> ActionRow:
    return ActionRow(
        key=key_of(ctx, incident), label=item.label, title=item.title, owner=owner, due=item.due_date,
        priority=item.priority, kind=item.kind, status=item.status, created_at=item.created_at,
        closed_at=item.closed_at, teams=[link.team.name for link in incident.team_links], url=item.external_url,
        ticket=item.external_key, sync_error=item.sync_error,
    )


def list_action_items(
    ctx: Context,
    *,
    owner: str | None = None,
    team: str | None = None,
    only_open: bool = False,
    overdue: bool = False,
    due_within: int | None = None,
    stalled_after: int | None = None,
    postmortem_owner: str | None = None,
    teams_of: str | None = None,
    today: date | None = None,
) -> list[ActionRow]:
    """Action items across incidents, soonest due first.

    `teams_of`: items of any team this user belongs to (owned by a member, or of the team's incidents);

    `stalled_after`: only open items overdue by at least that many days;
    `postmortem_owner`: items of the postmortems this user owns.
    """
    today = today or now_utc().date()
    with ctx.db.transaction() as session:
        query = (
            select(ActionItem, Incident)
            .join(Postmortem, Postmortem.id == ActionItem.postmortem_id)
            .join(Incident, Incident.id == Postmortem.incident_id)
            .options(selectinload(Incident.team_links))
            .where(visible_clause(ctx))
        )
        if owner:
            query = query.join(User, User.id == ActionItem.owner_id).where(User.username == check_username(owner, "owner"))
        if team:
            members = select(TeamMember.user_id).join(Team, Team.id == TeamMember.team_id).where(Team.name == team)
            incidents = select(IncidentTeam.incident_id).join(Team, Team.id == IncidentTeam.team_id).where(Team.name == team)
            query = query.where((ActionItem.owner_id.in_(members)) | (Incident.id.in_(incidents)))
        if teams_of:
            their_teams = (
                select(TeamMember.team_id).join(User, User.id == TeamMember.user_id)
                .where(User.username == check_username(teams_of, "user"))
            )
            members = select(TeamMember.user_id).where(TeamMember.team_id.in_(their_teams))
            incidents = select(IncidentTeam.incident_id).where(IncidentTeam.team_id.in_(their_teams))
            query = query.where((ActionItem.owner_id.in_(members)) | (Incident.id.in_(incidents)))
        if postmortem_owner:
            owned = (
                select(Participant.incident_id)
                .join(User, User.id == Participant.user_id)
                .where(User.username == check_username(postmortem_owner, "owner"), Participant.role == "owner")
            )
            query = query.where(Incident.id.in_(owned))
        if stalled_after is not None:
            query = query.where(ActionItem.due_date <= today - timedelta(days=stalled_after))
        if only_open or overdue or due_within is not None or stalled_after is not None:
            query = query.where(ActionItem.status.in_([ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value]))
        if overdue:
            query = query.where(ActionItem.due_date < today)
        if due_within is not None:
            query = query.where(ActionItem.due_date >= today, ActionItem.due_date <= today + timedelta(days=due_within))
        rows = session.execute(query).all()
        result = [_row(ctx, incident, item, item.owner.username if item.owner else None) for item, incident in rows]
    result.sort(key=lambda r: (r.due or date.max, r.key, r.label))
    return result


@dataclass(frozen=True)
class OnSchedule:
    on_time: int
    judged: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


@dataclass(frozen=True)
class ActionStats:
    overall: OnSchedule
    by_team: dict[str, OnSchedule]
    by_priority: dict[str, OnSchedule]
    by_month: dict[str, OnSchedule]
    open_overdue: int
    open_count: int
    age_median_days: float | None
    age_p90_days: float | None


def action_stats(ctx: Context, *, today: date | None = None) -> ActionStats:
    """Closed on schedule: done on or before the due date, among items that
    are done or whose due date has passed; 'won't do' and undated items are
    not judged. Month is the due date's month. Ages are of open items."""
    today = today or now_utc().date()
    rows = list_action_items(ctx, today=today)

    def judge(items: list[ActionRow]) -> OnSchedule:
        judged = [
            r for r in items
            if r.due is not None and r.status != ActionStatus.WONT_DO.value
            and (r.status == ActionStatus.DONE.value or r.due < today)
        ]
        on_time = [r for r in judged if r.status == ActionStatus.DONE.value and r.closed_at and r.closed_at.date() <= r.due]
        return OnSchedule(len(on_time), len(judged))

    groups: dict[str, dict[str, list[ActionRow]]] = {"team": defaultdict(list), "priority": defaultdict(list), "month": defaultdict(list)}
    for row in rows:
        for team in row.teams or ["(no team)"]:
            groups["team"][team].append(row)
        groups["priority"][row.priority].append(row)
        if row.due:
            groups["month"][row.due.strftime("%Y-%m")].append(row)
    open_rows = [r for r in rows if r.is_open]
    ages = [(today - r.created_at.date()).days for r in open_rows]
    return ActionStats(
        overall=judge(rows),
        by_team={name: judge(items) for name, items in sorted(groups["team"].items())},
        by_priority={name: judge(items) for name, items in sorted(groups["priority"].items())},
        by_month={name: judge(items) for name, items in sorted(groups["month"].items())},
        open_overdue=sum(r.overdue(today) for r in rows),
        open_count=len(open_rows),
        age_median_days=median(ages),
        age_p90_days=percentile(ages, 0.9),
    )


