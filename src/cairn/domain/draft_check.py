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
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from itertools import combinations
from zoneinfo import ZoneInfo, available_timezones

from cairn.domain.citations import CITATION, Citation, CitationKind, Sentence, sentences, strip_citations
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
# What may follow a clock time to say its zone: UTC or an offset from it, a numeric
# abbreviation (+03, as Cairn writes Istanbul's), or a letter one (CET, EST).
_ZONE = (
    r"(?:\s*(?P<zone>(?:UTC|GMT)(?:\s?[+-−]\d{1,2}(?::?\d{2})?)?(?![\w+-])|Z\b|[+-−]\d{2}(?::?\d{2})?(?!\d|:\d)"
    r"|(?-i:[A-Z][A-Za-z]{1,4})\b))?"
)
_TIME = re.compile(
    _DATE + r"(?<![\d:.])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::[0-5]\d)?(?![\d:])"
    r"(?:\s*(?P<ampm>[ap]\.?m\.?)(?![a-z]))?" + _ZONE,
    re.IGNORECASE,
)
_HOUR_ONLY = re.compile(r"(?<![\w:.])(?P<hour>1[0-2]|0?[1-9])\s?(?P<ampm>[ap]\.?m\.?)(?![a-z])" + _ZONE, re.IGNORECASE)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_DATES = [
    re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])"),
    re.compile(r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<year>\d{2}(?:\d{2})?))?(?![\d/])"),
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b" + _YEAR, re.IGNORECASE),
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"\b" + _YEAR, re.IGNORECASE),
]
_HOURS = r"(?:h|hrs?|hours?)"
_MINUTES = r"(?:m|mins?|minutes?)"
_DURATION = re.compile(
    r"(?<![\w.:])(?:(?P<days>\d+)\s*(?:d|days?)\s*(?:(?P<dhours>\d+)\s*" + _HOURS + r")?\s*(?:(?:and\s*)?(?P<dminutes>\d+)\s*" + _MINUTES + r")?"
    r"|(?P<hours>\d+(?:\.\d+)?)\s*" + _HOURS + r"(?:\s*(?:and\s*)?(?P<hminutes>\d+)\s*" + _MINUTES + r")?"
    r"|(?P<minutes>\d+)\s*" + _MINUTES + r"|(?P<seconds>\d+)\s*(?:s|secs?|seconds?))(?![\w])",
    re.IGNORECASE,
)
# A figure, also with a unit or multiplier stuck to it (12k, 900ms, 40x) and as the
# end of a range (5-40%); a number inside a name (db01, INC-42, v2) is not a figure.
_NUMBER = re.compile(
    r"(?<![\w.#/])(?<![A-Za-z]-)(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<percent>\s?%)?(?:[A-Za-z]{1,3})?(?![\w/])"
)
_UNITS = {"second": 1 / 60, "minute": 1, "hour": 60, "day": 1440}
_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_WORD = r"(?:" + "|".join(sorted(_SMALL, key=len, reverse=True)) + r")"
_COUNT_WORDS = re.compile(
    r"\b(?P<words>" + _WORD + r"(?:[-\s]" + _WORD + r")?(?:\s+(?:hundred|thousand|million)(?:\s+(?:and\s+)?" + _WORD
    + r"(?:[-\s]" + _WORD + r")?)?)*)(?=\s+(?P<unit>seconds?|minutes?|hours?|days?)\b|\s+(?:hundred|thousand|million)\b|(?<=hundred)|(?<=thousand)|(?<=million))",
    re.IGNORECASE,
)
_HALVES = [
    (re.compile(r"\b(?:an?|one)\s+(?P<unit>hour|minute|day)\s+and\s+a\s+half\b", re.IGNORECASE), 1.5),
    (re.compile(r"\bhalf\s+an?\s+(?P<unit>hour|minute|day)\b", re.IGNORECASE), 0.5),
    (re.compile(r"\b(?:an?|one)\s+(?P<unit>hour|minute|day)\b", re.IGNORECASE), 1),
]
_ANY_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def stated_times(text: str) -> int:
    """How many clock times a sentence states (for measuring how many of them hold)."""
    body = CITATION.sub(" ", text)
    return len(_TIME.findall(body)) + len(_HOUR_ONLY.findall(_TIME.sub(" ", body)))


