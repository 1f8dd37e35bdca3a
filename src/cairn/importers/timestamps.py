"""Timestamp formats found in log files, and detection of which one a file uses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from cairn.domain.times import EARLIEST_YEAR, LATEST_YEAR

MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}


class Stamp(NamedTuple):
    at: datetime  # aware UTC
    end: int  # where the timestamp ends in the line


@dataclass(frozen=True)
class TimestampFormat:
    name: str
    example: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], ZoneInfo, int], datetime]

    def parse(self, line: str, zone: ZoneInfo, year: int) -> Stamp | None:
        match = self.pattern.search(line, 0, 120)
        if match is None:
            return None
        try:
            at = self.build(match, zone, year)
        except (ValueError, OverflowError, KeyError):
            return None
        if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
            return None
        return Stamp(at if at.tzinfo is timezone.utc else at.astimezone(timezone.utc), match.end())


def _fraction(text: str | None) -> int:
    return int((text or "0")[:6].ljust(6, "0"))


def _zone_of(offset: str | None, zone: ZoneInfo):  # type: ignore[no-untyped-def]
    if not offset:
        return zone
    if offset in ("Z", "z"):
        return timezone.utc
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _iso(m: re.Match[str], zone: ZoneInfo, _year: int) -> datetime:
    try:
        at = datetime.fromisoformat(m[0])  # C-fast, and reads most ISO 8601 forms whole; strptime is not
    except ValueError:  # e.g. a lower-case z
        day = datetime.fromisoformat(f"{m['date']}T{m['time']}")
        return day.replace(microsecond=_fraction(m["frac"]), tzinfo=_zone_of(m["off"], zone))
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)


def _slash(m: re.Match[str], zone: ZoneInfo, _year: int) -> datetime:
    day = datetime.fromisoformat(f"{m['date'].replace('/', '-')}T{m['time']}")
    return day.replace(microsecond=_fraction(m["frac"]), tzinfo=zone)


def _syslog(m: re.Match[str], zone: ZoneInfo, year: int) -> datetime:
    day = datetime(year, MONTHS[m["mon"]], int(m["day"]), *map(int, m["time"].split(":")))
    return day.replace(microsecond=_fraction(m["frac"]), tzinfo=zone)


def _apache(m: re.Match[str], zone: ZoneInfo, _year: int) -> datetime:
    day = datetime(int(m["year"]), MONTHS[m["mon"]], int(m["day"]), *map(int, m["time"].split(":")))
    return day.replace(tzinfo=_zone_of(m["off"], zone))


def _epoch(m: re.Match[str], _zone: ZoneInfo, _year: int) -> datetime:
    return datetime.fromtimestamp(int(m["sec"]), timezone.utc).replace(microsecond=_fraction(m["frac"]))


def _epoch_ms(m: re.Match[str], _zone: ZoneInfo, _year: int) -> datetime:
    value = int(m["ms"])
    return datetime.fromtimestamp(value // 1000, timezone.utc).replace(microsecond=(value % 1000) * 1000)


FORMATS: dict[str, TimestampFormat] = {
    f.name: f
    for f in (
        TimestampFormat(
            "iso", "2026-11-23T14:05:00.123+01:00 (also with a space, a comma, Z or no offset)",
            re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d{1,9}))?\s?(?P<off>Z|z|[+-]\d{2}:?\d{2})?(?!\d)"),
            _iso,
        ),
        TimestampFormat(
            "slash", "2026/11/23 14:05:00 (nginx error log)",
            re.compile(r"(?P<date>\d{4}/\d{2}/\d{2}) (?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d{1,9}))?"),
            _slash,
        ),
        TimestampFormat(
            "syslog", "Nov 23 14:05:00 (no year: the incident's year is used)",
            re.compile(r"^(?:<\d+>)?(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(?P<day>\d{1,2}) (?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d{1,6}))?"),
            _syslog,
        ),
        TimestampFormat(
            "apache", "[23/Nov/2026:14:05:00 +0100] (Apache and nginx access logs)",
            re.compile(r"\[(?P<day>\d{2})/(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/(?P<year>\d{4}):(?P<time>\d{2}:\d{2}:\d{2}) (?P<off>[+-]\d{4})\]"),
            _apache,
        ),
        TimestampFormat(
            "epoch-ms", "1763906700123 (milliseconds since 1970)",
            re.compile(r"^\s*(?P<ms>1\d{12})(?!\d|\.\d)"),
            _epoch_ms,
        ),
        TimestampFormat(
            "epoch", "1763906700 or 1763906700.123 (seconds since 1970)",
            re.compile(r"^\s*(?P<sec>1\d{9})(?:\.(?P<frac>\d{1,9}))?(?!\d)"),
            _epoch,
        ),
    )
}


def detect_format(lines: list[str], zone: ZoneInfo, year: int) -> tuple[TimestampFormat | None, float]:
    """The format matching the most sample lines, and the share it matches."""
    # Indented lines continue the entry above them (stack traces): not entries of their own.
    sample = [line for line in lines if line.strip() and not line[:1].isspace()][:200]
    if not sample:
        return None, 0.0
    best, best_share = None, 0.0
    for candidate in FORMATS.values():
        share = sum(candidate.parse(line, zone, year) is not None for line in sample) / len(sample)
        if share > best_share:
            best, best_share = candidate, share
    return best, best_share


def parse_value(value: object, zone: ZoneInfo) -> datetime | None:
    """A timestamp held in a JSON or CSV field: ISO text or epoch seconds/milliseconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            at = datetime.fromtimestamp(seconds, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return at if EARLIEST_YEAR <= at.year <= LATEST_YEAR else None
    text = str(value).strip()
    if re.fullmatch(r"\d{10,13}(?:\.\d+)?", text):
        return parse_value(float(text), zone)
    for name in ("iso", "slash", "apache"):
        stamp = FORMATS[name].parse(text, zone, 1970)
        if stamp is not None:
            return stamp.at
    return None
