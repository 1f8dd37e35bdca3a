"""Drills: draft a scenario from an incident, run it with roles, and read it as each role may.

Access, on top of the one visibility rule (services/access.py):
- a scenario replays its incident, so whoever may not see the incident may
  not see the scenario or its drills either (not found, as for the incident);
- the hidden facts (trigger, factors, what the real responders did, the
  resolution), the finish lines, the real times and the reveals not yet
  shown are the game master's until the drill has ended (the debrief): the
  services leave them out of what a responder or an observer is given, so no
  page or API answer can carry them;
- only the game master starts, reveals, marks the finish lines and ends;
  responders and the game master write the drill's log, which never touches
  the incident's timeline.

The local CLI acts without a principal and, as everywhere, with every right:
it is the game master's seat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from cairn.domain.drill import (
    DrillRole,
    DrillStatus,
    FinishLine,
    HiddenFact,
    RevealDraft,
    RevealState,
    ScenarioDraft,
    draft_scenario,
    shown_at,
)
from cairn.domain.enums import parse_choice
from cairn.domain.keys import format_key
from cairn.domain.names import check_line
from cairn.domain.quick_entry import parse_quick_entry
from cairn.domain.redaction import public_version
from cairn.domain.times import ensure_utc, now_utc
from cairn.errors import Conflict, Forbidden, InvalidInput, NotFound
from cairn.services.access import can_see, require_write
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.services.incidents import require_incident
from cairn.services.people import require_user
from cairn.storage.db import retry_stale
from cairn.storage.models import Drill, DrillLogEntry, DrillMember, DrillReveal, DrillRevealed, DrillScenario, Incident

MAX_LOG_TEXT = 2000


@dataclass(frozen=True)
class RevealView:
    position: int
    offset_seconds: int
    text: str
    kind: str
    mode: str
    prompt: str | None
    hint: bool
    hidden: bool
    shown_at: datetime | None  # when the responders first saw it; None: not shown (yet)


@dataclass(frozen=True)
class LogView:
    at: datetime
    offset_seconds: int | None
    kind: str
    actor: str | None
    text: str


@dataclass(frozen=True)
class DrillView:
    """A drill as one person may see it. `sees_hidden` says whether the hidden
    parts are filled in; for a responder or an observer before the debrief they
    are empty, not merely unshown."""

    id: int
    scenario_id: int
    title: str
    incident: str | None
    status: str
    role: str  # the reader's role in this drill
    sees_hidden: bool
    zone: str
    situation: str
    situation_kind: str
    situation_time: str
    started_at: datetime | None
    ended_at: datetime | None
    diagnosed_at: datetime | None
    mitigated_at: datetime | None
    members: list[tuple[str, str]]
    shown: list[RevealView]  # what the responders have been shown, in the order they saw it
    log: list[LogView]
    on_request: list[str] = field(default_factory=list)  # prompts a responder may ask for (not their answers)
    reveals: list[RevealView] = field(default_factory=list)  # every reveal: the game master's, or after the debrief
    hidden_facts: list[dict[str, str]] = field(default_factory=list)
    real_actions: list[dict[str, object]] = field(default_factory=list)
    diagnosed_line: str | None = None
    mitigated_line: str | None = None
    real_diagnose_seconds: int | None = None
    real_mitigate_seconds: int | None = None

    def offset(self, at: datetime | None) -> int | None:
        if at is None or self.started_at is None:
            return None
        return max(0, int((at - self.started_at).total_seconds()))

    def to_data(self) -> dict[str, object]:
        def reveal(r: RevealView, full: bool) -> dict[str, object]:
            data: dict[str, object] = {"position": r.position, "text": r.text, "kind": r.kind,
                                       "shown_at": r.shown_at.isoformat() if r.shown_at else None}
            if full:
                data.update(offset_seconds=r.offset_seconds, mode=r.mode, prompt=r.prompt, hint=r.hint, hidden=r.hidden)
            return data

        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        data: dict[str, object] = {
            "id": self.id, "scenario": self.scenario_id, "title": self.title, "incident": self.incident,
            "status": self.status, "role": self.role, "sees_hidden": self.sees_hidden, "zone": self.zone,
            "situation": self.situation, "situation_kind": self.situation_kind, "situation_time": self.situation_time,
            "started_at": when(self.started_at), "ended_at": when(self.ended_at),
            "diagnosed_at": when(self.diagnosed_at), "mitigated_at": when(self.mitigated_at),
            "members": [{"user": user, "role": role} for user, role in self.members],
            "shown": [reveal(r, False) for r in self.shown],
            "on_request": self.on_request,
            "log": [{"at": e.at.isoformat(), "offset_seconds": e.offset_seconds, "kind": e.kind, "actor": e.actor, "text": e.text}
                    for e in self.log],
        }
        if self.sees_hidden:
            data.update(
                reveals=[reveal(r, True) for r in self.reveals], hidden_facts=self.hidden_facts, real_actions=self.real_actions,
                diagnosed_line=self.diagnosed_line, mitigated_line=self.mitigated_line,
                real_diagnose_seconds=self.real_diagnose_seconds, real_mitigate_seconds=self.real_mitigate_seconds,
            )
        return data


@dataclass(frozen=True)
class DrillRow:
    id: int
    title: str
    incident: str | None
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    game_master: str | None
    responders: list[str]


# --- reading -------------------------------------------------------------------------------------------

def _load(session: Session, ctx: Context, drill_id: int, *, lock: bool = False) -> Drill:
    query = (
        select(Drill).where(Drill.id == drill_id)
        .options(
            selectinload(Drill.scenario).selectinload(DrillScenario.reveals),
            selectinload(Drill.scenario).selectinload(DrillScenario.incident).selectinload(Incident.participants),
            selectinload(Drill.members), selectinload(Drill.revealed), selectinload(Drill.log),
        )
    )
    if lock:
        query = query.with_for_update(of=Drill)
    drill = session.scalar(query)
    if drill is None or not _may_see_scenario(ctx, drill.scenario):
        raise NotFound(f"no drill {drill_id}")
    return drill


def _claim(session: Session, drill: Drill) -> None:
    """Every write to a drill starts with the compare-and-swap on its row (UPDATE ... WHERE
    version = :read): of two racing writers one goes on, the other is retried (retry_stale)
    on the fresh state, so a reveal is recorded once and no log line is lost."""
    drill.updated_at = now_utc()
    flag_modified(drill, "updated_at")  # the same second as the last write is still a write
    session.flush()


def _may_see_scenario(ctx: Context, scenario: DrillScenario) -> bool:
    return scenario.incident is None or can_see(ctx, scenario.incident)


def role_in(ctx: Context, drill: Drill) -> str:
    """The reader's role: the local CLI is the game master's seat; a user who is
    not a member watches as an observer (and sees what observers see)."""
    if ctx.principal is None:
        return DrillRole.GAME_MASTER.value
    for member in drill.members:
        if member.user_id == ctx.principal.user_id:
            return member.role
    return DrillRole.OBSERVER.value


def _require_game_master(ctx: Context, drill: Drill) -> None:
    require_write(ctx)
    if role_in(ctx, drill) != DrillRole.GAME_MASTER.value:
        raise Forbidden(f"only the game master of drill {drill.id} may do this")


def _states(drill: Drill) -> dict[int, RevealState]:
    asked = {r.reveal_id: r.revealed_at for r in drill.revealed}
    return {
        reveal.id: RevealState(reveal.position, reveal.offset_seconds, reveal.mode, reveal.hidden, asked.get(reveal.id))
        for reveal in drill.scenario.reveals
    }


def _view(ctx: Context, drill: Drill, now: datetime) -> DrillView:
    scenario = drill.scenario
    role = role_in(ctx, drill)
    sees_hidden = role == DrillRole.GAME_MASTER.value or drill.status == DrillStatus.ENDED.value
    states = _states(drill)
    every = [
        RevealView(r.position, r.offset_seconds, r.text, r.kind, r.mode, r.prompt, r.hint, r.hidden,
                   shown_at(states[r.id], drill.started_at, now, drill.ended_at))
        for r in scenario.reveals
    ]
    shown = sorted((r for r in every if r.shown_at is not None), key=lambda r: (r.shown_at, r.position))
    on_request = [r.prompt or f"reveal {r.position}" for r in every if r.mode == "request" and r.shown_at is None and not r.hidden]
    start = drill.started_at
    log = [
        LogView(e.at, max(0, int((e.at - start).total_seconds())) if start else None, e.kind, e.actor, e.text)
        for e in drill.log
    ]
    key = format_key(ctx.settings.key_prefix, scenario.incident.number) if scenario.incident is not None else None
    view = DrillView(
        id=drill.id, scenario_id=scenario.id, title=scenario.title, incident=key, status=drill.status, role=role,
        sees_hidden=sees_hidden, zone=scenario.zone, situation=scenario.situation, situation_kind=scenario.situation_kind,
        situation_time=scenario.situation_time,
        started_at=drill.started_at, ended_at=drill.ended_at, diagnosed_at=drill.diagnosed_at, mitigated_at=drill.mitigated_at,
        members=[(m.user.username, m.role) for m in drill.members], shown=shown, log=log,
        on_request=on_request if drill.status == DrillStatus.RUNNING.value else [],
    )
    if not sees_hidden:
        return view
    from dataclasses import replace

    return replace(
        view, reveals=every, hidden_facts=list(scenario.hidden_facts), real_actions=list(scenario.real_actions),
        diagnosed_line=scenario.diagnosed_line, mitigated_line=scenario.mitigated_line,
        real_diagnose_seconds=scenario.real_diagnose_seconds, real_mitigate_seconds=scenario.real_mitigate_seconds,
    )


def show_drill(ctx: Context, drill_id: int, *, now: datetime | None = None) -> DrillView:
    """The drill as the reader may see it at `now` (timed reveals come due by the clock)."""
    moment = ensure_utc(now) if now else now_utc()
    with ctx.db.transaction() as session:
        return _view(ctx, _load(session, ctx, drill_id), moment)


def list_drills(ctx: Context) -> list[DrillRow]:
    """Every drill of a scenario the reader may see, newest first."""
    with ctx.db.transaction() as session:
        drills = session.scalars(
            select(Drill).order_by(Drill.id.desc()).options(
                selectinload(Drill.scenario).selectinload(DrillScenario.incident).selectinload(Incident.participants),
                selectinload(Drill.members),
            )
        ).all()
        rows = []
        for drill in drills:
            if not _may_see_scenario(ctx, drill.scenario):
                continue
            incident = drill.scenario.incident
            rows.append(DrillRow(
                drill.id, drill.scenario.title,
                format_key(ctx.settings.key_prefix, incident.number) if incident is not None else None,
                drill.status, drill.started_at, drill.ended_at,
                next((m.user.username for m in drill.members if m.role == DrillRole.GAME_MASTER.value), None),
                [m.user.username for m in drill.members if m.role == DrillRole.RESPONDER.value],
            ))
        return rows


# --- writing -------------------------------------------------------------------------------------------

def create_drill(
    ctx: Context, key: str, *, redact: bool = False, responders: list[str] | None = None, observers: list[str] | None = None,
) -> DrillView:
    """Draft a scenario from incident `key` and plan a drill of it, the caller as game master.

    With `redact`, the public version's redaction is applied first, so the
    drill can be run with people outside the team."""
    require_write(ctx)
    responders, observers = list(responders or []), list(observers or [])
    if set(responders) & set(observers):
        raise InvalidInput("a person is either a responder or an observer in a drill, not both")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True)
        doc = to_doc(incident, ctx.settings.key_prefix)
        if redact:
            from cairn.services.portable import redaction_policy

            doc, _redactions = public_version(doc, redaction_policy(session, ctx))
        draft = draft_scenario(doc)
        drill = _store(session, ctx, draft, incident, redacted=redact, responders=responders, observers=observers)
        record(session, ctx.actor, "drill.create", incident, {"drill": drill.id, "redacted": redact})
        return _view(ctx, _load(session, ctx, drill.id), now_utc())


def _store(
    session: Session, ctx: Context, draft: ScenarioDraft, incident: Incident | None, *, redacted: bool,
    responders: list[str], observers: list[str],
) -> Drill:
    """The scenario and a planned drill of it, the caller as game master."""
    now = now_utc()
    scenario = DrillScenario(
        incident_id=incident.id if incident is not None else None, title=check_line(draft.title, "title", limit=300),
        situation=draft.situation, situation_kind=draft.situation_kind, situation_time=draft.situation_time[:40], zone=draft.zone,
        hidden_facts=[{"label": f.label, "text": f.text} for f in draft.hidden_facts],
        real_actions=[{"offset_seconds": a.offset_seconds, "kind": a.kind, "text": a.text} for a in draft.real_actions],
        diagnosed_line=draft.diagnosed_line, mitigated_line=draft.mitigated_line,
        real_diagnose_seconds=draft.real_diagnose_seconds, real_mitigate_seconds=draft.real_mitigate_seconds,
        redacted=redacted, created_by=ctx.actor, created_at=now,
        reveals=[
            DrillReveal(position=n, offset_seconds=r.offset_seconds, text=r.text, kind=r.kind, mode=r.mode,
                        prompt=r.prompt, hint=r.hint, hidden=r.hidden)
            for n, r in enumerate(draft.reveals, start=1)
        ],
    )
    session.add(scenario)
    drill = Drill(scenario=scenario, status=DrillStatus.PLANNED.value, created_by=ctx.actor, created_at=now, updated_at=now)
    session.add(drill)
    members: list[DrillMember] = []
    if ctx.principal is not None:
        members.append(DrillMember(user_id=ctx.principal.user_id, role=DrillRole.GAME_MASTER.value))
    taken = {m.user_id for m in members}
    for names, role in ((responders, DrillRole.RESPONDER), (observers, DrillRole.OBSERVER)):
        for name in names:
            user = require_user(session, name)
            if user.id in taken:
                raise InvalidInput(f"{name} is already in the drill")
            if incident is not None:
                _admit(ctx, incident, user, name)
            taken.add(user.id)
            members.append(DrillMember(user_id=user.id, role=role.value))
    drill.members = members
    session.flush()
    return drill


def export_scenario(ctx: Context, drill_id: int) -> str:
    """The drill's scenario as a portable Markdown file: the game master's, or anyone's after the debrief."""
    from cairn.formats.drill_scenario import render

    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id)
        view = _view(ctx, drill, now_utc())
        if not view.sees_hidden:
            raise Forbidden(f"the scenario of drill {drill_id} holds its hidden facts: only its game master exports it before the debrief")
        scenario = drill.scenario
        draft = ScenarioDraft(
            title=scenario.title, situation=scenario.situation, situation_kind=scenario.situation_kind, zone=scenario.zone,
            situation_time=scenario.situation_time,
            hidden_facts=[HiddenFact(f["label"], f["text"]) for f in scenario.hidden_facts],
            reveals=[RevealDraft(r.offset_seconds, r.text, r.kind, r.mode, r.prompt, r.hint, r.hidden) for r in scenario.reveals],
            diagnosed_line=scenario.diagnosed_line, mitigated_line=scenario.mitigated_line,
            real_diagnose_seconds=scenario.real_diagnose_seconds, real_mitigate_seconds=scenario.real_mitigate_seconds,
            real_actions=[RevealDraft(int(a["offset_seconds"]), a["text"], a["kind"]) for a in scenario.real_actions],
        )
        return render(draft, view.incident)


