"""Timestamp formats found in log files, and detection of which one a file uses.

Each family is a regular expression with named groups, a builder that turns a
match into an aware datetime, and, where the format has them, the line's
level and component read from the same match. `docs/log-formats.md` lists
every family with an example. A format the families do not cover can be
stated as a strptime pattern (`strptime_format`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from cairn.domain.times import EARLIEST_YEAR, LATEST_YEAR
from cairn.domain.levels import LETTER_LEVELS, SPELLINGS, SYSLOG_SEVERITIES, canonical_level

MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}
_MON = "(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DOW = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
SEARCHED = 120  # a timestamp must start within this many characters of the line's start


class Stamp(NamedTuple):
    at: datetime  # aware UTC
    end: int  # where the message starts in the line
    level: str | None = None  # canonical level, when the format states one
    component: str | None = None  # the tag, logger or daemon, when the format states one
    prefix: str = ""  # fields before the timestamp that belong in the event's text


Extra = Callable[[re.Match[str]], tuple[str | None, str | None, str]]


@dataclass(frozen=True)
class TimestampFormat:
    name: str
    example: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], ZoneInfo, int], datetime]
    yearless: bool = False  # the year comes from the incident (see logfile.YearGuess)
    extra: Extra | None = None  # level, component and prefix read from the match
    end_group: str | None = None  # the message starts where this group ends, else where the match does
    anchored: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "anchored", self.pattern.pattern.startswith("^"))

    def parse(self, line: str, zone: ZoneInfo, year: int) -> Stamp | None:
        # A format that starts the line is matched there, over the whole line; others are
        # searched for near its start (a file name or a level may come first).
        match = self.pattern.match(line) if self.anchored else self.pattern.search(line, 0, SEARCHED)
        if match is None:
            return None
        try:
            at = self.build(match, zone, year)
        except (ValueError, OverflowError, KeyError, OSError):
            return None
        if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
            return None
        if at.tzinfo is not timezone.utc:
            at = at.astimezone(timezone.utc)
        end = match.end(self.end_group) if self.end_group else match.end()
        # What comes before a timestamp found inside the line (a client address, a file name) stays in the text.
        lead = line[: match.start()].strip() if match.start() and not self.anchored else ""
        if lead and (lead.strip("[]") in SPELLINGS):
            lead = ""  # a level before the time is read as the level
        if self.extra is None:
            return Stamp(at, end, None, None, f"{lead} " if lead else "")
        level, component, prefix = self.extra(match)
        return Stamp(at, end, level, component, f"{lead} {prefix}" if lead else prefix)


def _fraction(text: str | None) -> int:
    return int((text or "0")[:6].ljust(6, "0"))


def _zone_of(offset: str | None, zone: ZoneInfo):  # type: ignore[no-untyped-def]
    if not offset:
        return zone
    if offset in ("Z", "z", "UTC", "GMT"):
        return timezone.utc
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _clock(text: str) -> tuple[int, int, int]:
    hour, minute, second = text.split(":")
    return int(hour), int(minute), int(second)


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


def _month_name(m: re.Match[str], zone: ZoneInfo, year: int) -> datetime:
    """Month names: syslog without a year (given), ctime with one."""
    stated = m.groupdict().get("y1") or m.groupdict().get("y2") or m.groupdict().get("y0")
    if "y1" in m.re.groupindex and not stated:
        raise ValueError("ctime needs a year")  # without one the line is syslog's
    day = datetime(int(stated) if stated else year, MONTHS[m["mon"]], int(m["day"]), *_clock(m["time"]))
    return day.replace(microsecond=_fraction(m["frac"]), tzinfo=_zone_of(m.groupdict().get("off"), zone))


def _apache(m: re.Match[str], zone: ZoneInfo, _year: int) -> datetime:
    day = datetime(int(m["year"]), MONTHS[m["mon"]], int(m["day"]), *_clock(m["time"]))
    return day.replace(tzinfo=_zone_of(m["off"], zone))


def _numeric(m: re.Match[str], zone: ZoneInfo, year: int) -> datetime:
    """Dates written in digits, the year four digits, two (20yy) or absent (given)."""
    groups = m.groupdict()
    if groups.get("year"):
        full = int(groups["year"])
    elif groups.get("yy"):
        full = 2000 + int(groups["yy"])
    else:
        full = year
    if groups.get("time"):
        hour, minute, second = _clock(groups["time"])
    else:
        hour, minute, second = int(groups["hh"]), int(groups["mm"]), int(groups["ss"])
    # ":11" after the seconds is 11 milliseconds, written without padding; ".11" is a fraction.
    micro = int(groups["ms"]) * 1000 if groups.get("ms") else _fraction(groups.get("frac"))
    day = datetime(full, int(groups["mon"]), int(groups["day"]), hour, minute, second, micro)
    return day.replace(tzinfo=_zone_of(groups.get("off"), zone))


def _epoch(m: re.Match[str], _zone: ZoneInfo, _year: int) -> datetime:
    return datetime.fromtimestamp(int(m["sec"]), timezone.utc).replace(microsecond=_fraction(m.groupdict().get("frac")))


def _epoch_dated(m: re.Match[str], _zone: ZoneInfo, _year: int) -> datetime:
    """An epoch beside a dotted local date: the epoch is the time; the date, in
    whatever zone the machine kept, must be within a day of it."""
    at = datetime.fromtimestamp(int(m["sec"]), timezone.utc)
    dotted = datetime.strptime(m["dotted"], "%Y.%m.%d").replace(tzinfo=timezone.utc)
    if abs(at - dotted) > timedelta(days=2):
        raise ValueError("the epoch and the date disagree")
    # The local time beside it (RAS logs) holds the microseconds: taken when its minute and second agree.
    if m["lfrac"] and int(m["lmm"]) == at.minute and int(m["lss"]) == at.second:
        at = at.replace(microsecond=_fraction(m["lfrac"]))
    return at


def _epoch_ms(m: re.Match[str], _zone: ZoneInfo, _year: int) -> datetime:
    value = int(m["ms"])
    return datetime.fromtimestamp(value // 1000, timezone.utc).replace(microsecond=(value % 1000) * 1000)


# What follows a timestamp in many formats: "host daemon[pid]:" (syslog) or
# "LEVEL logger.Name:" (Log4j, Python logging and their kind).
_SYSLOG_TAIL = re.compile(r"\s+(?P<host>[\w.:-]+)\s+(?P<comp>[\w./()@-]{1,100}?)(?:\[\d+\])?(?: \(\[?\d+\]?\))?:\s")


def _priority(m: re.Match[str]) -> str | None:
    pri = m.groupdict().get("pri")
    return SYSLOG_SEVERITIES[int(pri) % 8] if pri else None


def _syslog_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    return _priority(m), _syslog_tag(m), ""


def _syslog_tag(m: re.Match[str]) -> str | None:
    """The daemon of "host daemon[pid]:" after the time, unless the "host" is a level ("INFO worker:")."""
    tail = _SYSLOG_TAIL.match(m.string, m.end())
    return tail[2] if tail is not None and tail[1] not in SPELLINGS else None


def _iso_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    return None, _syslog_tag(m), ""


def _rfc5424_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    app = m["app"]
    return _priority(m), (None if app == "-" else app), ""


def _ctime_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    return canonical_level(m["lvl"]), m["module"], ""


def _letter_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    component = (m["comp"] or "").strip() or None
    return LETTER_LEVELS.get(m["lvl"]), component, (f"{component}: " if component else "")


def _logcat_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    letter = m["lvl"] or m["lvl2"]
    component = ((m["comp"] or m["comp2"]) or "").strip() or None
    return LETTER_LEVELS.get(letter), component, (f"{component}: " if component else "")


def _component_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    return None, (m["comp"] or None), ""


def _ras_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    label = m["label"]
    prefix = "" if label == "-" else f"{label} "  # a label other than "-" names the kind of alert
    return canonical_level(m["lvl"]), (m["comp"] or m["daemon"] or m["node"] or None), prefix


def _record_extra(m: re.Match[str]) -> tuple[str | None, str | None, str]:
    fields = m["fields"].split()  # record number, then (as HPC logs have it) node, component, state
    component = fields[2] if len(fields) >= 3 else fields[-1] if len(fields) >= 2 else None
    return None, component, m["fields"].strip() + " "


def _format(name: str, example: str, pattern: str, build, **more) -> TimestampFormat:  # type: ignore[no-untyped-def]
    return TimestampFormat(name, example, re.compile(pattern), build, **more)


# Order matters only between families that read a line equally well: the more
# specific comes first (RFC 5424 before plain ISO, ctime before syslog).
FORMATS: dict[str, TimestampFormat] = {
    f.name: f
    for f in (
        _format(
            "rfc5424", "<165>1 2026-11-23T14:05:00.003Z web-1 billing 4711 ID47 - payment retried (RFC 5424 syslog)",
            r"^<(?P<pri>\d{1,3})>1 (?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d{1,9}))?"
            r"(?P<off>Z|[+-]\d{2}:\d{2}) \S+ (?P<app>\S+) \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: |$)",
            lambda m, zone, _y: _iso_parts(m, zone), extra=_rfc5424_extra,
        ),
        _format(
            "iso", "2026-11-23T14:05:00.123+01:00 (also with a space, a comma, Z, +0100, nanoseconds or no offset)",
            r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d{1,9}))?\s?(?P<off>Z|z|[+-]\d{2}:?\d{2})?(?!\d)",
            _iso, extra=_iso_extra,
        ),
        _format(
            "slash", "2026/11/23 14:05:00 (Go's log package, nginx error log)",
            r"(?P<date>\d{4}/\d{2}/\d{2}) (?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d{1,9}))?",
            _slash,
        ),
        _format(
            "yy-slash", "26/11/23 14:05:00 (two-digit year first: Spark, Log4j's yy/MM/dd)",
            r"^(?P<yy>\d{2})/(?P<mon>\d{2})/(?P<day>\d{2}) (?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d{1,6}))?(?!\d)",
            _numeric,
        ),
        _format(
            "ctime", "[Mon Nov 23 14:05:00 2026] [error] (also with microseconds, without brackets, or the year before the time)",
            rf"^(?:<(?P<pri>\d{{1,3}})>)?\[?(?:(?P<y0>\d{{4}}) )?(?:{_DOW},? +)?{_MON} +(?P<day>\d{{1,2}}),? +(?:(?P<y1>\d{{4}}) +)?"
            r"(?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d{1,9}))?(?: (?P<off>[+-]\d{4}|UTC|GMT))?(?: +(?P<y2>\d{4}))?\]?(?!\d)"
            r"(?: *\[(?:(?P<module>\w+):)?(?P<lvl>[a-z]+\d?)\])?",
            _month_name, extra=_ctime_extra,
        ),
        _format(
            "syslog", "Nov 23 14:05:00 (no year: the year nearest the incident's start)",
            rf"^(?:<(?P<pri>\d{{1,3}})>)?{_MON}\s+(?P<day>\d{{1,2}}) (?P<time>\d{{2}}:\d{{2}}:\d{{2}})(?:\.(?P<frac>\d{{1,6}}))?",
            _month_name, yearless=True, extra=_syslog_extra,
        ),
        _format(
            "apache", "[23/Nov/2026:14:05:00 +0100] (Apache and nginx access logs)",
            rf"\[(?P<day>\d{{2}})/{_MON}/(?P<year>\d{{4}}):(?P<time>\d{{2}}:\d{{2}}:\d{{2}}) (?P<off>[+-]\d{{4}})\]",
            _apache,
        ),
        _format(
            "logcat", "11-23 14:05:00.123  1702  2395 E ActivityManager: ANR in com.example (Android, no year)",
            r"^(?P<mon>\d{2})-(?P<day>\d{2}) (?P<time>\d{2}:\d{2}:\d{2})\.(?P<frac>\d{3,6})\s+"
            r"(?:(?:\d+\s+)?\d+\s+\d+\s+(?P<lvl>[VDIWEFA])\s+(?:(?P<comp>[^:]{0,100}?)\s*:(?:\s|$))?"
            r"|(?P<lvl2>[VDIWEFA])/(?P<comp2>[^(]{0,100}?)\(\s*\d+\):\s?)",
            _numeric, yearless=True, extra=_logcat_extra,
        ),
        _format(
            "klog", "E1123 14:05:00.123456   12345 controller.go:211] sync failed (Kubernetes klog, glog; no year)",
            r"^(?P<lvl>[IWEF])(?P<mon>\d{2})(?P<day>\d{2}) (?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d{1,9}))?\s+\d+\s+(?P<comp>[^\]\s]{1,200})\]\s?",
            _numeric, yearless=True, extra=_letter_extra,
        ),
        _format(
            "compact", "261123 140500 (yyMMdd HHmmss, as HDFS writes it)",
            r"^(?P<yy>\d{2})(?P<mon>\d{2})(?P<day>\d{2}) (?P<hh>\d{2})(?P<mm>\d{2})(?P<ss>\d{2})(?!\d)",
            _numeric,
        ),
        _format(
            "compact-ms", "20261123-14:05:00:123|payments|8812|charge declined (yyyyMMdd-HH:mm:ss:SSS)",
            r"^(?P<year>\d{4})(?P<mon>\d{2})(?P<day>\d{2})-(?P<time>\d{2}:\d{2}:\d{2})(?::(?P<ms>\d{1,3})|[.,](?P<frac>\d{1,6}))?(?!\d)"
            r"(?:\|(?P<comp>[^|]{1,200})\|(?:\d+\|)?)?",
            _numeric, extra=_component_extra,
        ),
        _format(
            "dotted-no-year", "[11.23 14:05:00] chrome.exe - proxy.example:8080 open ([MM.dd HH:mm:ss], no year)",
            r"^\[(?P<mon>\d{2})\.(?P<day>\d{2}) (?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d{1,6}))?\]\s*(?:(?P<comp>[^\s\]]{1,100}) - )?",
            _numeric, yearless=True, extra=_component_extra,
        ),
        _format(
            "epoch-dated", "- 1763906700 2025.11.23 node-7 ... (a label, epoch seconds and the date: supercomputer RAS logs)",
            r"^(?P<label>\S{1,40}) (?P<sec>1\d{9}) (?P<dotted>\d{4}\.\d{2}\.\d{2})(?= |$)"
            r"(?= (?P<node>\S+) (?:\d{4}-\d{2}-\d{2}-\d{2}\.(?P<lmm>\d{2})\.(?P<lss>\d{2})\.(?P<lfrac>\d{1,6}) \S+ \S+ (?P<comp>\S+) (?P<lvl>[A-Z]+) "
            r"|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ (?P<daemon>[^\s:\[]{1,100}))?)",
            _epoch_dated, extra=_ras_extra,
        ),
        _format(
            "record-epoch", "4711 node-12 disk state_change 1763906700 1 disk failed (a record number, fields, then epoch seconds)",
            r"^(?P<fields>\d+(?: (?!1\d{9}(?!\d))\S+){0,5}) (?P<sec>1\d{9})(?: \d{1,3})?(?= |$)",
            _epoch, extra=_record_extra,
        ),
        _format(
            "dashed", "2026-11-23-14.05.00.123456 (DB2 and RAS logs)",
            r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})-(?P<hh>\d{2})\.(?P<mm>\d{2})\.(?P<ss>\d{2})(?:\.(?P<frac>\d{1,9}))?(?!\d)",
            _numeric,
        ),
        _format(
            "epoch-ms", "1763906700123 (milliseconds since 1970)",
            r"^\s*(?P<ms>1\d{12})(?!\d|\.\d)",
            _epoch_ms,
        ),
        _format(
            "epoch", "1763906700 or 1763906700.123 (seconds since 1970)",
            r"^\s*(?P<sec>1\d{9})(?:\.(?P<frac>\d{1,9}))?(?!\d)",
            _epoch,
        ),
    )
}


def _iso_parts(m: re.Match[str], zone: ZoneInfo) -> datetime:
    day = datetime.fromisoformat(f"{m['date']}T{m['time']}")
    return day.replace(microsecond=_fraction(m["frac"]), tzinfo=_zone_of(m["off"], zone))


def detect_format(lines: list[str], zone: ZoneInfo, year: int) -> tuple[TimestampFormat | None, float]:
    """The format matching the most sample lines, and the share it matches."""
    sample = entry_lines(lines)
    if not sample:
        return None, 0.0
    best, best_share = None, 0.0
    for candidate in FORMATS.values():
        share = sum(candidate.parse(line, zone, year) is not None for line in sample) / len(sample)
        if share > best_share:
            best, best_share = candidate, share
    return best, best_share


def entry_lines(lines: list[str]) -> list[str]:
    """The lines that start an entry: indented lines and stack-trace lines
    continue the entry above them, and are not timestamped."""
    return [line for line in lines if line.strip() and not continues(line)][:200]


CONTINUATIONS = ("Traceback", "Caused by", "\tat ", "... ")
# An exception's first line ("java.io.IOException: ...") continues the entry above it.
_EXCEPTION_LINE = re.compile(r"[\w.$]+(?:Exception|Error|Throwable)\b")


def continues(line: str) -> bool:
    """Whether a line without a timestamp belongs to the entry above it."""
    return line[:1].isspace() or line.startswith(CONTINUATIONS) or _EXCEPTION_LINE.match(line) is not None


def nearest_year(fmt: TimestampFormat, line: str, zone: ZoneInfo, near: datetime, year: int) -> int:
    """For a line without a year: the year that puts it nearest to `near` (the
    incident's start), so a log from late December read for an incident on
    2 January lands in the December before it."""
    best, best_distance = year, None
    for candidate in (year - 1, year, year + 1):
        stamp = fmt.parse(line, zone, candidate)
        if stamp is None:
            continue
        distance = abs(stamp.at - near)
        if best_distance is None or distance < best_distance:
            best, best_distance = candidate, distance
    return best


# strptime directives and what each reads; the year-less and zone-less ones are filled in by the reader.
_DIRECTIVES = {
    "Y": r"\d{4}", "y": r"\d{2}", "m": r"\d{1,2}", "d": r"\d{1,2}", "e": r" ?\d{1,2}", "H": r"\d{1,2}", "I": r"\d{1,2}",
    "M": r"\d{2}", "S": r"\d{2}", "f": r"\d{1,9}", "b": r"[A-Za-z]{3}", "h": r"[A-Za-z]{3}", "B": r"[A-Za-z]+",
    "a": r"[A-Za-z]{3}", "A": r"[A-Za-z]+", "p": r"(?:AM|PM|am|pm)", "j": r"\d{3}", "z": r"(?:Z|[+-]\d{2}:?\d{2})",
    "Z": r"[A-Z]{2,5}", "s": r"\d{9,10}", "%": "%", "T": r"\d{2}:\d{2}:\d{2}", "F": r"\d{4}-\d{2}-\d{2}",
}


def strptime_format(pattern: str) -> TimestampFormat:
    """A format from a strptime pattern the user states ("%y%m%d %H%M%S").

    Raises ValueError naming the problem: an unknown directive, or a pattern
    with no time of day in it."""
    parts, directives, index = [], [], 0
    while index < len(pattern):
        char = pattern[index]
        if char != "%":
            parts.append(r"\s+" if char == " " else re.escape(char))
            index += 1
            continue
        code = pattern[index + 1 : index + 2]
        if code not in _DIRECTIVES:
            raise ValueError(f"time format {pattern!r}: unknown directive %{code}" if code else f"time format {pattern!r} ends with a lone %")
        parts.append(f"({_DIRECTIVES[code]})")
        directives.append(code)
        index += 2
    if not ({"H", "I", "T", "s"} & set(directives)):
        raise ValueError(f"time format {pattern!r} has no time of day (%H, %I, %T or %s)")
    if "s" not in directives and not ({"d", "e", "j", "F"} & set(directives)):
        raise ValueError(f"time format {pattern!r} has no day (%d, %e, %j or %F)")
    # Python's strptime has no %e, %T, %F and reads at most 6 fraction digits: rewrite those.
    stated = pattern.replace("%e", "%d").replace("%T", "%H:%M:%S").replace("%F", "%Y-%m-%d")
    has_year = bool({"Y", "y", "F", "s"} & set(directives))
    regex = re.compile("".join(parts))
    spaced = re.sub(r"\s+", " ", stated)
    fraction_groups = [i + 1 for i, code in enumerate(directives) if code == "f"]
    e_groups = [i + 1 for i, code in enumerate(directives) if code == "e"]

    def build(m: re.Match[str], zone: ZoneInfo, year: int) -> datetime:
        if directives == ["s"]:
            return datetime.fromtimestamp(int(m[1]), timezone.utc)
        text = m[0]
        if fraction_groups or e_groups:
            pieces, last = [], 0
            for group in range(1, len(directives) + 1):
                pieces.append(text[last : m.start(group) - m.start()])
                value = m[group]
                if group in fraction_groups:
                    value = value[:6]
                elif group in e_groups:
                    value = value.strip()
                pieces.append(value)
                last = m.end(group) - m.start()
            pieces.append(text[last:])
            text = "".join(pieces)
        formatted = re.sub(r"\s+", " ", text)
        at = datetime.strptime(formatted, spaced) if has_year else datetime.strptime(f"{year} {formatted}", f"%Y {spaced}")
        return at if at.tzinfo is not None else at.replace(tzinfo=zone)

    return TimestampFormat(
        "time-format", pattern, regex, build, yearless=not has_year, extra=None,
    )


def parse_value(value: object, zone: ZoneInfo) -> datetime | None:
    """A timestamp held in a JSON or CSV field: ISO text, or epoch seconds,
    milliseconds, microseconds (journald) or nanoseconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        magnitude = abs(value)
        divisor = 1e9 if magnitude > 1e17 else 1e6 if magnitude > 1e14 else 1e3 if magnitude > 1e11 else 1
        try:
            at = datetime.fromtimestamp(value / divisor, timezone.utc) if divisor != 1e6 or isinstance(value, float) else (
                datetime.fromtimestamp(value // 1_000_000, timezone.utc).replace(microsecond=value % 1_000_000)
            )
        except (OverflowError, OSError, ValueError):
            return None
        return at if EARLIEST_YEAR <= at.year <= LATEST_YEAR else None
    text = str(value).strip()
    if re.fullmatch(r"\d{10,19}", text):
        return parse_value(int(text), zone)
    if re.fullmatch(r"\d{10,13}\.\d+", text):
        return parse_value(float(text), zone)
    for name in ("iso", "slash", "apache"):
        stamp = FORMATS[name].parse(text, zone, 1970)
        if stamp is not None:
            return stamp.at
    return None
