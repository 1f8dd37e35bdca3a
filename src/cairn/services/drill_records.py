"""Who has drilled what, and which past incidents are worth drilling next.

Only incidents the reader may see count (the one visibility rule): a drill
of a restricted incident appears in an outsider's records neither as a
drill nor as a suggestion.

- per person and per team: drills taken part in, by role, and the last one;
- per service: the last drill, and the people who respond to its incidents
  (its participants and the members of its incidents' teams) who have never
  drilled it;
- suggestions: past incidents ranked by severity, recurring factor
  categories, people new to the service's on-call (see NEW_PERSON_DAYS), and whether anyone has
  drilled them yet, each with its reasons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cairn.domain.drill import DrillRole
from cairn.domain.keys import format_key
from cairn.domain.times import now_utc
from cairn.services.access import visible_clause
from cairn.services.context import Context
from cairn.storage.models import (
    ContributingFactor,
    Drill,
    Incident,
    Postmortem,
    Team,
    TeamMember,
    User,
)

# New to a service's on-call: first responded to one of its incidents this
# recently, or never has and has an account this recent.
NEW_PERSON_DAYS = 90
SUGGESTIONS = 10


@dataclass(frozen=True)
class PersonRecord:
    username: str
    as_responder: int
    as_game_master: int
    as_observer: int
    last: datetime | None


@dataclass(frozen=True)
class ServiceRecord:
    service: str
    drills: int
    last: datetime | None
    never_drilled: list[str]


@dataclass(frozen=True)
class Suggestion:
    key: str
    title: str
    severity: str
    score: int
    reasons: list[str]


@dataclass
class DrillRecords:
    people: list[PersonRecord] = field(default_factory=list)
    teams: list[tuple[str, int, datetime | None]] = field(default_factory=list)
    services: list[ServiceRecord] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    def to_data(self) -> dict[str, object]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "people": [{"user": p.username, "as_responder": p.as_responder, "as_game_master": p.as_game_master,
                        "as_observer": p.as_observer, "last": when(p.last)} for p in self.people],
            "teams": [{"team": team, "drills": count, "last": when(last)} for team, count, last in self.teams],
            "services": [{"service": s.service, "drills": s.drills, "last": when(s.last), "never_drilled": s.never_drilled}
                         for s in self.services],
            "suggestions": [{"incident": s.key, "title": s.title, "severity": s.severity, "score": s.score, "reasons": s.reasons}
                            for s in self.suggestions],
        }


def drill_records(ctx: Context, *, now: datetime | None = None) -> DrillRecords:
    moment = now or now_utc()
    with ctx.db.transaction() as session:
        incidents = session.scalars(
            select(Incident).where(visible_clause(ctx)).options(
                selectinload(Incident.services), selectinload(Incident.participants), selectinload(Incident.team_links),
            )
        ).all()
        visible = {incident.id: incident for incident in incidents}
        drills = [
            drill for drill in session.scalars(
                select(Drill).options(selectinload(Drill.scenario), selectinload(Drill.members))
            ).all()
            if drill.scenario.incident_id is None or drill.scenario.incident_id in visible
        ]
        team_names = {team.id: team.name for team in session.scalars(select(Team))}
        members_of: dict[int, set[int]] = defaultdict(set)
        teams_of: dict[int, set[int]] = defaultdict(set)
        for link in session.scalars(select(TeamMember)):
            members_of[link.team_id].add(link.user_id)
            teams_of[link.user_id].add(link.team_id)
        users = {user.id: user for user in session.scalars(select(User).where(User.is_active.is_(True)))}
        categories = session.execute(
            select(Postmortem.incident_id, ContributingFactor.category).join(ContributingFactor, ContributingFactor.postmortem_id == Postmortem.id)
        ).all()

    def when_of(drill: Drill) -> datetime:
        return drill.started_at or drill.created_at

    # people and teams
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    last_of: dict[int, datetime] = {}
    team_drills: dict[int, set[int]] = defaultdict(set)
    team_last: dict[int, datetime] = {}
    for drill in drills:
        for member in drill.members:
            counts[member.user_id][member.role] += 1
            last_of[member.user_id] = max(last_of.get(member.user_id, when_of(drill)), when_of(drill))
            for team_id in teams_of.get(member.user_id, ()):
                team_drills[team_id].add(drill.id)
                team_last[team_id] = max(team_last.get(team_id, when_of(drill)), when_of(drill))
    people = sorted(
        (PersonRecord(users[uid].username, c[DrillRole.RESPONDER.value], c[DrillRole.GAME_MASTER.value], c[DrillRole.OBSERVER.value], last_of.get(uid))
         for uid, c in counts.items() if uid in users),
        key=lambda p: p.username,
    )
    teams = sorted(((team_names[tid], len(ids), team_last.get(tid)) for tid, ids in team_drills.items() if tid in team_names))

    # services: who responds to them, and who has drilled them
    responders_of: dict[str, set[int]] = defaultdict(set)
    first_response: dict[tuple[str, int], datetime] = {}  # (service, person) -> their first incident of it
    for incident in incidents:
        responded = {p.user_id for p in incident.participants}
        people_here = set(responded)
        for link in incident.team_links:
            people_here |= members_of.get(link.team_id, set())
        began = incident.started_at or incident.created_at
        for service in incident.services:
            responders_of[service.name] |= people_here
            for uid in responded:
                seen = first_response.get((service.name, uid))
                first_response[(service.name, uid)] = began if seen is None else min(seen, began)
    drilled_by: dict[str, set[int]] = defaultdict(set)
    service_drills: dict[str, list[datetime]] = defaultdict(list)
    drilled_incidents: Counter[int] = Counter()
    for drill in drills:
        incident = visible.get(drill.scenario.incident_id or -1)
        if incident is None:
            continue
        drilled_incidents[incident.id] += 1
        for service in incident.services:
            service_drills[service.name].append(when_of(drill))
            drilled_by[service.name] |= {m.user_id for m in drill.members if m.role == DrillRole.RESPONDER.value}
    services = [
        ServiceRecord(
            name, len(service_drills.get(name, [])), max(service_drills[name]) if service_drills.get(name) else None,
            sorted(users[uid].username for uid in responders_of[name] - drilled_by.get(name, set()) if uid in users),
        )
        for name in sorted(responders_of)
    ]

    # suggestions
    category_incidents: dict[str, set[int]] = defaultdict(set)
    for incident_id, category in categories:
        if incident_id in visible:
            category_incidents[category].add(incident_id)
    recent = moment - timedelta(days=NEW_PERSON_DAYS)
    severities = list(ctx.settings.severities)
    suggestions = []
    for incident in incidents:
        if incident.status == "open":
            continue
        score, reasons = 0, []
        rank = severities.index(incident.severity) if incident.severity in severities else len(severities)
        if rank <= 1:
            score += 3 - rank
            reasons.append(f"{incident.severity}: among the most severe")
        recurring = sorted(c for c, ids in category_incidents.items() if incident.id in ids and len(ids) >= 2)
        for category in recurring:
            score += 2
            reasons.append(f"its {category} factor recurs in {len(category_incidents[category])} incidents")
        def is_new(service: str, uid: int) -> bool:
            first = first_response.get((service, uid))
            if first is not None:
                return first >= recent
            return bool(users[uid].created_at and users[uid].created_at >= recent)

        new_people = sorted({
            users[uid].username for s in incident.services for uid in responders_of[s.name] if uid in users and is_new(s.name, uid)
        })
        if new_people:
            score += 1
            reasons.append("new to its service's on-call: " + ", ".join(new_people))
        if drilled_incidents[incident.id]:
            score -= 3 * drilled_incidents[incident.id]
            reasons.append(f"drilled {drilled_incidents[incident.id]} time{'s' if drilled_incidents[incident.id] > 1 else ''} already")
        else:
            score += 2
            reasons.append("nobody has drilled it yet")
        if score > 0:
            suggestions.append(Suggestion(format_key(ctx.settings.key_prefix, incident.number), incident.title, incident.severity, score, reasons))
    suggestions.sort(key=lambda s: (-s.score, s.key))
    return DrillRecords(people, teams, services, suggestions[:SUGGESTIONS])