def import_scenario(
    ctx: Context, text: str, *, source: str = "scenario", responders: list[str] | None = None, observers: list[str] | None = None,
) -> DrillView:
    """A scenario from its Markdown file (exported, or written from scratch, e.g. from a near miss) and
    a planned drill of it. The incident it names must be one the caller may see."""
    from cairn.formats.drill_scenario import parse

    require_write(ctx)
    draft, key = parse(text, source)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key) if key else None
        drill = _store(session, ctx, draft, incident, redacted=False, responders=list(responders or []), observers=list(observers or []))
        record(session, ctx.actor, "drill.import", incident, {"drill": drill.id})
        return _view(ctx, _load(session, ctx, drill.id), now_utc())


def _admit(ctx: Context, incident: Incident, user, name: str) -> None:  # type: ignore[no-untyped-def]
    """A member must be able to see the incident the drill replays: a restricted
    incident's drill is for its participants (or a redacted copy is made public)."""
    from cairn.services.access import user_can_see

    if not user_can_see(user, incident):
        raise InvalidInput(f"{name} may not see {format_key(ctx.settings.key_prefix, incident.number)}, which this drill replays")


@retry_stale
def add_member(ctx: Context, drill_id: int, username: str, role: str) -> DrillView:
    value = parse_choice(DrillRole, role, "drill role").value
    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        _require_game_master(ctx, drill)
        user = require_user(session, username)
        if drill.scenario.incident is not None:
            _admit(ctx, drill.scenario.incident, user, username)
        existing = next((m for m in drill.members if m.user_id == user.id), None)
        if existing is not None:
            masters = [m for m in drill.members if m.role == DrillRole.GAME_MASTER.value]
            if masters == [existing] and value != DrillRole.GAME_MASTER.value:
                raise Conflict(f"{username} is the drill's only game master: make someone else game master first")
            existing.role = value
        else:
            drill.members.append(DrillMember(user_id=user.id, role=value))
        session.flush()
        return _view(ctx, _load(session, ctx, drill_id), now_utc())


