"""Distributions of incident durations, and the group-of-three privacy rule.

Durations are skewed (most incidents are short, a few are very long), so a
summary is the count, median, 75th and 90th percentile and maximum; the mean
is kept only as an extra beside them. What the data lacks is counted, not
averaged away: `missing` (an end of the span is unknown) and `inconsistent`
(the span is negative: the moments contradict each other) are reported
apart and never enter the figures.

A span is a float of seconds, or None when an end is missing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cairn.analysis.stats import percentile

# A group's hidden incidents (ones the reader may not see) enter its figures
# only when at least this many of them fall in it (see `pooled`).
HIDDEN_MINIMUM = 3


@dataclass(frozen=True)
class Distribution:
    """The summary of one measure over one group of incidents (seconds)."""

    count: int  # incidents whose span is known and not negative: the ones the figures describe
    missing: int
    inconsistent: int
    median: float | None
    p75: float | None
    p90: float | None
    max: float | None
    mean: float | None  # an extra beside the percentiles, never shown alone
    p25: float | None = None  # the box of a box plot, with `min` its whisker
    min: float | None = None

    @property
    def incidents(self) -> int:
        return self.count + self.missing + self.inconsistent

    def to_data(self) -> dict[str, Any]:
        return {
            "count": self.count, "missing": self.missing, "inconsistent": self.inconsistent,
            "median": self.median, "p75": self.p75, "p90": self.p90, "max": self.max, "mean": self.mean,
            "p25": self.p25, "min": self.min,
        }


EMPTY = Distribution(0, 0, 0, None, None, None, None, None)


def summarise(spans: Iterable[float | None], per: float = 1.0) -> Distribution:
    """The distribution of `spans`: None is missing, a negative span inconsistent.
    Figures are divided by `per` (spans in microseconds, figures in seconds: 1e6)."""
    spans = spans if isinstance(spans, (list, tuple)) else list(spans)
    values = [span for span in spans if span is not None]  # comprehensions and a sort: 100,000 spans in milliseconds
    missing = len(spans) - len(values)
    values.sort()
    inconsistent = bisect_left(values, 0)
    if inconsistent:
        values = values[inconsistent:]
    if not values:
        return Distribution(0, missing, inconsistent, None, None, None, None, None)

    def at(share: float) -> float:
        return float(percentile(values, share, presorted=True)) / per  # type: ignore[arg-type]

    return Distribution(
        count=len(values), missing=missing, inconsistent=inconsistent,
        median=at(0.5), p75=at(0.75), p90=at(0.9), max=values[-1] / per,
        mean=sum(values) / len(values) / per, p25=at(0.25), min=values[0] / per,
    )


def usable(spans: Iterable[float | None]) -> int:
    """How many spans are known and not negative."""
    return sum(1 for span in spans if span is not None and span >= 0)


def pooled(visible: Sequence[float | None], hidden: Sequence[float | None], minimum: int = HIDDEN_MINIMUM) -> list[float | None]:
    """The spans a group's figures are made of: every visible one, and the
    hidden ones only when at least `minimum` of them have a usable value.

    Otherwise the hidden ones are left out entirely (values, missing and
    inconsistent counts alike), so that nobody can learn the figure of one or
    two incidents they may not see by comparing the group with the incidents
    they can see. A group of visible incidents is shown whatever its size.
    """
    if hidden and usable(hidden) >= minimum:
        return [*visible, *hidden]
    return list(visible)


def hidden_admitted(hidden: Sequence[Any], minimum: int = HIDDEN_MINIMUM) -> bool:
    """For counts and shares (not spans): whether a group's hidden incidents enter it."""
    return len(hidden) >= minimum


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, e.g. near misses among reviews; the rate is None of nothing."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return self.part / self.whole if self.whole else None

    def to_data(self) -> dict[str, Any]:
        return {"part": self.part, "whole": self.whole, "rate": self.rate}


def format_span(seconds: float | None, *, compact: bool = False) -> str:
    """A duration for people: 45 s, 12 min, 3 h 05 min, 2 d 4 h (compact: 45s, 12m, 3h 05m, 2d 4h)."""
    if seconds is None:
        return "—"
    h, m, s, d = ("h", "m", "s", "d") if compact else (" h", " min", " s", " d")
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole}{s}"
    minutes = whole // 60
    if minutes < 60:
        return f"{minutes}{m}"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}{h} {minutes:02d}{m}"
    days, hours = divmod(hours, 24)
    return f"{days}{d} {hours}{h}"
