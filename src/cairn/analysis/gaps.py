"""Quiet gaps in a timeline: where a review asks what people were doing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def quiet_gaps(
    times: Iterable[datetime], *, threshold: timedelta, start: datetime | None = None, end: datetime | None = None
) -> list[Gap]:
    """Stretches longer than `threshold` with no recorded activity, within [start, end].

    `times` must be in order; it is read once, so a database cursor will do.
    """
    gaps: list[Gap] = []
    previous = start
    for moment in times:
        if (start is not None and moment < start) or (end is not None and moment > end):
            continue
        if previous is not None and moment - previous > threshold:
            gaps.append(Gap(previous, moment))
        previous = moment
    if end is not None and previous is not None and end - previous > threshold:
        gaps.append(Gap(previous, end))
    return gaps