@retry_stale
def start_drill(ctx: Context, drill_id: int, *, now: datetime | None = None) -> DrillView:
    moment = ensure_utc(now) if now else now_utc()
    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        _require_game_master(ctx, drill)
        if drill.status != DrillStatus.PLANNED.value:
            raise Conflict(f"drill {drill_id} is {drill.status}; only a planned drill starts")
        drill.status = DrillStatus.RUNNING.value
        drill.started_at = moment
        record(session, ctx.actor, "drill.start", drill.scenario.incident, {"drill": drill.id})
        session.flush()
        return _view(ctx, drill, moment)


def _running(drill: Drill) -> None:
    if drill.status != DrillStatus.RUNNING.value:
        raise Conflict(f"drill {drill.id} is {drill.status}, not running")


def _reveal_at(drill: Drill, position: int) -> DrillReveal:
    for reveal in drill.scenario.reveals:
        if reveal.position == position:
            return reveal
    raise NotFound(f"drill {drill.id} has no reveal {position} (it has {len(drill.scenario.reveals)})")


@retry_stale
def reveal(ctx: Context, drill_id: int, position: int, *, now: datetime | None = None) -> DrillView:
    """The game master shows reveal `position` now (a timed one sooner than its time)."""
    moment = ensure_utc(now) if now else now_utc()
    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        _require_game_master(ctx, drill)
        _running(drill)
        item = _reveal_at(drill, position)
        if item.hidden:
            raise InvalidInput(f"reveal {position} is hidden in the scenario; unhide it first")
        if not any(r.reveal_id == item.id for r in drill.revealed):
            drill.revealed.append(DrillRevealed(reveal_id=item.id, revealed_at=moment, asked_by=None))
        session.flush()
        return _view(ctx, drill, moment)


