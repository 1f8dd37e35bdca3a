"""My work: what waits on the acting person, on one page and in `cairn mine`.

Reviews waiting for my decision, postmortems I owe (by the policy) with
their due dates, my open action items and the open incidents I am in. It
reads through the same visibility rule as every list (services/access.py):
someone who lost sight of an incident no longer sees its work here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from cairn.domain.enums import IncidentStatus, ParticipantRole, PostmortemStatus
from cairn.domain.keys import format_key
from cairn.domain.times import now_utc
from cairn.errors import InvalidInput
from cairn.services.access import visible_clause
from cairn.services.actions import ActionRow, list_action_items
from cairn.services.context import Context
from cairn.services.policy import Owed, owed_postmortems
from cairn.storage.models import Incident, Participant, Postmortem, Reviewer, User


@dataclass(frozen=True)
class ReviewWaiting:
    key: str
    title: str
    severity: str


@dataclass(frozen=True)
class OpenIncident:
    key: str
    title: str
    severity: str
    status: str
    roles: list[str]


@dataclass(frozen=True)
class MyWork:
    username: str
    today: date
    reviews: list[ReviewWaiting]
    owed: list[Owed]
    actions: list[ActionRow]
    incidents: list[OpenIncident]

    @property
    def empty(self) -> bool:
        return not (self.reviews or self.owed or self.actions or self.incidents)

    def to_data(self) -> dict:
        return {
            "user": self.username,
            "reviews": [{"key": r.key, "title": r.title, "severity": r.severity} for r in self.reviews],
            "postmortems_owed": [o.to_data() for o in self.owed],
            "action_items": [a.to_data(self.today) for a in self.actions],
            "incidents": [{"key": i.key, "title": i.title, "severity": i.severity, "status": i.status, "roles": i.roles}
                          for i in self.incidents],
        }


def my_work(ctx: Context, *, today: date | None = None) -> MyWork:
    """The acting person's work: the signed-in user, or the local CLI's CAIRN_USER."""
    today = today or now_utc().date()
    prefix = ctx.settings.key_prefix
    with ctx.db.transaction() as session:
        if ctx.principal is not None:
            user_id, username = ctx.principal.user_id, ctx.principal.username
        else:
            user = session.scalar(select(User).where(User.username == (ctx.actor or "")))
            if user is None:
                raise InvalidInput(f"no account {ctx.actor!r}: set CAIRN_USER to your username")
            user_id, username = user.id, user.username
        reviews = [
            ReviewWaiting(format_key(prefix, number), title, severity)
            for number, title, severity in session.execute(
                select(Incident.number, Incident.title, Incident.severity)
                .join(Postmortem, Postmortem.incident_id == Incident.id)
                .join(Reviewer, Reviewer.postmortem_id == Postmortem.id)
                .where(Reviewer.user_id == user_id, Reviewer.decision == "pending",
                       Postmortem.status == PostmortemStatus.IN_REVIEW.value, visible_clause(ctx))
                .order_by(Incident.number)
            )
        ]
        roles: dict[int, list[str]] = {}
        rows: dict[int, Incident] = {}
        for incident, role in session.execute(
            select(Incident, Participant.role).join(Participant, Participant.incident_id == Incident.id)
            .where(Participant.user_id == user_id, visible_clause(ctx),
                   # Reviewers and action owners are participants too, but their work has its own list.
                   Participant.role.not_in([ParticipantRole.REVIEWER.value, ParticipantRole.ACTION_OWNER.value]),
                   Incident.status.in_([IncidentStatus.OPEN.value, IncidentStatus.MITIGATED.value]))
            .order_by(Incident.number.desc(), Participant.id)
        ):
            rows[incident.id] = incident
            roles.setdefault(incident.id, []).append(role)
        incidents = [OpenIncident(format_key(prefix, i.number), i.title, i.severity, i.status, roles[i.id]) for i in rows.values()]
    owed = [o for o in owed_postmortems(ctx, today=today) if o.owner == username]
    actions = list_action_items(ctx, owner=username, only_open=True, today=today)
    return MyWork(username, today, reviews, owed, actions, incidents)
