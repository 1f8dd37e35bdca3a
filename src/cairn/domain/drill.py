"""Drills (Wheel of Misfortune): a past incident replayed as an exercise.

A scenario is what the game master holds: the starting situation (what the
responder sees first, and when), the hidden facts (trigger, contributing
factors, what the real responders did and what resolved it), the reveals
(what the systems or people show next, by the clock or when a responder
asks for them) and the finish lines (what counts as diagnosed and as
mitigated). Pure rules, no storage: drafting from an incident document, and
which reveals a responder sees at a given moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from cairn.domain.document import EventDoc, IncidentDoc
from cairn.domain.times import format_local, require_zone
from cairn.errors import InvalidInput


class RevealMode(StrEnum):
    CLOCK = "clock"  # shown when the drill's clock passes its offset
    REQUEST = "request"  # shown when a responder asks for it ("if you look at the DB dashboard")


class DrillRole(StrEnum):
    GAME_MASTER = "game master"
    RESPONDER = "responder"
    OBSERVER = "observer"


class DrillStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    ENDED = "ended"


class FinishLine(StrEnum):
    DIAGNOSED = "diagnosed"
    MITIGATED = "mitigated"


# What the systems and other people show: these become reveals. What the real
# responders did (actions, decisions, mitigations) is what the drill's
# responders are to work out, so it stays hidden until the debrief.
SIGNAL_KINDS = frozenset({"alert", "detection", "communication", "escalation", "deploy", "note", "acknowledgement"})
RESPONSE_KINDS = frozenset({"action", "decision", "mitigation", "resolution"})
FIRST_SIGNAL_KINDS = ("alert", "detection")
# A note about a place to look is shown when someone looks there, not by the clock.
_LOOKED_UP = re.compile(r"\b(?:dashboards?|graphs?|panels?|logs?|metrics?|traces?|queries|query|explain|profile|heap dump|grafana|kibana)\b", re.I)
MAX_REVEALS = 200  # a drill of an hour; a scenario from a timeline of thousands of log lines keeps the first signals
MAX_TEXT = 2000


@dataclass(frozen=True)
class RevealDraft:
    offset_seconds: int  # from the drill's start, the moment of the starting situation
    text: str
    kind: str = "note"
    mode: str = RevealMode.CLOCK.value
    prompt: str | None = None  # for a reveal on request: what a responder asks to see
    hint: bool = False  # written by the game master, not from the record
    hidden: bool = False  # kept in the scenario but never shown


@dataclass(frozen=True)
class HiddenFact:
    label: str  # "trigger", "factor F2", "responders did", "resolution"
    text: str


@dataclass(frozen=True)
class ScenarioDraft:
    title: str
    situation: str
    situation_kind: str
    zone: str
    hidden_facts: list[HiddenFact] = field(default_factory=list)
    reveals: list[RevealDraft] = field(default_factory=list)
    diagnosed_line: str = ""
    mitigated_line: str = ""
    real_diagnose_seconds: int | None = None
    real_mitigate_seconds: int | None = None
    real_actions: list[RevealDraft] = field(default_factory=list)  # what the real responders did, for the debrief
    situation_time: str = ""  # the clock on the wall when it began, in the incident's zone: "14:00 CET"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _first_signal(events: list[EventDoc]) -> EventDoc | None:
    for kinds in (FIRST_SIGNAL_KINDS, tuple(SIGNAL_KINDS)):
        for event in events:
            if event.kind in kinds:
                return event
    return events[0] if events else None


def _seconds(start: datetime, at: datetime) -> int:
    return max(0, int((at - start).total_seconds()))


def draft_scenario(doc: IncidentDoc) -> ScenarioDraft:
    """A first scenario from an incident: the game master edits it before the drill.

    The start is the first alert or detection (else the first signal, else the
    incident's start); later signals become reveals by the clock, notes about a
    dashboard or log become reveals on request; what the responders did, the
    contributing factors and the resolution are the hidden facts; the finish
    lines are the trigger named and the first mitigation.
    """
    events = sorted(doc.timeline, key=lambda e: e.at)
    first = _first_signal(events)
    start = first.at if first is not None else doc.moments.detected or doc.moments.started
    if start is None:
        raise InvalidInput(f"{doc.key or 'the incident'} has no timeline and no start time to draft a drill from")
    services = ", ".join(doc.services)
    if first is not None:
        situation = _clip(first.text)
        situation_kind = first.kind
    else:
        situation = f"Something is wrong with {services}." if services else "Something is wrong."
        situation_kind = "detection"
    reveals: list[RevealDraft] = []
    actions: list[RevealDraft] = []
    for event in events:
        if event is first or event.at < start:
            continue
        offset = _seconds(start, event.at)
        if event.kind in RESPONSE_KINDS:
            actions.append(RevealDraft(offset, _clip(event.text), event.kind))
        elif len(reveals) < MAX_REVEALS:
            looked_up = event.kind == "note" and _LOOKED_UP.search(event.text)
            mode = RevealMode.REQUEST.value if looked_up else RevealMode.CLOCK.value
            prompt = f"if you look at the {looked_up.group(0).lower()}" if looked_up else None
            reveals.append(RevealDraft(offset, _clip(event.text), event.kind, mode, prompt))
    facts: list[HiddenFact] = []
    triggers = [f for f in doc.factors if f.role == "trigger"]
    for factor in triggers:
        facts.append(HiddenFact("trigger", _clip(factor.description)))
    for factor in doc.factors:
        if factor not in triggers:
            facts.append(HiddenFact(f"factor {factor.label or ''}".strip() + f" ({factor.role})", _clip(factor.description)))
    resolution = doc.postmortem.prose.get("resolution", "").strip()
    if resolution:
        facts.append(HiddenFact("resolution", _clip(resolution)))
    for action in actions:
        facts.append(HiddenFact(f"responders did (+{format_offset(action.offset_seconds)})", action.text))
    mitigation = next((a for a in actions if a.kind in ("mitigation", "resolution")), None)
    diagnosed = (
        f"The responders name the trigger: {triggers[0].description}" if triggers
        else f"The responders name the cause: {doc.factors[0].description}" if doc.factors
        else "The responders name what changed, and why it broke (the record names no factor: write the finish line)"
    )
    mitigated = (
        f"The responders mitigate, as the real responders did: {mitigation.text}" if mitigation
        else "The responders stop the impact (the record has no mitigation event: write the finish line)"
    )
    moments = doc.moments
    # The mitigated moment when recorded, else the first mitigation the timeline shows.
    real_mitigate = (
        _seconds(start, moments.mitigated) if moments.mitigated and moments.mitigated >= start
        else mitigation.offset_seconds if mitigation else None
    )
    real_diagnose = next((a.offset_seconds for a in actions if a.kind == "decision"), None)
    return ScenarioDraft(
        title=f"Drill: {doc.title}",
        situation=situation,
        situation_kind=situation_kind,
        zone=doc.timezone,
        hidden_facts=facts,
        reveals=reveals,
        diagnosed_line=_clip(diagnosed),
        mitigated_line=_clip(mitigated),
        real_diagnose_seconds=real_diagnose,
        real_mitigate_seconds=real_mitigate,
        real_actions=actions,
        situation_time=format_local(start, zone_of(doc.timezone), with_date=False),
    )


def zone_of(name: str) -> ZoneInfo:
    """The incident's zone; a name the machine does not know reads as UTC rather than failing the draft."""
    try:
        return require_zone(name)
    except InvalidInput:
        return require_zone("UTC")


@dataclass(frozen=True)
class RevealState:
    position: int  # 1-based, as the game master and the CLI name it
    offset_seconds: int
    mode: str
    hidden: bool
    revealed_at: datetime | None  # set when the game master or a request showed it


def shown_at(reveal: RevealState, started_at: datetime | None, now: datetime, ended_at: datetime | None = None) -> datetime | None:
    """When a responder first sees the reveal, or None if not (yet): revealed by hand
    or on request at that moment, or by the clock once the drill has run its offset."""
    if reveal.hidden or started_at is None:
        return None
    until = min(now, ended_at) if ended_at else now
    candidates = []
    if reveal.revealed_at is not None and reveal.revealed_at <= until:
        candidates.append(reveal.revealed_at)
    if reveal.mode == RevealMode.CLOCK.value:
        due = started_at + timedelta(seconds=reveal.offset_seconds)
        if due <= until:
            candidates.append(due)
    return min(candidates) if candidates else None


def format_offset(seconds: int) -> str:
    """'+12:05' style, minutes and seconds from the drill's start (hours when over one)."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# A drill runs for hours, but a scenario drafted from a long incident keeps its
# signals' real distances; a year is past any of them and far from any overflow.
MAX_OFFSET_SECONDS = 366 * 24 * 3600


def parse_offset(text: str) -> int:
    """'12:05', '1:02:03', '90s', '15m' -> seconds from the start, at most a year."""
    value = text.strip().lstrip("+")
    if match := re.fullmatch(r"([0-9]+)\s*([smh])", value):
        numbers, unit = [match.group(1)], {"s": 1, "m": 60, "h": 3600}[match.group(2)]
    elif re.fullmatch(r"[0-9]+(?::[0-9]+){0,2}", value):
        numbers, unit = value.split(":"), None
    else:
        raise InvalidInput(f"offset {text!r}: write minutes:seconds from the start, e.g. 12:05, or 15m")
    too_far = InvalidInput(f"offset {text!r}: at most {MAX_OFFSET_SECONDS // 86400} days after the start")
    if any(len(number) > 9 for number in numbers):
        raise too_far  # before converting: no allowed offset has that many digits
    if unit is not None:
        seconds = int(numbers[0]) * unit
    else:
        if any(int(number) >= 60 for number in numbers[1:]):
            raise InvalidInput(f"offset {text!r}: minutes and seconds after a colon are below 60")
        seconds = 0
        for number in numbers:
            seconds = seconds * 60 + int(number)
        if len(numbers) == 1:
            seconds *= 60  # a bare number is minutes
    if seconds > MAX_OFFSET_SECONDS:
        raise too_far
    return seconds