def _words_as_numbers(text: str) -> str:
    """Number words a claim could hide a figure in, as digits: durations ("two hours",
    "an hour and a half") and counts ("nine thousand"). A lone "one" stays a word."""
    for pattern, factor in _HALVES:
        text = pattern.sub(lambda m: f"{_UNITS[m.group('unit').lower()] * factor:g} minutes", text)

    def value(match: re.Match[str]) -> str:
        total = current = 0
        for word in re.split(r"[-\s]+", match.group("words").lower()):
            if word in _SMALL:
                current += _SMALL[word]
            elif word == "hundred":
                current *= 100
            elif word in ("thousand", "million"):
                total += current * (1000 if word == "thousand" else 1_000_000)
                current = 0
        return str(total + current)

    return _COUNT_WORDS.sub(value, text)


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
    if not cited and (not question or _ASSERTS.search(strip_citations(sentence.text))):
        # "Checkout failed because of the config push, right?" states a cause in a question's clothes
        reasons.append("states a fact without citing the record")
    body = CITATION.sub(" ", _without_quotes(sentence.text, [evidence.text_of(c) for c in known], reasons))
    body = _words_as_numbers(body)
    times = [t for t in (evidence.time_of(c) for c in known) if t is not None]

    for pattern in (_TIME, _HOUR_ONLY):
        for match in pattern.finditer(body):
            said = _said_time(match)
            stated = match.group().strip()
            if said is None:
                reasons.append(f"gives {stated}, which is not a clock time")
            elif not times:
                reasons.append(f"gives the time {stated} but cites nothing with a time")
            elif not any(_same_minute(said, match, at, evidence.zone) for at in times):
                shown = ", ".join(sorted({at.astimezone(evidence.zone).strftime("%H:%M %Z") for at in times}))
                reasons.append(f"gives the time {stated}, but the cited record says {shown}")
        body = pattern.sub(" ", body)
    body = _check_dates(body, times, evidence.zone, reasons)

    spans = _spans(known, times, evidence)
    for match in _DURATION.finditer(body):
        said = _minutes_of(match)
        hedge = _HEDGE.search(body, 0, match.start())
        if not spans:
            reasons.append(f"gives the duration {match.group().strip()} but cites no two times or figure it is measured by")
        elif not any(_fits(said, span, hedge.group(1).lower() if hedge else "") for span in spans):
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


# A question that carries a claim: a tag question, or a cause stated inside it.
_ASSERTS = re.compile(
    r",\s*(?:right|correct|no|yes|surely|true|agreed)\s*\?\s*$"
    r"|,\s*(?:is|was|were|are|did|does|do|has|had|have|could|would|should|ca|wo)n[’']?t\s+(?:it|they|he|she|we|you|there|that|this)\s*\?\s*$"
    r"|\b(?:because|due to|caused by|as a result of|the reason (?:was|is)|which (?:caused|led to))\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(less than|fewer than|under|within|more than|over|after over|about|around|roughly|nearly|almost|approximately|some)\s+$",
    re.IGNORECASE,
)


def _fits(said: float, span: float, hedge: str) -> bool:
    """A stated duration against one the record measures, read as the sentence hedges it."""
    if hedge in ("less than", "fewer than", "under", "within"):
        return span <= said
    if hedge in ("more than", "over", "after over"):
        return span >= said
    if hedge:  # about, around, nearly...: within a tenth, and at least a minute
        return abs(said - span) <= max(1.0, said / 10)
    return abs(said - span) < 1 or int(said) == int(span)


def _said_time(match: re.Match[str]) -> tuple[int, int] | None:
    """(hour, minute) on the 24-hour clock; None for "14:20 am" or "0 pm"."""
    groups = match.groupdict()
    hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return hour, minute


