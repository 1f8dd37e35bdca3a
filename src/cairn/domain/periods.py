"""Reporting periods: a quarter (2026-Q3), a month (2026-11), a year (2026), or any
span of days, each with the period before it to compare against."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cairn.errors import InvalidFilter as InvalidInput  # a bad period is a bad filter: 400

QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR = re.compile(r"^(\d{4})$")
SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|_)(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    label: str  # 2026-Q3, 2026-11, 2026, or 2026-07-01..2026-09-30
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        """The period just before: the previous quarter, month or year, or a span of the same length."""
        if (match := QUARTER.match(self.label)) is not None:
            year, quarter = int(match[1]), int(match[2])
            return quarter_period(year - 1, 4) if quarter == 1 else quarter_period(year, quarter - 1)
        if MONTH.match(self.label):
            return month_period(self.first.year - 1, 12) if self.first.month == 1 else month_period(self.first.year, self.first.month - 1)
        if YEAR.match(self.label):
            return Period(str(self.first.year - 1), date(self.first.year - 1, 1, 1), date(self.first.year - 1, 12, 31))
        last = self.first - timedelta(days=1)
        first = last - timedelta(days=self.days - 1)
        return Period(f"{first.isoformat()}..{last.isoformat()}", first, last)

    def to_data(self) -> dict[str, str]:
        return {"label": self.label, "first": self.first.isoformat(), "last": self.last.isoformat()}


def quarter_period(year: int, quarter: int) -> Period:
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(f"{year}-Q{quarter}", first, following - timedelta(days=1))


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(f"{year}-{month:02d}", first, following - timedelta(days=1))


def parse_period(text: str) -> Period:
    """2026-Q3, 2026-11, 2026, or FIRST..LAST (ISO days)."""
    value = text.strip()
    try:
        if (match := QUARTER.match(value)) is not None:
            return quarter_period(int(match[1]), int(match[2]))
        if (match := MONTH.match(value)) is not None:
            if not 1 <= int(match[2]) <= 12:
                raise ValueError
            return month_period(int(match[1]), int(match[2]))
        if (match := YEAR.match(value)) is not None:
            return Period(value, date(int(value), 1, 1), date(int(value), 12, 31))
        if (match := SPAN.match(value)) is not None:
            return span_period(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
    except ValueError:
        pass
    raise InvalidInput(f"unknown period {text.strip()[:40]!r}: give a quarter (2026-Q3), a month (2026-11), a year (2026) or FIRST..LAST days")


def span_period(first: date, last: date) -> Period:
    if last < first:
        raise InvalidInput(f"the period ends ({last.isoformat()}) before it starts ({first.isoformat()})")
    return Period(f"{first.isoformat()}..{last.isoformat()}", first, last)


def period_containing(day: date, kind: str) -> Period:
    """The quarter or month a day falls in."""
    if kind == "quarter":
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if kind == "month":
        return month_period(day.year, day.month)
    raise InvalidInput(f"unknown period kind {kind!r}: quarter or month")


def last_full_quarter(today: date) -> Period:
    """The quarter before the one `today` falls in: the one a quarterly review looks at."""
    return period_containing(today, "quarter").previous()
