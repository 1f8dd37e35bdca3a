"""Reading and showing times: stored in UTC, entered and read in a zone.

`--at` accepts ISO 8601 with an offset, a date and time without offset (read
in the incident's zone), a bare time of day (today in that zone), or a time
relative to now: `-15m`, `2h ago`, `90s ago`, `yesterday 14:05`, `now`.
This module is the one place that reads them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cairn.errors import InvalidInput

UTC = timezone.utc

_TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_RELATIVE = re.compile(r"^(?:-\s*(\d+)\s*([smhd])|(\d+)\s*([smhd])\s+ago)$", re.IGNORECASE)
_YESTERDAY = re.compile(r"^yesterday\s+(\d{1,2}:\d{2}(?::\d{2})?)$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EXAMPLES = "2026-11-23T14:05+01:00, 2026-11-23 14:05, 14:05, -15m, 2h ago or yesterday 14:05"

CLOCK_SKEW = timedelta(minutes=1)


EARLIEST_YEAR = 1970
LATEST_YEAR = 2200


def check_range(moment: datetime) -> datetime:
    """Refuse times no incident can have, which would overflow in time zones."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise InvalidInput(f"time {moment.isoformat()} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")
    return moment


def check_day_range(day: date) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise InvalidInput(f"date {day.isoformat()} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")
    return day


def require_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidInput(f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin") from None


def now_utc() -> datetime:
    """Now, to the second: what people type and read never needs more."""
    return datetime.now(UTC).replace(microsecond=0)


def ensure_utc(moment: datetime) -> datetime:
    """Aware datetime in UTC; refuses naive values, which would be ambiguous."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise InvalidInput(f"time {moment.isoformat()} has no time zone")
    check_range(moment)
    try:
        return check_range(moment.astimezone(UTC))
    except OverflowError:
        raise InvalidInput(f"time {moment.isoformat()} is outside {EARLIEST_YEAR}-{LATEST_YEAR}") from None


def localize(wall: datetime, zone: ZoneInfo) -> datetime:
    """Attach a zone to a wall-clock time, refusing times skipped by a DST jump."""
    aware = wall.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise InvalidInput(f"time {wall:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks skip it)")
    return aware


def parse_when(text: str, zone: ZoneInfo, *, now: datetime | None = None) -> datetime:
    """Parse user input into an aware UTC datetime."""
    try:
        return ensure_utc(_parse_when(text, zone, now))
    except OverflowError:
        raise InvalidInput(f"time {text!r} is outside {EARLIEST_YEAR}-{LATEST_YEAR}") from None


def _parse_when(text: str, zone: ZoneInfo, now: datetime | None) -> datetime:
    raw = text.strip()
    now = now or now_utc()
    if not raw:
        raise InvalidInput(f"empty time: expected {_EXAMPLES}")
    if raw.lower() == "now":
        return now.astimezone(UTC)
    relative = _RELATIVE.match(raw)
    if relative:
        amount = int(relative[1] or relative[3])
        unit = (relative[2] or relative[4]).lower()
        if amount > 366 * 86400 // _UNIT_SECONDS[unit]:
            raise InvalidInput(f"time {text!r} is more than a year ago")
        return now.astimezone(UTC) - timedelta(seconds=amount * _UNIT_SECONDS[unit])
    yesterday = _YESTERDAY.match(raw)
    if yesterday:
        return _time_of_day(yesterday[1], text, zone, now, days_back=1)
    if _TIME_OF_DAY.match(raw):
        return _time_of_day(raw, text, zone, now)
    candidate = raw.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", raw) else raw
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise InvalidInput(f"malformed time {text!r}: expected {_EXAMPLES}") from None
    if re.match(r"^\d{4}-\d{2}-\d{2}$", raw):
        raise InvalidInput(f"time {text!r} has a date but no time of day: expected {_EXAMPLES}")
    check_range(parsed)
    if parsed.tzinfo is None:
        return localize(parsed, zone).astimezone(UTC)
    return parsed.astimezone(UTC)


def _time_of_day(clock: str, text: str, zone: ZoneInfo, now: datetime, *, days_back: int = 0) -> datetime:
    match = _TIME_OF_DAY.match(clock)
    assert match is not None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidInput(f"malformed time {text!r}: hour 0-23, minutes and seconds 0-59")
    day = now.astimezone(zone).date() - timedelta(days=days_back)
    return localize(datetime.combine(day, time(hour, minute, second)), zone).astimezone(UTC)


def refuse_future(moment: datetime, what: str, zone: ZoneInfo, *, now: datetime | None = None) -> datetime:
    """Refuse a time later than now (beyond a minute of clock skew): nothing
    recorded about an incident can have happened yet, and a typo such as
    a wrong day would otherwise skew every duration."""
    now = now or now_utc()
    if moment > now + CLOCK_SKEW:
        raise InvalidInput(
            f"{what} ({format_local(moment, zone)}) is in the future: it is now {format_local(now, zone)}"
        )
    return moment


def parse_date(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"malformed date {text!r}: expected YYYY-MM-DD") from None
    return check_day_range(day)


def start_of_day(text: str | None, zone: ZoneInfo) -> datetime | None:
    """Midnight of a YYYY-MM-DD date in `zone` (None for no date): list filters' --since/--until."""
    if not text:
        return None
    return localize(datetime.combine(parse_date(text), time()), zone)


def format_local(moment: datetime | None, zone: ZoneInfo, *, with_date: bool = True, seconds: bool = False) -> str:
    """Readable local time with its zone abbreviation, e.g. 2026-11-23 14:05 CET."""
    if moment is None:
        return "—"
    local = moment.astimezone(zone)
    pattern = "%Y-%m-%d %H:%M" if with_date else "%H:%M"
    if seconds and local.second:
        pattern += ":%S"
    return f"{local.strftime(pattern)} {local.tzname()}"


def format_duration(span: timedelta | None) -> str:
    """Compact human duration: 45s, 12m, 1h 05m, 2d 3h."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m" if not secs else f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"
