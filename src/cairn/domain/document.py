"""The portable shape of an incident and its postmortem.

This is what exports write and imports read: plain values, no database ids,
people by username, factors and action items by their per-incident labels
(F1, A1). Converting to and from storage happens in the services; converting
to and from text happens in `cairn.formats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from cairn.domain.moments import KeyMoments

# Body sections that map onto postmortem fields, in the order they are written.
PROSE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("impact", "Impact"),
    ("resolution", "Resolution"),
    ("did_not_work", "What did not work"),
    ("went_well", "What went well"),
    ("went_wrong", "What went wrong"),
    ("got_lucky", "Where we got lucky"),
    ("surprises", "Surprises"),
)
# Exports may end with this derived section; readers skip it, writers may not use the title.
DIAGRAMS_TITLE = "Diagrams (drawn by Cairn)"
RESERVED_TITLES = {title.casefold() for _, title in PROSE_SECTIONS} | {DIAGRAMS_TITLE.casefold()}


@dataclass
class EventDoc:
    at: datetime
    kind: str
    text: str
    actor: str | None = None
    source: str = "manual"
    ref: str | None = None
    id: int | None = None  # storage id, shown to users for marking; never exported
    level: str | None = None  # a log line's level (domain.levels.LEVELS), when its source states one
    component: str | None = None  # the logger, tag or daemon that wrote the line


@dataclass
class WhyDoc:
    question: str
    answer: str


@dataclass
class FactorDoc:
    label: str | None
    description: str
    category: str
    role: str
    services: list[str] = field(default_factory=list)
    whys: list[WhyDoc] = field(default_factory=list)


@dataclass
class ActionItemDoc:
    label: str | None
    title: str
    kind: str
    status: str
    priority: str
    owner: str | None = None
    due: date | None = None
    impact: int | None = None
    effort: int | None = None
    closed_at: datetime | None = None
    url: str | None = None
    note: str | None = None
    factors: list[str] = field(default_factory=list)


@dataclass
class ImpactDoc:
    users_affected: int | None = None
    users_share: float | None = None
    duration_minutes: int | None = None
    data_loss: str | None = None
    cost: str | None = None
    slo_budget: str | None = None


@dataclass
class SectionDoc:
    title: str
    body: str = ""


@dataclass
class ParticipantDoc:
    user: str
    role: str


@dataclass
class PostmortemDoc:
    status: str = "draft"
    template: str = "default"
    impact: ImpactDoc = field(default_factory=ImpactDoc)
    risk_likelihood: int | None = None
    risk_severity: int | None = None
    prose: dict[str, str] = field(default_factory=dict)
    sections: list[SectionDoc] = field(default_factory=list)


@dataclass
class IncidentDoc:
    title: str
    severity: str
    key: str | None = None
    version: int | None = None
    kind: str = "incident"
    status: str = "open"
    visibility: str = "internal"
    timezone: str = "UTC"
    services: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    moments: KeyMoments = field(default_factory=KeyMoments)
    participants: list[ParticipantDoc] = field(default_factory=list)
    timeline: list[EventDoc] = field(default_factory=list)
    factors: list[FactorDoc] = field(default_factory=list)
    action_items: list[ActionItemDoc] = field(default_factory=list)
    postmortem: PostmortemDoc = field(default_factory=PostmortemDoc)
