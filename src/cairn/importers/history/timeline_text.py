"""The timeline of a postmortem written elsewhere, read from its text.

Written timelines come as lists whose items begin with a time ("14:51 text",
"**16:58 UTC** - text", "± 17:20 UTC: text", "2020-11-23 14:11 text",
"4:02 PM text"), as tables with a time column and an event column in any
order, or as sentences that begin with their moment ("On 2020-02-20 at 21:28
UTC, ..."). Lines that hold only a date ("### October 21, 2025", "**Nov 14**")
set the day of the times below them; a zone statement ("All times in CET",
"(all times UTC)") sets the zone of times that name none; a time earlier than
the one before it on the same day has rolled past midnight. Approximate times
("~", "±", "approximately", "around") are kept with a mark.

Zone abbreviations are read as the offsets they name (CET is UTC+1, CEST
UTC+2, PST UTC-8); the zone used is reported. A line that looks like an entry
but cannot be read is reported with its line and why, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OFFSETS = {  # hours east of UTC of the abbreviations written in postmortems
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "IST": 5.5, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "CST": -6, "CDT": -5, "EST": -5, "EDT": -4, "AKST": -9, "AKDT": -8, "HST": -10,
    "JST": 9, "KST": 9, "SGT": 8, "HKT": 8, "AEST": 10, "AEDT": 11, "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13, "BRT": -3,
}
MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"), ("jul", "july"),
    ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}

_ZONE = r"(?P<zone>(?-i:UTC(?:\s?+[+-]\d{1,2}(?::?\d{2})?)?|GMT(?:\s?+[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}|Z|[A-Z]{2,4}T|" + "|".join(
    sorted((name for name in OFFSETS if len(name) > 1), key=len, reverse=True)) + r"))"  # capitals only: "first" is no zone
_APPROX = r"(?P<approx>~|≈|±|\+/-|approx\.?|approximately|around|about|circa|ca\.)?\s*+"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (r"(?P<date>\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}"
         rf"|(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s++)?(?:{_MONTH}\s++\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s++\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s++{_MONTH}(?:,?\s++\d{{4}})?))")
_CLOCK = r"(?P<hour>\d{1,2})[:.h](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.\d+)?)?(?:\s*+(?P<ampm>[ap]\.?\s?+m\.?)(?![a-z]))?"
_LEAD = r"^\s*+(?:[-*+]\s++|\d+[.)]\s++)?(?:\[[ xX]\]\s++)?[*_`]*\s*+"  # a list marker, a checkbox, emphasis
ENTRY = re.compile(  # the whitespace is possessive (*+): adjacent blanks cannot trade characters, so no line backtracks for long
    _LEAD + _APPROX + rf"(?:{_DATE}(?:,?\s++|\s*+[T@]\s*+|\s++at\s++))?" + _CLOCK
    + rf"(?:\s*+{_ZONE}\b)?[*_`]*(?:\s*+[-–—:|]++|\s)\s*+(?P<text>.*)$",
    re.IGNORECASE,
)
PROSE = re.compile(r"^\s*+(?:on|at|by)\s++" + _DATE + r",?\s++(?:at\s++)?" + _APPROX + _CLOCK + rf"(?:\s*+{_ZONE}\b)?,?\s*+(?P<text>.*)$", re.IGNORECASE)
DATE_LINE = re.compile(r"^\s*+(?:#+\s*+|[-*+]\s++)?[*_`]*\s*+" + _DATE + r"\b[*_`]*\s*+(?:$|[-–—:|(]|\s++-)", re.IGNORECASE)
ZONE_STATEMENT = re.compile(r"\b(?:all\s++)?times?\s++(?:are\s++|shown\s++|given\s++|listed\s++)?(?:in\s++)?" + _ZONE + r"\b", re.IGNORECASE)
LOOKS_TIMED = re.compile(_LEAD + r"(?:~|±|approx\w*\s++)?\d{1,2}[:.h]\d", re.IGNORECASE)  # "14:5 text", "25:00 text": an entry not readable
TIME_HEADERS = ("time", "timestamp", "when", "date", "time utc", "date time", "datetime", "at")
TEXT_HEADERS = ("event", "events", "description", "what", "what happened", "action", "actions", "details", "detail", "note", "notes", "summary")


@dataclass(frozen=True)
class TextEvent:
    at: datetime  # aware, UTC
    text: str
    line: int
    approximate: bool = False


@dataclass
class ReadTimeline:
    events: list[TextEvent] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (file line, why)
    zones: list[str] = field(default_factory=list)  # the zones the times were read in, as stated or defaulted


def zone_named(name: str) -> tzinfo | None:
    """A zone from what a postmortem writes: an abbreviation, an offset, or an IANA name."""
    text = name.strip()
    upper = text.upper().replace(" ", "")
    if upper in OFFSETS:
        hours = OFFSETS[upper]
        return timezone.utc if hours == 0 else timezone(timedelta(hours=hours), upper)
    offset = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?", upper)
    if offset:
        sign = 1 if offset.group(1) == "+" else -1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
        return timezone(sign * delta) if delta < timedelta(hours=15) else None
    if "/" in text:
        try:
            return ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


def parse_date(text: str, year: int | None) -> date | None:
    """A written date: 2025-10-21, 2025/10/21, October 21, 2025, 21 Oct, Monday, 4 November 2019."""
    value = text.strip().rstrip(",.").lower()
    iso = re.fullmatch(r"(\d{4})[-/](\d{2})[-/](\d{2})", value)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        words = re.sub(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+", "", value)
        words = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", words).replace(",", " ")
        parts = words.split()
        month = next((MONTHS.get(part.rstrip(".")) for part in parts if MONTHS.get(part.rstrip("."))), None)
        numbers = [int(part) for part in parts if part.isdigit()]
        day = next((n for n in numbers if n <= 31), None)
        stated_year = next((n for n in numbers if n > 31), None)
        if month is None or day is None or (stated_year or year) is None:
            return None
        return date(stated_year or year, month, day)  # type: ignore[arg-type]
    except ValueError:
        return None


def _clock(match: re.Match[str]) -> time | None:
    hour, minute, second = int(match.group("hour")), int(match.group("minute")), int(match.group("second") or 0)
    ampm = (match.group("ampm") or "").replace(".", "").replace(" ", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23:
        return None
    return time(hour, minute, second)


def _split_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


class _Reader:
    def __init__(self, default_day: date | None, zone: tzinfo, zone_name: str) -> None:
        self.found = ReadTimeline()
        self.day, self.zone, self.zone_name = default_day, zone, zone_name
        self.last: datetime | None = None  # the entry before (UTC), for the midnight rollover
        self.year = default_day.year if default_day else None

    def set_day(self, day: date) -> None:
        self.day, self.last, self.year = day, None, day.year

    def add(self, line: int, match: re.Match[str], text: str) -> None:
        clock = _clock(match)
        if clock is None:
            self.found.problems.append((line, f"{match.group('hour')}:{match.group('minute')} is not a time of day"))
            return
        stated_day = parse_date(match.group("date"), self.year) if match.groupdict().get("date") else None
        if match.groupdict().get("date") and stated_day is None:
            why = "has no year and none is known (give the document's date)" if self.year is None else "is not a date"
            self.found.problems.append((line, f"the date {match.group('date')!r} {why}"))
            return
        if stated_day is not None:
            self.set_day(stated_day)
        if self.day is None:
            self.found.problems.append((line, "a time without a date: no date line above it, none in the document and none given"))
            return
        zone, zone_name = self.zone, self.zone_name
        if match.group("zone"):
            named = zone_named(match.group("zone"))
            if named is None:
                self.found.problems.append((line, f"unknown time zone {match.group('zone')!r}"))
                return
            zone, zone_name = named, match.group("zone").upper()
        local = datetime.combine(self.day, clock)
        at = local.replace(tzinfo=zone).astimezone(timezone.utc)
        if stated_day is None and self.last is not None and at < self.last - timedelta(hours=1):
            self.day += timedelta(days=1)  # past midnight: the day rolled over (compared as instants, whatever the zones)
            at = (local + timedelta(days=1)).replace(tzinfo=zone).astimezone(timezone.utc)
        self.last = at
        if zone_name not in self.found.zones:
            self.found.zones.append(zone_name)
        body = text.strip().strip("*_ ").strip()
        self.found.events.append(TextEvent(at, body or "(no text)", line, bool(match.group("approx"))))


MAX_LINE = 4_000  # characters of a line that are read: a timeline entry says what it is in its first words


def read_timeline(lines: list[tuple[int, str]], *, day: date | None = None, zone: str = "UTC") -> ReadTimeline:
    """The events of a timeline part: (file line, text) pairs in order; `day` is the
    date of times before any date line, `zone` the default zone (an IANA name)."""
    default_zone = zone_named(zone) or ZoneInfo(zone)
    reader = _Reader(day, default_zone, zone)
    table: tuple[int, int] | None = None  # (time column, text column) of the table being read
    for number, raw in lines:
        line = raw[:MAX_LINE].rstrip()
        if not line.strip():
            table = None if table and not raw.strip() else table
            continue
        statement = ZONE_STATEMENT.search(line)
        if statement and not ENTRY.match(line):
            named = zone_named(statement.group("zone"))
            if named is not None:
                reader.zone, reader.zone_name = named, statement.group("zone").upper()
            continue
        if line.lstrip().startswith("|"):
            cells = _split_row(line)
            if all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell):
                continue
            lowered = [cell.strip("*_ ").lower() for cell in cells]
            time_at = next((i for i, cell in enumerate(lowered) if cell in TIME_HEADERS or cell.startswith("time")), None)
            text_at = next((i for i, cell in enumerate(lowered) if cell in TEXT_HEADERS), None)
            if time_at is not None and text_at is not None and table is None:
                table = (time_at, text_at)
                stated = re.search(_ZONE, cells[time_at])  # "Time (PST)"
                if stated and zone_named(stated.group("zone")) is not None:
                    reader.zone, reader.zone_name = zone_named(stated.group("zone")), stated.group("zone").upper()  # type: ignore[assignment]
                continue
            if table is not None:
                when = cells[table[0]] if table[0] < len(cells) else ""
                what = " ".join(cell for i, cell in enumerate(cells) if i != table[0] and cell) if table[1] >= len(cells) else cells[table[1]]
                match = ENTRY.match(f"{when} {what}") or ENTRY.match(f"{when} - {what}")
                if match is None:
                    reader.found.problems.append((number, f"the time cell {when!r} cannot be read"))
                else:
                    reader.add(number, match, what if match.group("text").strip() == what.strip() else match.group("text"))
                continue
        date_line = DATE_LINE.match(line)
        entry = ENTRY.match(line)
        if entry is not None:
            reader.add(number, entry, entry.group("text"))
            continue
        prose = PROSE.match(line)
        if prose is not None:
            reader.add(number, prose, prose.group("text"))
            continue
        if date_line is not None:
            stated = parse_date(date_line.group("date"), reader.year)
            if stated is not None:
                reader.set_day(stated)
            continue
        if LOOKS_TIMED.match(line):
            reader.found.problems.append((number, "looks like a timeline entry, but its time cannot be read"))
    return reader.found