@retry_stale
def ask(ctx: Context, drill_id: int, prompt: str, *, now: datetime | None = None) -> DrillView:
    """A responder looks somewhere ("the DB dashboard"): the reveals waiting for that request are shown.
    Asking for something the scenario does not hold shows nothing, and says so only to the game master's log."""
    moment = ensure_utc(now) if now else now_utc()
    wanted = " ".join(prompt.lower().split())
    if not wanted:
        raise InvalidInput("say what you look at, e.g. 'the DB dashboard'")
    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        require_write(ctx)
        if role_in(ctx, drill) not in (DrillRole.RESPONDER.value, DrillRole.GAME_MASTER.value):
            raise Forbidden("only a responder or the game master may ask for a reveal")
        _running(drill)
        done = {r.reveal_id for r in drill.revealed}
        words = _looked_for(wanted)
        for item in drill.scenario.reveals:
            if item.mode != "request" or item.hidden or item.id in done or not item.prompt:
                continue
            if _looked_for(item.prompt) & words:
                drill.revealed.append(DrillRevealed(reveal_id=item.id, revealed_at=moment, asked_by=ctx.actor))
        drill.log.append(DrillLogEntry(at=moment, kind="action", actor=ctx.actor, text=f"looked at {prompt.strip()}"[:MAX_LOG_TEXT]))
        session.flush()
        return _view(ctx, drill, moment)


