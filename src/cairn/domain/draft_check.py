"""Checking prose against the record it cites, sentence by sentence.

A claim must cite what it rests on, every citation must exist in this
incident, and every time, duration and number in the sentence must be found
in the cited evidence: times to the minute in the incident's zone (or in UTC
when the sentence says so), durations to the minute between cited times,
numbers among the cited figures and event texts. This is what keeps a first
draft, written by Cairn or by a model, from inventing a timestamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from cairn.domain.citations import CITATION, Citation, CitationKind, Sentence, sentences
from cairn.domain.document import IncidentDoc
from cairn.domain.moments import durations
from cairn.domain.times import require_zone


@dataclass(frozen=True)
class Evidence:
    """What a citation can point at, indexed for lookup."""

    zone: ZoneInfo
    events: dict[str, tuple[datetime, str]]  # id -> (time, text)
    moments: dict[str, datetime]
    impact: dict[str, object]
    factors: dict[str, str]
    fields: dict[str, str]
    moment_spans: dict[str, timedelta] = field(default_factory=dict)  # moment -> time from the start

    @classmethod
    def of(cls, doc: IncidentDoc) -> "Evidence":
        spans = durations(doc.moments)
        return cls(
            zone=require_zone(doc.timezone),
            events={str(e.id): (e.at, e.text) for e in doc.timeline if e.id is not None},
            moments={m.value: at for m, at in doc.moments.items() if at is not None},
            impact={k: v for k, v in vars(doc.postmortem.impact).items() if v not in (None, "")},
            factors={f.label: f.description for f in doc.factors if f.label},
            fields={
                "title": doc.title, "severity": doc.severity, "services": ", ".join(doc.services),
                "teams": ", ".join(doc.teams), "kind": doc.kind,
            },
            moment_spans={
                name: span for name, span in (
                    ("detected", spans.to_detect), ("mitigated", spans.to_mitigate), ("resolved", spans.to_resolve),
                ) if span is not None
            },
        )

    def has(self, citation: Citation) -> bool:
        table = {
            CitationKind.EVENT: self.events, CitationKind.MOMENT: self.moments, CitationKind.IMPACT: self.impact,
            CitationKind.FACTOR: self.factors, CitationKind.INCIDENT: self.fields,
        }[citation.kind]
        value = table.get(citation.ref)
        return value is not None and (citation.kind is not CitationKind.INCIDENT or bool(str(value).strip()))

    def time_of(self, citation: Citation) -> datetime | None:
        if citation.kind is CitationKind.EVENT and citation.ref in self.events:
            return self.events[citation.ref][0]
        if citation.kind is CitationKind.MOMENT:
            return self.moments.get(citation.ref)
        return None

    def text_of(self, citation: Citation) -> str:
        if citation.kind is CitationKind.EVENT:
            return self.events.get(citation.ref, (None, ""))[1]
        if citation.kind is CitationKind.IMPACT:
            return _figure_text(self.impact.get(citation.ref))
        if citation.kind is CitationKind.FACTOR:
            return self.factors.get(citation.ref, "")
        if citation.kind is CitationKind.INCIDENT:
            return self.fields.get(citation.ref, "")
        return ""


def _figure_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    start: int
    kept: bool
    question: bool
    citations: list[Citation]
    reasons: list[str]

    @property
    def factual(self) -> bool:
        return not self.question


@dataclass(frozen=True)
class TextCheck:
    sentences: list[SentenceCheck]

    @property
    def kept(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.kept]

    @property
    def unsupported(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if not s.kept]


# --- what a sentence says: times, durations, numbers -----------------------------------

_DATE = r"(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?"
_TIME = re.compile(
    _DATE + r"(?<![\d:.])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::[0-5]\d)?(?![\d:])"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?)(?![a-z]))?(?:\s*(?P<utc>UTC|GMT|Z)\b)?",
    re.IGNORECASE,
)
_HOURS = r"(?:h|hrs?|hours?)"
_MINUTES = r"(?:m|mins?|minutes?)"
_DURATION = re.compile(
    r"(?<![\w.:])(?:(?P<days>\d+)\s*(?:d|days?)\s*(?:(?P<dhours>\d+)\s*" + _HOURS + r")?\s*(?:(?:and\s*)?(?P<dminutes>\d+)\s*" + _MINUTES + r")?"
    r"|(?P<hours>\d+(?:\.\d+)?)\s*" + _HOURS + r"(?:\s*(?:and\s*)?(?P<hminutes>\d+)\s*" + _MINUTES + r")?"
    r"|(?P<minutes>\d+)\s*" + _MINUTES + r"|(?P<seconds>\d+)\s*(?:s|secs?|seconds?))(?![\w])",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.#/-])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<percent>\s?%)?(?![\w/])")
_ANY_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def stated_times(text: str) -> int:
    """How many clock times a sentence states (for measuring how many of them hold)."""
    return len(_TIME.findall(CITATION.sub(" ", text)))


def _minutes_of(match: re.Match[str]) -> float:
    g = match.groupdict()
    if g["days"]:
        return int(g["days"]) * 1440 + int(g["dhours"] or 0) * 60 + int(g["dminutes"] or 0)
    if g["hours"]:
        return float(g["hours"]) * 60 + int(g["hminutes"] or 0)
    if g["minutes"]:
        return int(g["minutes"])
    return int(g["seconds"]) / 60


def _as_number(text: str) -> float:
    return float(text.replace(",", ""))


def _numbers_in(text: str) -> set[float]:
    return {_as_number(m.group()) for m in _ANY_NUMBER.finditer(text)}


def check_sentence(sentence: Sentence, evidence: Evidence) -> SentenceCheck:
    cited = sentence.citations
    question = sentence.is_question
    reasons: list[str] = []
    for citation in cited:
        if not evidence.has(citation):
            reasons.append(f"cites {citation.token}, which is not in this incident's record")
    known = [c for c in cited if evidence.has(c)]
    if not question and not cited:
        reasons.append("states a fact without citing the record")
    body = _without_quotes(CITATION.sub(" ", sentence.text), [evidence.text_of(c) for c in known], reasons)
    times = [t for t in (evidence.time_of(c) for c in known) if t is not None]

    for match in _TIME.finditer(body):
        said = _said_time(match)
        if not times:
            reasons.append(f"gives the time {match.group().strip()} but cites nothing with a time")
        elif not any(_same_minute(said, match, at, evidence.zone) for at in times):
            shown = ", ".join(sorted({at.astimezone(evidence.zone).strftime("%H:%M") for at in times}))
            reasons.append(f"gives the time {match.group().strip()}, but the cited record says {shown}")
    body = _TIME.sub(" ", body)
    body = re.sub(r"\d{4}-\d{2}-\d{2}", " ", body)

    spans = _spans(known, times, evidence)
    for match in _DURATION.finditer(body):
        said = _minutes_of(match)
        if not spans:
            reasons.append(f"gives the duration {match.group().strip()} but cites no two times or figure it is measured by")
        elif not any(abs(said - span) < 1 or int(said) == int(span) for span in spans):
            reasons.append(f"gives the duration {match.group().strip()}, which no cited times or figure measure")
    body = _DURATION.sub(" ", body)

    figures: set[float] = set()
    for citation in known:
        figures |= _numbers_in(evidence.text_of(citation))
    for match in _NUMBER.finditer(body):
        value = _as_number(match.group("number"))
        if value not in figures:
            reasons.append(f"gives the number {match.group().strip()}, which is not in the cited record")
    return SentenceCheck(sentence.text, sentence.start, not reasons, question, cited, reasons)


_QUOTE = re.compile(r"“([^”]{1,2000})”|\"([^\"]{1,2000})\"")


def _normal(text: str) -> str:
    return " ".join(text.replace("“", '"').replace("”", '"').split()).casefold()


def _without_quotes(body: str, cited_texts: list[str], reasons: list[str]) -> str:
    """A quotation of a cited event is the record's own words: its times and numbers are
    not the writer's claims. A quotation found in nothing cited is itself unsupported."""
    sources = [_normal(text) for text in cited_texts if text]

    def drop(match: re.Match[str]) -> str:
        quoted = _normal((match.group(1) or match.group(2) or "").removesuffix("…").strip())
        if quoted and any(quoted in source for source in sources):
            return " "
        if quoted and len(quoted) >= 12:
            reasons.append(f"quotes “{quoted[:60]}”, which is not in the cited record")
            return " "
        return match.group()

    return _QUOTE.sub(drop, body)


