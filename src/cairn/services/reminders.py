"""Reminders and escalation for action items: one digest per person per day
and channel, never a flood, never twice.

Each run works out which stage every open item has reached in its owner's
local day (before the due date, on it, after it) and, past the escalation
threshold, tells the team lead. Deliveries are claimed in the database
before they are sent (a unique row per item, person, stage and channel), so
two servers, or a restart, cannot send the same reminder twice; a failed
delivery gives its claim back and is tried again on the next run.

A reminder acts for its recipient (services/access.py): it names only
incidents they may see, and restricted items never go to a team's shared
channel.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from cairn.analysis.reminders import escalation_owed, local_day, owed_stage
from cairn.domain.enums import ActionStatus, Visibility
from cairn.domain.keys import format_key
from cairn.domain.times import now_utc, require_zone
from cairn.services.access import user_can_see
from cairn.services.context import Context
from cairn.services.notify import Channels, DeliveryFailed, load_channels, post_json, send_email
from cairn.storage.models import ActionItem, Incident, Postmortem, ReminderSent, Team, TeamMember, User


@dataclass(frozen=True)
class Due:
    item_id: int
    key: str
    label: str
    title: str
    owner: str
    due: date
    stage: str
    team: str | None
    days_late: int
    restricted: bool = False


@dataclass
class ReminderRun:
    delivered: list[tuple[str, str, int]] = field(default_factory=list)  # recipient, channel, items
    failures: list[str] = field(default_factory=list)
    stalled: list[Due] = field(default_factory=list)


def run_reminders(ctx: Context, *, now: datetime | None = None, retries: int = 3, backoff: float = 0.5) -> ReminderRun:
    now = now or now_utc()
    settings = ctx.settings
    channels = load_channels(settings.notify_config)
    run = ReminderRun()
    owed: dict[tuple[str, str | None], list[Due]] = defaultdict(list)  # (recipient, team) -> items
    people: dict[str, User] = {}
    with ctx.db.transaction() as session:
        rows = session.execute(
            select(ActionItem, Incident)
            .join(Postmortem, Postmortem.id == ActionItem.postmortem_id)
            .join(Incident, Incident.id == Postmortem.incident_id)
            .where(ActionItem.status.in_([ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value]))
            .where(ActionItem.due_date.is_not(None), ActionItem.owner_id.is_not(None))
            .options(selectinload(Incident.team_links), selectinload(Incident.participants))
            .order_by(Incident.number, ActionItem.number)  # digests list items in a stable order
        ).all()
        leads = _team_leads(session)
        owner_teams = _owner_teams(session)
        for item, incident in rows:
            owner = item.owner
            if owner is None or not owner.is_active or not user_can_see(owner, incident):
                continue  # a reminder acts for its recipient: it names only what they may see
            people[owner.username] = owner
            team = incident.team_links[0].team.name if incident.team_links else owner_teams.get(owner.id)
            today, hour = local_day(now, require_zone(owner.timezone or settings.timezone))
            if hour < settings.remind_hour:
                continue
            stage = owed_stage(item.due_date, today, before=settings.remind_days_before, after=settings.remind_days_after)
            key = format_key(settings.key_prefix, incident.number)
            days_late = (today - item.due_date).days
            restricted = incident.visibility == Visibility.RESTRICTED.value
            if stage:
                owed[(owner.username, team)].append(
                    Due(item.id, key, item.label, item.title, owner.username, item.due_date, stage, team, days_late, restricted))
            lead = leads.get(team or "")
            if escalation_owed(item.due_date, today, after_days=settings.escalate_after_days):
                entry = Due(item.id, key, item.label, item.title, owner.username, item.due_date, "escalation", team, days_late, restricted)
                run.stalled.append(entry)
                if lead is not None and lead.username != owner.username and lead.is_active and user_can_see(lead, incident):
                    people[lead.username] = lead
                    owed[(lead.username, team)].append(entry)
    for (recipient, team), items in sorted(owed.items(), key=lambda pair: (pair[0][0], pair[0][1] or "")):
        person = people[recipient]
        zone = require_zone(person.timezone or settings.timezone)
        day_start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone).astimezone(timezone.utc)
        for channel, deliver in _channels_for(ctx, channels, team, person, retries, backoff):
            # A team's Slack or webhook channel is read by people the item's
            # incident may be hidden from: restricted items go by e-mail only.
            shown = items if channel == "email" else [item for item in items if not item.restricted]
            if not shown:
                continue
            claimed = _claim(ctx, recipient, channel, shown, now, day_start)
            if not claimed:
                continue
            try:
                deliver(recipient, claimed)
            except DeliveryFailed as error:
                _release(ctx, recipient, channel, claimed)
                run.failures.append(f"{recipient} by {channel}: {error}")
                continue
            run.delivered.append((recipient, channel, len(claimed)))
    return run


def _channels_for(ctx: Context, channels: Channels, team: str | None, person: User, retries: int, backoff: float):  # type: ignore[no-untyped-def]
    config = channels.for_team(team)
    if config.email and person.email and ctx.settings.smtp_host:  # no SMTP server: e-mail is simply off
        yield "email", lambda who, items: send_email(ctx.settings, person.email, _subject(items), _text(who, items))
    if config.slack_webhook:
        url = config.slack_webhook
        yield "slack", lambda who, items: post_json(url, {"text": _text(who, items)}, retries=retries, backoff=backoff)
    if config.webhook:
        url = config.webhook
        yield "webhook", lambda who, items: post_json(url, _payload(who, items), retries=retries, backoff=backoff)


def _claim(ctx: Context, recipient: str, channel: str, items: list[Due], now: datetime, day_start: datetime) -> list[Due]:
    """Record the deliveries about to happen; only those not recorded before come back.

    One digest per person, channel and local day: if one went out today,
    what is owed now waits for tomorrow's.
    """
    claimed = []
    with ctx.db.transaction() as session:
        already_today = session.scalar(
            select(ReminderSent.id).where(
                ReminderSent.recipient == recipient, ReminderSent.channel == channel, ReminderSent.sent_at >= day_start
            ).limit(1)
        )
        if already_today is not None:
            return []
        sent = {
            (row.action_item_id, row.stage)
            for row in session.scalars(
                select(ReminderSent).where(
                    ReminderSent.recipient == recipient,
                    ReminderSent.channel == channel,
                    ReminderSent.action_item_id.in_([i.item_id for i in items]),
                )
            )
        }
        for item in items:
            if (item.item_id, item.stage) in sent:
                continue
            session.add(ReminderSent(action_item_id=item.item_id, recipient=recipient, stage=item.stage, channel=channel, sent_at=now))
            claimed.append(item)
    return claimed


def _release(ctx: Context, recipient: str, channel: str, items: list[Due]) -> None:
    with ctx.db.transaction() as session:
        for item in items:
            session.execute(
                delete(ReminderSent).where(
                    ReminderSent.action_item_id == item.item_id,
                    ReminderSent.recipient == recipient,
                    ReminderSent.stage == item.stage,
                    ReminderSent.channel == channel,
                )
            )


def _team_leads(session) -> dict[str, User]:  # type: ignore[no-untyped-def]
    leads = {}
    for team in session.scalars(select(Team).where(Team.lead_id.is_not(None))):
        lead = session.get(User, team.lead_id)
        if lead is not None:
            leads[team.name] = lead
    return leads


def _owner_teams(session) -> dict[int, str]:  # type: ignore[no-untyped-def]
    teams: dict[int, str] = {}
    for user_id, name in session.execute(select(TeamMember.user_id, Team.name).join(Team, Team.id == TeamMember.team_id).order_by(Team.name)):
        teams.setdefault(user_id, name)
    return teams


def _describe(item: Due) -> str:
    if item.stage == "escalation":
        return f"{item.key} {item.label} {item.title} — owned by {item.owner}, overdue by {item.days_late} days (escalated to you)"
    if item.days_late < 0:
        return f"{item.key} {item.label} {item.title} — due {item.due.isoformat()} (in {-item.days_late} days)"
    if item.days_late == 0:
        return f"{item.key} {item.label} {item.title} — due today"
    return f"{item.key} {item.label} {item.title} — overdue by {item.days_late} days (due {item.due.isoformat()})"


def _subject(items: list[Due]) -> str:
    late = sum(1 for i in items if i.days_late > 0)
    return f"Cairn: {len(items)} action item{'s' if len(items) != 1 else ''} need attention" + (f" ({late} overdue)" if late else "")


def _text(recipient: str, items: list[Due]) -> str:
    lines = [f"Action items for {recipient}:"] + [f"- {_describe(item)}" for item in items]
    return "\n".join(lines)


def _payload(recipient: str, items: list[Due]) -> dict:
    return {
        "recipient": recipient,
        "items": [
            {"incident": i.key, "id": i.label, "title": i.title, "owner": i.owner, "due": i.due.isoformat(),
             "stage": i.stage, "days_late": i.days_late, "team": i.team}
            for i in items
        ],
    }