# Words that say how one looks, not where: asking for "the" or "at the logs" must
# not match every prompt that has them.
_FILLER = frozenset(
    "a an the at in on of to for into if you we i look looks looking check checks checking open opens "
    "see show shows me our your its it what is are was there any some and or".split()
)


def _looked_for(text: str) -> set[str]:
    """The words of a request or a prompt that name where to look ("db", "dashboard")."""
    return {word for word in re.findall(r"[a-z0-9][a-z0-9_.-]*", text.lower()) if word not in _FILLER}


@retry_stale
def log_entry(ctx: Context, drill_id: int, line: str, *, now: datetime | None = None) -> DrillView:
    """A line on the drill's own timeline, in the quick-entry form of a real incident
    (`#decision roll back the deploy`); the drill's clock gives its time."""
    moment = ensure_utc(now) if now else now_utc()
    entry = parse_quick_entry(line)
    if entry.at is not None:
        raise InvalidInput("a drill's log is timed by the drill's clock; leave the time out")
    text = entry.text
    if len(text) > MAX_LOG_TEXT:
        raise InvalidInput(f"a drill log line is at most {MAX_LOG_TEXT} characters")
    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        require_write(ctx)
        if role_in(ctx, drill) == DrillRole.OBSERVER.value:
            raise Forbidden("observers watch; only responders and the game master write the drill's log")
        _running(drill)
        drill.log.append(DrillLogEntry(at=moment, kind=entry.kind or "note", actor=entry.actor or ctx.actor, text=text))
        session.flush()
        return _view(ctx, drill, moment)