def _same_minute(said: tuple[int, int], match: re.Match[str], at: datetime, zone: ZoneInfo) -> bool:
    """The stated time is the cited one, read in the zone the sentence names (the
    incident's when it names none); a zone it names that fits neither is a mismatch."""
    candidates = _zones_named(match.group("zone"), at, zone)
    for offset in candidates:
        local = at.astimezone(offset)
        if match.groupdict().get("date") and local.strftime("%Y-%m-%d") != match.group("date"):
            continue
        if (local.hour, local.minute) == said:
            return True
    return False


def _zones_named(name: str | None, at: datetime, zone: ZoneInfo) -> list:  # type: ignore[type-arg]
    if not name:
        return [zone]
    name = name.replace("−", "-")
    if name.upper() in ("UTC", "GMT", "Z"):
        return [timezone.utc]
    fixed = re.fullmatch(r"(?:UTC|GMT)?\s?([+-])(\d{1,2})(?::?(\d{2}))?", name, re.IGNORECASE)
    if fixed:
        sign = -1 if fixed.group(1) == "-" else 1
        return [timezone(sign * timedelta(hours=int(fixed.group(2)), minutes=int(fixed.group(3) or 0)))]
    if at.astimezone(zone).tzname() == name:
        return [zone]
    offsets = _abbreviations().get(name)
    if offsets is None:
        return [zone]  # not a zone's name ("at 14:20 DNS failed"): the incident's zone
    return [timezone(offset) for offset in offsets]


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, set[timedelta]]:
    """Zone abbreviations the tz database uses (CET, EST, IST, ...) with the offsets each
    stands for, read once: in winter and in summer of one year, in both hemispheres."""
    found: dict[str, set[timedelta]] = {}
    for key in available_timezones():
        try:
            zone = ZoneInfo(key)
        except (ValueError, OSError):
            continue
        for probe in (datetime(2026, 1, 15, 12, tzinfo=timezone.utc), datetime(2026, 7, 15, 12, tzinfo=timezone.utc)):
            local = probe.astimezone(zone)
            name, offset = local.tzname(), local.utcoffset()
            if name and offset is not None and name.isalpha():
                found.setdefault(name, set()).add(offset)
    return found


def _check_dates(body: str, times: list[datetime], zone: ZoneInfo, reasons: list[str]) -> str:
    """Every date the sentence states must be the date of a cited time (in the incident's
    zone or in UTC); the dates are then taken out so their digits are not read as figures."""
    days = {(d.year, d.month, d.day) for at in times for d in (at.astimezone(zone), at.astimezone(timezone.utc))}
    for index, pattern in enumerate(_DATES):
        for match in pattern.finditer(body):
            stated = match.group().strip()
            if index == 1:  # 7/4 or 4/7, with or without the year: either order may be meant
                first, second = int(match.group("first")), int(match.group("second"))
                readings = [(m, d) for m, d in ((first, second), (second, first)) if 1 <= m <= 12 and 1 <= d <= 31]
                if not readings:
                    continue  # 3/45 is not a date: its digits are read as figures
            elif index == 0:
                readings = [(int(match.group("month")), int(match.group("day")))]
            else:
                readings = [(_month_number(match.group("month")), int(match.group("day")))]
            year = match.groupdict().get("year")
            years = None if not year else {int(year) + (2000 if len(year) == 2 else 0)}
            if not times:
                reasons.append(f"gives the date {stated} but cites nothing with a time")
            elif not any((y, m, d) in days for y, m, d in days_matching(readings, years, days)):
                shown = ", ".join(sorted(f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in days))
                reasons.append(f"gives the date {stated}, but the cited record says {shown}")
        body = pattern.sub(" ", body)
    return body


def days_matching(readings: list[tuple[int, int]], years: set[int] | None, days: set[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The (year, month, day) a stated date may be: its year if it gives one, else any cited year."""
    candidates_years = years if years is not None else {y for y, _m, _d in days}
    return [(y, m, d) for y in candidates_years for m, d in readings]


def _month_number(text: str) -> int:
    start = text.lower().rstrip(".")[:3]
    return next(index for index, name in enumerate(_MONTHS, start=1) if name.startswith(start))


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
