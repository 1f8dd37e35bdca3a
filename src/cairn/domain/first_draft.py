"""A first draft of the postmortem from the record alone, every sentence with its citations.

Nothing is guessed: each statement is made from an event, a key moment, an
impact figure or a factor, and names it; what the record does not say
becomes a question for the author. The wording describes what happened and
what the systems showed, never what a person should have done, and a
sentence the blameless linter would flag (an event quoted as it was typed in
the heat of the moment) is replaced by a neutral pointer to the event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cairn.domain import citations as cite
from cairn.domain.citations import Citation, render_tokens
from cairn.domain.document import EventDoc, IncidentDoc
from cairn.domain.enums import KeyMoment
from cairn.domain.times import format_local, require_zone

# The sections a draft writes, in the order of a postmortem, with their titles.
DRAFT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("detection", "Detection"),
    ("response", "Response"),
    ("resolution", "Resolution"),
    ("impact", "Impact"),
    ("questions", "Questions for the review"),
)
RESPONSE_KINDS = ("action", "decision", "escalation", "communication", "deploy", "acknowledgement")
DETECTION_KINDS = ("alert", "detection")
# Which recorded kinds propose which key moment, to notice a moment that was never confirmed.
PROPOSED_BY = {
    KeyMoment.DETECTED: DETECTION_KINDS,
    KeyMoment.ACKNOWLEDGED: ("acknowledgement",),
    KeyMoment.MITIGATED: ("mitigation",),
    KeyMoment.RESOLVED: ("resolution",),
}
PER_PHASE = 12  # events listed per phase; the rest are pointed at, not spelled out
QUOTE_LIMIT = 160
KIND_WORDS = {
    "action": "Action", "decision": "Decision", "escalation": "Escalation", "communication": "Update",
    "deploy": "Deploy", "acknowledgement": "Acknowledged", "mitigation": "Mitigation", "resolution": "Resolution",
    "alert": "Alert", "detection": "Report", "note": "Note",
}


def spoken(span: timedelta) -> str:
    """A duration as prose, to the minute: '1 minute', '2 hours 14 minutes', '1 day 3 hours'."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)

    def unit(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    if days:
        return " ".join([unit(days, "day")] + ([unit(hours, "hour")] if hours else []) + ([unit(minutes, "minute")] if minutes else []))
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute") if minutes else "less than a minute"


@dataclass
class DraftSentence:
    text: str  # the words, ending with their stop, without the citations
    citations: list[Citation] = field(default_factory=list)

    @property
    def question(self) -> bool:
        return self.text.rstrip().endswith("?")

    @property
    def markdown(self) -> str:
        if not self.citations:
            return self.text
        body, stop = (self.text[:-1], self.text[-1]) if self.text[-1:] in ".?!" else (self.text, "")
        return f"{body.rstrip()} {render_tokens(self.citations)}{stop}"


@dataclass
class DraftBlock:
    kind: str  # "p" (a paragraph of sentences), "item" (one list item) or "label" (a bold phase label)
    sentences: list[DraftSentence]

    @property
    def markdown(self) -> str:
        text = " ".join(s.markdown for s in self.sentences)
        return {"item": f"- {text}", "label": f"**{text}**"}.get(self.kind, text)


@dataclass
class DraftSection:
    key: str
    title: str
    blocks: list[DraftBlock] = field(default_factory=list)

    @property
    def markdown(self) -> str:
        parts: list[str] = []
        for index, block in enumerate(self.blocks):
            if index and not (block.kind == "item" and self.blocks[index - 1].kind == "item"):
                parts.append("")
            parts.append(block.markdown)
        return "\n".join(parts).strip() + ("\n" if parts else "")

    @property
    def sentences(self) -> list[DraftSentence]:
        return [s for block in self.blocks if block.kind != "label" for s in block.sentences]


@dataclass
class Draft:
    sections: list[DraftSection]

    def section(self, key: str) -> DraftSection | None:
        return next((s for s in self.sections if s.key == key), None)


Screen = Callable[[str], bool]  # True when a sentence would draw a blameless-language finding


@dataclass
class _Writer:
    doc: IncidentDoc
    gap: timedelta
    screen: Screen | None
    questions: list[DraftSentence] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.zone = require_zone(self.doc.timezone)
        self.events = sorted((e for e in self.doc.timeline if e.id is not None), key=lambda e: (e.at, e.id or 0))
        first = self.doc.moments.started or (self.events[0].at if self.events else None)
        self.first_day = first.astimezone(self.zone).date() if first else None

    # --- wording helpers ---

    def when(self, at: datetime) -> str:
        """Times in the incident's zone; the date only when it differs from the first day."""
        local = at.astimezone(self.zone)
        return format_local(at, self.zone, with_date=local.date() != self.first_day)

    def quote(self, event: EventDoc) -> str:
        text = " ".join(event.text.split()).strip().rstrip(".")
        if len(text) > QUOTE_LIMIT:
            text = text[:QUOTE_LIMIT].rsplit(" ", 1)[0] + " …"
        return text.replace("“", "\"").replace("”", "\"")

    def clean(self, sentence: DraftSentence, fallback: DraftSentence, *, quoted: str | None = None) -> DraftSentence:
        """The sentence, unless the linter would flag it or the words it quotes (the linter
        reads a quotation as someone else's words): then the neutral pointer."""
        if self.screen is not None and (self.screen(sentence.text) or (quoted is not None and self.screen(quoted))):
            return fallback
        return sentence

    def event_line(self, event: EventDoc) -> DraftSentence:
        kind = KIND_WORDS.get(event.kind, event.kind.capitalize())
        who = f" ({event.actor})" if event.actor and event.kind not in ("alert",) else ""
        said = DraftSentence(f"{self.when(event.at)}, {kind.lower()}{who}: “{self.quote(event)}”.", [cite.event(event.id or 0)])
        pointer = DraftSentence(
            f"{self.when(event.at)}, {kind.lower()} recorded; its wording is left for the author to restate.",
            [cite.event(event.id or 0)],
        )
        return self.clean(said, pointer, quoted=self.quote(event))

    def ask(self, text: str, citations: list[Citation] | None = None) -> None:
        self.questions.append(DraftSentence(text, citations or []))

    def moment(self, which: KeyMoment) -> datetime | None:
        return self.doc.moments.get(which)

    def of_kind(self, kinds: tuple[str, ...]) -> list[EventDoc]:
        return [e for e in self.events if e.kind in kinds]

    # --- sections ---

    def summary(self) -> DraftSection:
        section = DraftSection("summary", "Summary")
        started, resolved, mitigated = (self.moment(m) for m in (KeyMoment.STARTED, KeyMoment.RESOLVED, KeyMoment.MITIGATED))
        what = "near miss" if self.doc.kind == "near miss" else "incident"
        opening = [DraftSentence(f"This {what} is recorded as “{self.doc.title.strip().rstrip('.')}”, severity {self.doc.severity}.", [Citation(cite.CitationKind.INCIDENT, "title"), Citation(cite.CitationKind.INCIDENT, "severity")])]
        opening[0] = self.clean(
            opening[0], DraftSentence(f"This {what} is recorded with severity {self.doc.severity}.", [Citation(cite.CitationKind.INCIDENT, "severity")]),
            quoted=self.doc.title,
        )
        if self.doc.services:
            opening.append(DraftSentence(f"Services involved: {', '.join(self.doc.services)}.", [Citation(cite.CitationKind.INCIDENT, "services")]))
        section.blocks.append(DraftBlock("p", opening))
        span: list[DraftSentence] = []
        if started:
            span.append(DraftSentence(f"Impact began at {format_local(started, self.zone)}.", [cite.moment("started")]))
            end, name = (resolved, "resolved") if resolved else (mitigated, "mitigated")
            if end:
                span.append(DraftSentence(
                    f"It was {name} at {self.when(end)}, {spoken(end - started)} after it began.",
                    [cite.moment("started"), cite.moment(name)],
                ))
        else:
            self.ask("When did the impact begin (no start of impact is recorded)?")
        first = next(iter(self.of_kind(DETECTION_KINDS)), None)
        if first is not None:
            span.append(self.clean(
                DraftSentence(f"The first signal was: “{self.quote(first)}”.", [cite.event(first.id or 0)]),
                DraftSentence(f"The first signal was recorded at {self.when(first.at)}.", [cite.event(first.id or 0)]),
                quoted=self.quote(first),
            ))
        if span:
            section.blocks.append(DraftBlock("p", span))
        impact = self.doc.postmortem.impact
        if impact.users_affected is not None:
            share = f" ({impact.users_share:g}% of users)" if impact.users_share is not None else ""
            refs = [cite.impact("users_affected")] + ([cite.impact("users_share")] if share else [])
            section.blocks.append(DraftBlock("p", [DraftSentence(f"{impact.users_affected:,} users were affected{share}.", refs)]))
        return section

    def detection(self) -> DraftSection:
        section = DraftSection("detection", "Detection")
        started, detected, acknowledged = (self.moment(m) for m in (KeyMoment.STARTED, KeyMoment.DETECTED, KeyMoment.ACKNOWLEDGED))
        signals = self.of_kind(DETECTION_KINDS)
        said: list[DraftSentence] = []
        if signals:
            first = signals[0]
            how = "an alert" if first.kind == "alert" else "a report"
            by = f" from {first.actor}" if first.actor else ""
            said.append(self.clean(
                DraftSentence(f"It was first noticed through {how}{by} at {self.when(first.at)}: “{self.quote(first)}”.", [cite.event(first.id or 0)]),
                DraftSentence(f"It was first noticed through {how} at {self.when(first.at)}.", [cite.event(first.id or 0)]),
                quoted=self.quote(first),
            ))
        else:
            self.ask("How was the incident noticed (the timeline holds no alert or report)?")
        if detected and started:
            said.append(DraftSentence(
                f"Detection is recorded at {self.when(detected)}, {spoken(detected - started)} after impact began.",
                [cite.moment("started"), cite.moment("detected")],
            ))
        elif detected:
            said.append(DraftSentence(f"Detection is recorded at {self.when(detected)}.", [cite.moment("detected")]))
        if acknowledged and detected:
            said.append(DraftSentence(
                f"A responder acknowledged it at {self.when(acknowledged)}, {spoken(acknowledged - detected)} after detection.",
                [cite.moment("detected"), cite.moment("acknowledged")],
            ))
        if said:
            section.blocks.append(DraftBlock("p", said))
        if started and signals and signals[0].at - started > self.gap:
            self.ask(
                f"Impact began {spoken(signals[0].at - started)} before the first signal: what would have shown it sooner?",
                [cite.moment("started"), cite.event(signals[0].id or 0)],
            )
        return section

    def phases(self) -> list[tuple[str, datetime | None, datetime | None]]:
        marks = [(m, self.moment(m)) for m in (KeyMoment.DETECTED, KeyMoment.ACKNOWLEDGED, KeyMoment.MITIGATED, KeyMoment.RESOLVED)]
        known = [(m, at) for m, at in marks if at is not None]
        names = {
            KeyMoment.DETECTED: "detection", KeyMoment.ACKNOWLEDGED: "acknowledgement",
            KeyMoment.MITIGATED: "mitigation", KeyMoment.RESOLVED: "resolution",
        }
        if not known:
            return [("The response", None, None)]
        phases: list[tuple[str, datetime | None, datetime | None]] = [(f"Before {names[known[0][0]]}", None, known[0][1])]
        for (m1, t1), (m2, t2) in zip(known, known[1:]):
            phases.append((f"From {names[m1]} to {names[m2]}", t1, t2))
        phases.append((f"After {names[known[-1][0]]}", known[-1][1], None))
        return phases

    def response(self) -> DraftSection:
        section = DraftSection("response", "Response")
        work = self.of_kind(RESPONSE_KINDS)
        if not work:
            self.ask("What did the responders do (the timeline holds no actions, decisions or escalations)?")
            return section
        for label, begin, end in self.phases():
            inside = [e for e in work if (begin is None or e.at >= begin) and (end is None or e.at < end)]
            if not inside:
                continue
            section.blocks.append(DraftBlock("label", [DraftSentence(f"{label}.")]))
            for event in inside[:PER_PHASE]:
                section.blocks.append(DraftBlock("item", [self.event_line(event)]))
            if len(inside) > PER_PHASE:
                rest = inside[PER_PHASE:]
                section.blocks.append(DraftBlock("item", [DraftSentence(
                    f"More entries in this phase run from {self.when(rest[0].at)} to {self.when(rest[-1].at)}; see the timeline.",
                    [cite.event(rest[0].id or 0), cite.event(rest[-1].id or 0)],
                )]))
        for event in work:
            if event.kind in ("action", "decision", "escalation", "deploy") and not event.actor:
                self.ask(
                    f"The {event.kind} at {self.when(event.at)} has no one recorded with it: can the people involved add what they saw then?",
                    [cite.event(event.id or 0)],
                )
        self.quiet_gaps()
        return section

    def quiet_gaps(self) -> None:
        start = self.moment(KeyMoment.DETECTED) or self.moment(KeyMoment.STARTED)
        end = self.moment(KeyMoment.MITIGATED) or self.moment(KeyMoment.RESOLVED)
        inside = [e for e in self.events if (start is None or e.at >= start) and (end is None or e.at <= end)]
        for before, after in zip(inside, inside[1:]):
            if after.at - before.at > self.gap:
                self.ask(
                    f"Nothing was recorded for {spoken(after.at - before.at)}, between {self.when(before.at)} and {self.when(after.at)}: what was happening then?",
                    [cite.event(before.id or 0), cite.event(after.id or 0)],
                )

    def resolution(self) -> DraftSection:
        section = DraftSection("resolution", "Resolution")
        steps = self.of_kind(("mitigation", "resolution"))
        for event in steps[:PER_PHASE]:
            section.blocks.append(DraftBlock("item", [self.event_line(event)]))
        said: list[DraftSentence] = []
        started = self.moment(KeyMoment.STARTED)
        for which in (KeyMoment.MITIGATED, KeyMoment.RESOLVED):
            at = self.moment(which)
            if at is None:
                continue
            if started:
                said.append(DraftSentence(
                    f"The incident is recorded as {which.value} at {self.when(at)}, {spoken(at - started)} after impact began.",
                    [cite.moment("started"), cite.moment(which.value)],
                ))
            else:
                said.append(DraftSentence(f"The incident is recorded as {which.value} at {self.when(at)}.", [cite.moment(which.value)]))
        if said:
            section.blocks.append(DraftBlock("p", said))
        if not steps:
            self.ask("What brought the service back (the timeline holds no mitigation or resolution step)?")
        return section

    def impact(self) -> DraftSection:
        section = DraftSection("impact", "Impact")
        impact = self.doc.postmortem.impact
        said: list[DraftSentence] = []
        if impact.users_affected is not None:
            said.append(DraftSentence(f"{impact.users_affected:,} users were affected.", [cite.impact("users_affected")]))
        if impact.users_share is not None:
            said.append(DraftSentence(f"That is {impact.users_share:g}% of users.", [cite.impact("users_share")]))
        if impact.duration_minutes is not None:
            said.append(DraftSentence(f"Users were affected for {impact.duration_minutes} minutes.", [cite.impact("duration_minutes")]))
        for name, words in (("data_loss", "Data loss"), ("cost", "Cost"), ("slo_budget", "SLO budget spent")):
            value = getattr(impact, name)
            if value:
                said.append(self.clean(
                    # quoted: the figure's own words, whose times and numbers the record states
                    DraftSentence(f"{words}: “{' '.join(str(value).split()).rstrip('.')}”.", [cite.impact(name)]),
                    DraftSentence(f"{words} is recorded in the impact figures.", [cite.impact(name)]),
                    quoted=str(value),
                ))
        if said:
            section.blocks.append(DraftBlock("p", said))
        missing = [words for name, words in (
            ("users_affected", "users affected"), ("duration_minutes", "how long users were affected"),
            ("data_loss", "data loss"), ("slo_budget", "SLO budget spent"),
        ) if getattr(impact, name) in (None, "")]
        if missing:
            self.ask(f"The record has no figure for {', '.join(missing)}: can {'it' if len(missing) == 1 else 'they'} be measured?")
        return section

    def unconfirmed_moments(self) -> None:
        for which, kinds in PROPOSED_BY.items():
            if self.moment(which) is not None:
                continue
            found = self.of_kind(kinds)
            if found:
                pick = found[-1] if which is KeyMoment.RESOLVED else found[0]
                self.ask(
                    f"The timeline suggests {which.value} at {self.when(pick.at)}, but that moment is not confirmed: is it right?",
                    [cite.event(pick.id or 0)],
                )
            elif which is KeyMoment.DETECTED:
                self.ask("When and how was the incident first noticed (no detection moment is recorded)?")


def first_draft(doc: IncidentDoc, *, gap_minutes: int = 20, screen: Screen | None = None) -> Draft:
    """The draft of every section the record can speak to, and the questions it cannot answer."""
    writer = _Writer(doc, timedelta(minutes=gap_minutes), screen)
    sections = [writer.summary(), writer.detection(), writer.response(), writer.resolution(), writer.impact()]
    writer.unconfirmed_moments()
    questions = DraftSection("questions", "Questions for the review")
    questions.blocks = [DraftBlock("item", [q]) for q in writer.questions]
    return Draft([s for s in sections if s.blocks] + ([questions] if questions.blocks else []))