@retry_stale
def mark(ctx: Context, drill_id: int, line: str, *, now: datetime | None = None) -> DrillView:
    """The game master marks a finish line reached: diagnosed or mitigated."""
    moment = ensure_utc(now) if now else now_utc()
    which = parse_choice(FinishLine, line, "finish line")
    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        _require_game_master(ctx, drill)
        _running(drill)
        field_name = "diagnosed_at" if which is FinishLine.DIAGNOSED else "mitigated_at"
        if getattr(drill, field_name) is None:  # the first time it was reached is the one that counts
            setattr(drill, field_name, moment)
            drill.log.append(DrillLogEntry(at=moment, kind="note", actor=ctx.actor, text=f"game master: {which.value}"))
        session.flush()
        return _view(ctx, drill, moment)


@retry_stale
def end_drill(ctx: Context, drill_id: int, *, now: datetime | None = None) -> DrillView:
    """End the drill: the debrief begins, and the hidden facts are shown to every member."""
    moment = ensure_utc(now) if now else now_utc()
    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        _require_game_master(ctx, drill)
        if drill.status == DrillStatus.ENDED.value:
            raise Conflict(f"drill {drill_id} has already ended")
        drill.status = DrillStatus.ENDED.value
        drill.started_at = drill.started_at or moment
        drill.ended_at = moment
        record(session, ctx.actor, "drill.end", drill.scenario.incident, {"drill": drill.id})
        session.flush()
        return _view(ctx, drill, moment)


# --- the game master's edits of the script ---------------------------------------------------------------

@retry_stale
def edit_reveal(
    ctx: Context, drill_id: int, position: int, *, text: str | None = None, offset: str | None = None,
    mode: str | None = None, prompt: str | None = None, hidden: bool | None = None,
) -> DrillView:
    """Reword, retime, hide or unhide a reveal, or make it one that comes on request
    (with the prompt a responder would ask for) or by the clock. Not after the drill has ended."""
    from cairn.domain.drill import RevealMode, parse_offset

    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        _require_game_master(ctx, drill)
        if drill.status == DrillStatus.ENDED.value:
            raise Conflict(f"drill {drill_id} has ended; its script is the record of what was played")
        item = _reveal_at(drill, position)
        if text is not None:
            item.text = _reveal_text(text)
        if offset is not None:
            item.offset_seconds = parse_offset(offset)
        if mode is not None:
            item.mode = parse_choice(RevealMode, mode, "reveal mode").value
        if prompt is not None:
            item.prompt = check_line(prompt, "prompt", limit=300)
        if item.mode == RevealMode.REQUEST.value and not item.prompt:
            raise InvalidInput("a reveal on request needs the prompt a responder would ask for, e.g. 'the DB dashboard'")
        if hidden is not None:
            item.hidden = hidden
        session.flush()
        return _view(ctx, drill, now_utc())


