"""Quiet gaps in a timeline: where a review asks what people were doing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def quiet_gaps(times: list[datetime], *, threshold: timedelta, start: datetime | None = None, end: datetime | None = None) -> list[Gap]:
    """Stretches longer than `threshold` with no recorded activity, within [start, end]."""
    points = sorted(t for t in times if (start is None or t >= start) and (end is None or t <= end))
    if start is not None:
        points.insert(0, start)
    if end is not None:
        points.append(end)
    return [Gap(a, b) for a, b in zip(points, points[1:]) if b - a > threshold]