def _said_time(match: re.Match[str]) -> tuple[int, int]:
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return hour, minute


def _same_minute(said: tuple[int, int], match: re.Match[str], at: datetime, zone: ZoneInfo) -> bool:
    local = at.astimezone(ZoneInfo("UTC") if match.group("utc") else zone)
    if match.group("date") and local.strftime("%Y-%m-%d") != match.group("date"):
        return False
    return (local.hour, local.minute) == said


def _spans(known: list[Citation], times: list[datetime], evidence: Evidence) -> list[float]:
    """Durations (minutes) the cited evidence measures: between any two cited times, a cited
    moment's time from the start, and a cited duration figure."""
    spans = [abs((b - a).total_seconds()) / 60 for a, b in combinations(sorted(set(times)), 2)]
    for citation in known:
        if citation.kind is CitationKind.MOMENT and citation.ref in evidence.moment_spans:
            spans.append(evidence.moment_spans[citation.ref].total_seconds() / 60)
        if citation.kind is CitationKind.IMPACT and citation.ref == "duration_minutes":
            spans.append(float(evidence.impact["duration_minutes"]))  # type: ignore[arg-type]
    return spans


def check_text(text: str, evidence: Evidence) -> TextCheck:
    """Every sentence of a section checked; headings are not claims and pass as they are."""
    return TextCheck([check_sentence(s, evidence) for s in sentences(text) if s.block != "heading"])
