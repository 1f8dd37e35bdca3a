"""Telling people what concerns them: an inbox in the app, and the reminder
channels (e-mail, a team's Slack or JSON webhook) for those who want them.

A notification is written in the same transaction as the change it reports
(`notify(...)` and the `notify_*` helpers take the caller's session), so a
change that rolls back tells nobody. Each row is unique per person and
`dedup_key`: the jobs that look for duties (a postmortem owed, then
overdue) can run on every server and as often as they like. Deliveries by
the other channels are claimed in the database before they are sent, like
reminders (services/reminders.py): never twice, and a failed one is tried
again on the next run.

A notification acts for its recipient (services/access.py): nobody is told
of an incident they may not see, and a restricted incident never goes to a
team's shared channel, only to the recipient's inbox and e-mail.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from cairn.domain.enums import Visibility
from cairn.domain.keys import format_key
from cairn.domain.names import check_labels
from cairn.domain.times import now_utc
from cairn.errors import InvalidInput
from cairn.services.access import user_can_see
from cairn.services.context import Context
from cairn.services.notify import DeliveryFailed, load_channels, post_json, send_email
from cairn.storage.models import (
    Incident,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    Subscription,
    Team,
    TeamMember,
    User,
)

# kind -> what the preferences page calls it
KINDS = {
    "review_requested": "Review requested from me",
    "review_decided": "Approval or changes requested on a postmortem I own",
    "comment": "A comment on my section",
    "postmortem_owed": "A postmortem I owe",
    "postmortem_overdue": "A postmortem I owe is overdue",
    "action_assigned": "An action item assigned to me",
    "severe_incident": "A new SEV1/SEV2 of a service or team I follow",
}
CHANNELS = {"in_app": "Inbox", "email": "E-mail", "slack": "Slack", "webhook": "Webhook"}  # Slack and webhook: the team's
DEFAULT_ON = {"in_app", "email"}  # a team's shared channels are opt-in: they are read by others
SHARED = {"slack", "webhook"}
SEVERE = 2  # the first two severities of the configured list (SEV1, SEV2)
OWNER_ROLES = ("owner", "incident commander", "facilitator", "responder")  # as services/policy.py
DELIVERY_WINDOW = timedelta(days=7)  # older undelivered notifications are no longer news


def preferences(session: Session, user_id: int) -> dict[tuple[str, str], bool]:
    """Every (kind, channel) with its setting, the defaults filled in."""
    chosen = {(p.kind, p.channel): p.enabled for p in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    return {(kind, channel): chosen.get((kind, channel), channel in DEFAULT_ON) for kind in KINDS for channel in CHANNELS}


def notify(
    session: Session,
    ctx: Context,
    recipient: User,
    kind: str,
    incident: Incident | None,
    text: str,
    *,
    link: str | None = None,
    dedup: str | None = None,
) -> bool:
    """Tell `recipient` (in the caller's transaction); True if a notification was written.

    Nobody is told of their own action, nor of an incident they may not see;
    with `dedup`, a second call with the same key for the same person does
    nothing. Other services (reviews, incident updates) call this or the
    `notify_*` helpers below at the point where the event happens.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not recipient.is_active or recipient.username == _actor_name(ctx):
        return False
    if incident is not None and not user_can_see(recipient, incident):
        return False
    prefs = preferences(session, recipient.id)
    in_app = prefs[(kind, "in_app")]
    if not any(prefs[(kind, channel)] for channel in CHANNELS):
        return False
    key = dedup or f"{kind}:{uuid.uuid4().hex}"
    exists = session.scalar(select(Notification.id).where(Notification.user_id == recipient.id, Notification.dedup_key == key))
    if exists is not None:
        return False
    session.add(Notification(
        user_id=recipient.id, kind=kind, incident_id=incident.id if incident is not None else None,
        text=text[:2000], link=link, dedup_key=key[:200], in_app=in_app, created_at=now_utc(),
    ))
    return True


def _actor_name(ctx: Context) -> str | None:
    if ctx.principal is not None:
        return ctx.principal.username
    return (ctx.actor or "").split(" via ")[0] or None


def _key(ctx: Context, incident: Incident) -> str:
    return format_key(ctx.settings.key_prefix, incident.number)


def _who(ctx: Context) -> str:
    return _actor_name(ctx) or "someone"


def postmortem_owner(incident: Incident) -> User | None:
    """Who owns the postmortem: the named owner, else the commander, facilitator, first responder."""
    for role in OWNER_ROLES:
        for participant in incident.participants:
            if participant.role == role:
                return participant.user
    return None


def notify_review_requested(session: Session, ctx: Context, incident: Incident, reviewers: list[User]) -> int:
    key = _key(ctx, incident)
    return sum(notify(session, ctx, user, "review_requested", incident,
                      f"{_who(ctx)} asked you to review the postmortem of {key}: {incident.title}",
                      link=f"/incidents/{key}/postmortem") for user in reviewers)


def notify_review_decided(session: Session, ctx: Context, incident: Incident, *, approved: bool, note: str | None = None) -> int:
    owner = postmortem_owner(incident)
    if owner is None:
        return 0
    key = _key(ctx, incident)
    what = "approved" if approved else "asked for changes to"
    text = f"{_who(ctx)} {what} the postmortem of {key}: {incident.title}" + (f" — “{note}”" if note else "")
    return int(notify(session, ctx, owner, "review_decided", incident, text, link=f"/incidents/{key}/postmortem"))


def section_author(session: Session, incident: Incident, section: str) -> User | None:
    """Whoever saved the section last, else the postmortem's owner."""
    from cairn.storage.models import AuditEvent

    for event in session.scalars(
        select(AuditEvent).where(AuditEvent.incident_id == incident.id, AuditEvent.action == "postmortem.section_saved")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ):
        if (event.detail or {}).get("section") == section and event.actor:
            user = session.scalar(select(User).where(User.username == event.actor.split(" via ")[0]))
            if user is not None:
                return user
    return postmortem_owner(incident)


def notify_comment(session: Session, ctx: Context, incident: Incident, section: str, title: str) -> int:
    author = section_author(session, incident, section)
    if author is None:
        return 0
    key = _key(ctx, incident)
    return int(notify(session, ctx, author, "comment", incident,
                      f"{_who(ctx)} commented on “{title}” in the postmortem of {key}: {incident.title}",
                      link=f"/incidents/{key}/postmortem"))


def notify_action_assigned(session: Session, ctx: Context, incident: Incident, owner: User, label: str, title: str, due: date | None) -> int:
    key = _key(ctx, incident)
    when = f", due {due.isoformat()}" if due else ""
    return int(notify(session, ctx, owner, "action_assigned", incident,
                      f"{_who(ctx)} gave you action item {key} {label}: {title}{when}", link=f"/incidents/{key}/postmortem"))


def notify_severe_incident(session: Session, ctx: Context, incident: Incident) -> int:
    """Subscribers of the incident's services and teams, when it is (or becomes) SEV1/SEV2.

    The key names the severity, so raising SEV2 to SEV1 tells them again, but
    saving an incident twice at SEV1 does not.
    """
    ranks = {name.casefold(): index for index, name in enumerate(ctx.settings.severities)}
    if ranks.get(incident.severity.casefold(), SEVERE) >= SEVERE:
        return 0
    services = [s.name for s in incident.services]
    teams = [link.team.name for link in incident.team_links]
    clauses = []
    if services:
        clauses.append((Subscription.target == "service") & Subscription.name.in_(services))
    if teams:
        clauses.append((Subscription.target == "team") & Subscription.name.in_(teams))
    if not clauses:
        return 0
    from sqlalchemy import or_

    users = session.scalars(select(User).join(Subscription, Subscription.user_id == User.id).where(or_(*clauses)).distinct())
    key = _key(ctx, incident)
    text = f"New {incident.severity}: {key} {incident.title} ({', '.join(services + teams)})"
    return sum(notify(session, ctx, user, "severe_incident", incident, text, link=f"/incidents/{key}",
                      dedup=f"severe:{incident.id}:{incident.severity}") for user in users)


# ---- the inbox ----

@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    text: str
    link: str | None
    at: datetime
    read: bool


def _me(ctx: Context, session: Session) -> User:
    if ctx.principal is None:
        from cairn.services.people import require_user

        if not ctx.actor:
            raise InvalidInput("who are you? set CAIRN_USER")
        return require_user(session, ctx.actor)
    user = session.get(User, ctx.principal.user_id)
    assert user is not None
    return user


def _visible_rows(session: Session, user: User):  # type: ignore[no-untyped-def]
    """The user's inbox rows, checked again now: one made restricted since is not shown."""
    rows = session.execute(
        select(Notification, Incident).outerjoin(Incident, Incident.id == Notification.incident_id)
        .where(Notification.user_id == user.id, Notification.in_app.is_(True))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(200)
        .options(selectinload(Incident.participants))
    ).all()
    return [row for row, incident in rows if incident is None or user_can_see(user, incident)]


def inbox(ctx: Context) -> list[NotificationView]:
    with ctx.db.transaction() as session:
        user = _me(ctx, session)
        return [NotificationView(n.id, n.kind, n.text, n.link, n.created_at, n.read_at is not None) for n in _visible_rows(session, user)]


def _unread_seen(user_id: int):  # type: ignore[no-untyped-def]
    """Unread in-app notifications of `user_id` about what they may still see: the
    count must not reveal an incident made restricted since (services/access.py)."""
    from cairn.services.access import visible_to_viewer

    admin = select(User.id).where(User.id == user_id, User.role == "admin").exists()
    seen = or_(Notification.incident_id.is_(None), admin,
               Notification.incident_id.in_(select(Incident.id).where(visible_to_viewer(user_id))))
    return (Notification.user_id == user_id, Notification.in_app.is_(True), Notification.read_at.is_(None), seen)


def unread_count(ctx: Context) -> int:
    """For the header on every page: one small query."""
    if ctx.principal is None:
        return 0
    with ctx.db.transaction() as session:
        return session.scalar(select(func.count(Notification.id)).where(*_unread_seen(ctx.principal.user_id))) or 0


def header_facts(ctx: Context, user_id: int) -> tuple[int, str]:
    """The unread count and the person's time zone, for the header of every page: one query."""
    unread = select(func.count(Notification.id)).where(*_unread_seen(user_id)).scalar_subquery()
    row = ctx.db.read_row(select(unread, User.timezone).where(User.id == user_id))
    if row is None:
        return 0, ctx.settings.timezone
    return int(row[0] or 0), row[1] or ctx.settings.timezone


def mark_read(ctx: Context, notification_id: int | None = None) -> int:
    """Mark one of my notifications read, or all of them; returns how many changed."""
    with ctx.db.transaction() as session:
        user = _me(ctx, session)
        statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        if notification_id is not None:
            statement = statement.where(Notification.id == notification_id)
        return session.execute(statement.values(read_at=now_utc())).rowcount or 0


# ---- preferences and subscriptions ----

@dataclass(frozen=True)
class NotificationSettings:
    prefs: dict[tuple[str, str], bool]
    services: list[str]
    teams: list[str]


def my_settings(ctx: Context) -> NotificationSettings:
    with ctx.db.transaction() as session:
        user = _me(ctx, session)
        subs = list(session.scalars(select(Subscription).where(Subscription.user_id == user.id).order_by(Subscription.name)))
        return NotificationSettings(preferences(session, user.id), [s.name for s in subs if s.target == "service"],
                         [s.name for s in subs if s.target == "team"])


def save_settings(ctx: Context, enabled: set[tuple[str, str]], *, services: list[str], teams: list[str]) -> NotificationSettings:
    """Store every (kind, channel) choice and the services and teams followed."""
    unknown = [pair for pair in enabled if pair[0] not in KINDS or pair[1] not in CHANNELS]
    if unknown:
        raise InvalidInput(f"unknown notification setting {unknown[0][0]}/{unknown[0][1]}")
    service_names = check_labels(services, "service")
    team_names = check_labels(teams, "team")
    with ctx.db.transaction() as session:
        user = _me(ctx, session)
        session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
        session.add_all(NotificationPreference(user_id=user.id, kind=kind, channel=channel, enabled=(kind, channel) in enabled)
                        for kind in KINDS for channel in CHANNELS)
        session.execute(delete(Subscription).where(Subscription.user_id == user.id))
        session.add_all([Subscription(user_id=user.id, target="service", name=n) for n in dict.fromkeys(service_names)]
                        + [Subscription(user_id=user.id, target="team", name=n) for n in dict.fromkeys(team_names)])
    return my_settings(ctx)


# ---- the background job: duties found, then deliveries ----

@dataclass
class NotificationRun:
    created: int = 0
    delivered: list[tuple[str, str, int]] = field(default_factory=list)  # recipient, channel, notifications
    failures: list[str] = field(default_factory=list)


def run_notifications(ctx: Context, *, today: date | None = None, now: datetime | None = None,
                      retries: int = 3, backoff: float = 0.5) -> NotificationRun:
    run = NotificationRun()
    run.created = find_postmortem_duties(ctx, today=today)
    deliver(ctx, run, now=now, retries=retries, backoff=backoff)
    return run


def find_postmortem_duties(ctx: Context, *, today: date | None = None) -> int:
    """Tell each owner of a postmortem the policy says is owed, once, and again once it is overdue."""
    from cairn.services.policy import owed_postmortems

    system = Context(settings=ctx.settings, db=ctx.db, actor=None)  # sees all; each notice is checked for its recipient
    created = 0
    for duty in owed_postmortems(system, today=today):
        if duty.owner is None or duty.status not in ("owed", "overdue"):
            continue
        kind = "postmortem_overdue" if duty.status == "overdue" else "postmortem_owed"
        text = (f"The postmortem of {duty.key}: {duty.title} is overdue (due {duty.due.isoformat()})" if kind == "postmortem_overdue"
                else f"You owe the postmortem of {duty.key}: {duty.title}, due {duty.due.isoformat() if duty.due else 'after resolution'}")
        try:
            with ctx.db.transaction() as session:
                from cairn.domain.keys import parse_key

                incident = session.scalar(select(Incident).where(Incident.number == parse_key(duty.key, ctx.settings.key_prefix))
                                          .options(selectinload(Incident.participants)))
                owner = session.scalar(select(User).where(User.username == duty.owner))
                if incident is None or owner is None:
                    continue
                created += notify(session, system, owner, kind, incident, text, link=f"/incidents/{duty.key}/postmortem",
                                  dedup=f"{kind}:{incident.id}")
        except IntegrityError:  # another server wrote the same one at the same moment
            continue
    return created


def deliver(ctx: Context, run: NotificationRun, *, now: datetime | None = None, retries: int = 3, backoff: float = 0.5) -> None:
    """Send what is owed by e-mail and the teams' channels: one message per person, channel and run."""
    now = now or now_utc()
    channels = load_channels(ctx.settings.notify_config)
    owed: dict[tuple[int, str], list[int]] = defaultdict(list)
    texts: dict[int, str] = {}
    people: dict[int, User] = {}
    targets: dict[tuple[int, str], str] = {}
    with ctx.db.transaction() as session:
        rows = session.execute(
            select(Notification, User, Incident).join(User, User.id == Notification.user_id)
            .outerjoin(Incident, Incident.id == Notification.incident_id)
            .where(Notification.created_at >= now - DELIVERY_WINDOW)
            .options(selectinload(Incident.participants))
        ).all()
        sent = {(d.notification_id, d.channel) for d in session.scalars(
            select(NotificationDelivery).where(NotificationDelivery.notification_id.in_([n.id for n, _u, _i in rows])))}
        teams = _first_teams(session)
        prefs_of: dict[int, dict[tuple[str, str], bool]] = {}
        for note, user, incident in rows:
            if not user.is_active or (incident is not None and not user_can_see(user, incident)):
                continue  # it acts for its recipient, as things stand now
            prefs = prefs_of.setdefault(user.id, preferences(session, user.id))
            config = channels.for_team(teams.get(user.id))
            restricted = incident is not None and incident.visibility == Visibility.RESTRICTED.value
            for channel in ("email", "slack", "webhook"):
                if not prefs[(note.kind, channel)] or (note.id, channel) in sent:
                    continue
                if channel in SHARED and restricted:
                    continue  # a team's channel is read by people the incident is hidden from
                target = {"email": user.email if ctx.settings.smtp_host else None,
                          "slack": config.slack_webhook, "webhook": config.webhook}[channel]
                if not target:
                    continue
                owed[(user.id, channel)].append(note.id)
                targets[(user.id, channel)] = target
                texts[note.id] = note.text
                people[user.id] = user
    for (user_id, channel), ids in sorted(owed.items()):
        user = people[user_id]
        if not _claim(ctx, ids, channel, now):
            continue
        lines = [texts[i] for i in ids]
        body = f"Cairn notifications for {user.username}:\n" + "\n".join(f"- {line}" for line in lines)
        try:
            if channel == "email":
                subject = f"Cairn: {lines[0]}" if len(lines) == 1 else f"Cairn: {len(lines)} notifications"
                send_email(ctx.settings, targets[(user_id, channel)], subject[:200], body)
            elif channel == "slack":
                post_json(targets[(user_id, channel)], {"text": body}, retries=retries, backoff=backoff)
            else:
                post_json(targets[(user_id, channel)], {"recipient": user.username, "notifications": lines},
                          retries=retries, backoff=backoff)
        except DeliveryFailed as error:
            _release(ctx, ids, channel)
            run.failures.append(f"{user.username} by {channel}: {error}")
            continue
        run.delivered.append((user.username, channel, len(ids)))


def _claim(ctx: Context, ids: list[int], channel: str, now: datetime) -> bool:
    """Record the deliveries before sending; False if another run claimed them first."""
    try:
        with ctx.db.transaction() as session:
            session.add_all(NotificationDelivery(notification_id=i, channel=channel, sent_at=now) for i in ids)
    except IntegrityError:
        return False
    return True


def _release(ctx: Context, ids: list[int], channel: str) -> None:
    with ctx.db.transaction() as session:
        session.execute(delete(NotificationDelivery).where(NotificationDelivery.notification_id.in_(ids),
                                                           NotificationDelivery.channel == channel))


def _first_teams(session: Session) -> dict[int, str]:
    teams: dict[int, str] = {}
    for user_id, name in session.execute(select(TeamMember.user_id, Team.name).join(Team, Team.id == TeamMember.team_id).order_by(Team.name)):
        teams.setdefault(user_id, name)
    return teams


__all__ = [
    "KINDS", "CHANNELS", "notify", "notify_review_requested", "notify_review_decided", "notify_comment",
    "notify_action_assigned", "notify_severe_incident", "inbox", "unread_count", "mark_read", "my_settings",
    "save_settings", "run_notifications", "find_postmortem_duties",
]