@retry_stale
def add_reveal(
    ctx: Context, drill_id: int, text: str, *, offset: str = "0", prompt: str | None = None, dead_end: bool = False,
) -> DrillView:
    """A hint or a dead end written by the game master: by the clock at `offset`, or on request with `prompt`."""
    from cairn.domain.drill import RevealMode, parse_offset

    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id, lock=True)
        _claim(session, drill)
        _require_game_master(ctx, drill)
        if drill.status == DrillStatus.ENDED.value:
            raise Conflict(f"drill {drill_id} has ended; its script is the record of what was played")
        body = _reveal_text(text)
        position = max((r.position for r in drill.scenario.reveals), default=0) + 1
        drill.scenario.reveals.append(DrillReveal(
            position=position, offset_seconds=parse_offset(offset), text=body, kind="note",
            mode=RevealMode.REQUEST.value if prompt else RevealMode.CLOCK.value,
            prompt=check_line(prompt, "prompt", limit=300) if prompt else None,
            hint=not dead_end, hidden=False,
        ))
        session.flush()
        return _view(ctx, drill, now_utc())


def _reveal_text(text: str) -> str:
    body = " ".join(text.split())
    if not body:
        raise InvalidInput("a reveal needs some text")
    if len(body) > MAX_LOG_TEXT:
        raise InvalidInput(f"a reveal is at most {MAX_LOG_TEXT} characters")
    return body


# --- findings: what the debrief turns into action items ------------------------------------------------------

@dataclass(frozen=True)
class FindingRow:
    incident: str
    label: str
    title: str
    owner: str | None
    due: str | None
    status: str


def add_finding(
    ctx: Context, drill_id: int, title: str, *, owner: str, due: str, kind: str = "prevent", priority: str = "P3",
) -> FindingRow:
    """An action item from the drill (a missing runbook step, an alert that would have helped), added to
    the incident the drill replays and linked to the drill, in one transaction; it is then followed, reminded
    and synced like any other item. Members of the drill who may write add them; observers do not."""
    from cairn.services.actions import add_action_item
    from cairn.storage.models import DrillFinding

    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id)
        require_write(ctx)
        if role_in(ctx, drill) == DrillRole.OBSERVER.value:
            raise Forbidden("observers watch; the game master and responders record findings")
        incident = drill.scenario.incident
        if incident is None:
            raise InvalidInput(f"drill {drill_id} replays no incident to give the finding to")
        key = format_key(ctx.settings.key_prefix, incident.number)

    def link(session: Session, item) -> None:  # type: ignore[no-untyped-def]
        session.add(DrillFinding(drill_id=drill_id, action_item_id=item.id))
        record(session, ctx.actor, "drill.finding", incident, {"drill": drill_id, "item": item.label})

    row = add_action_item(ctx, key, title, owner=owner, due=due, kind=kind, priority=priority, on_added=link)
    return FindingRow(row.key, row.label, row.title, row.owner, row.due.isoformat() if row.due else None, row.status)


def findings_of(ctx: Context, drill_id: int) -> list[FindingRow]:
    from cairn.storage.models import DrillFinding

    with ctx.db.transaction() as session:
        drill = _load(session, ctx, drill_id)
        incident = drill.scenario.incident
        key = format_key(ctx.settings.key_prefix, incident.number) if incident is not None else ""
        rows = session.scalars(select(DrillFinding).where(DrillFinding.drill_id == drill.id).order_by(DrillFinding.id)).all()
        return [
            FindingRow(key, f.action_item.label, f.action_item.title, f.action_item.owner.username if f.action_item.owner else None,
                       f.action_item.due_date.isoformat() if f.action_item.due_date else None, f.action_item.status)
            for f in rows
        ]
