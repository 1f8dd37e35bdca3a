"""Key moments of an incident, the order they must respect, and durations.

Durations follow common usage: time to detect and the times to mitigate and
resolve count from the start of impact; time to acknowledge counts from
detection, since that is the wait a responder controls.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cairn.domain.enums import KeyMoment
from cairn.domain.times import format_local
from cairn.errors import InvalidInput

# (earlier, later): pairs that must not be inverted when both are known.
ORDER_RULES: tuple[tuple[KeyMoment, KeyMoment], ...] = (
    (KeyMoment.STARTED, KeyMoment.DETECTED),
    (KeyMoment.STARTED, KeyMoment.ACKNOWLEDGED),
    (KeyMoment.STARTED, KeyMoment.RESOLVED),
    (KeyMoment.STARTED, KeyMoment.MITIGATED),
    (KeyMoment.DETECTED, KeyMoment.ACKNOWLEDGED),
    (KeyMoment.DETECTED, KeyMoment.RESOLVED),
    (KeyMoment.MITIGATED, KeyMoment.RESOLVED),
)


@dataclass(frozen=True)
class KeyMoments:
    started: datetime | None = None
    detected: datetime | None = None
    acknowledged: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None

    def get(self, moment: KeyMoment) -> datetime | None:
        return getattr(self, moment.value)

    def with_moment(self, moment: KeyMoment, value: datetime | None) -> "KeyMoments":
        return replace(self, **{moment.value: value})

    def items(self) -> list[tuple[KeyMoment, datetime | None]]:
        return [(KeyMoment(f.name), getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class Durations:
    to_detect: timedelta | None
    to_acknowledge: timedelta | None
    to_mitigate: timedelta | None
    to_resolve: timedelta | None

    def items(self) -> list[tuple[str, timedelta | None]]:
        return [
            ("time to detect", self.to_detect),
            ("time to acknowledge", self.to_acknowledge),
            ("time to mitigate", self.to_mitigate),
            ("time to resolve", self.to_resolve),
        ]


def _span(start: datetime | None, end: datetime | None) -> timedelta | None:
    if start is None or end is None:
        return None
    return end - start


def durations(moments: KeyMoments) -> Durations:
    return Durations(
        to_detect=_span(moments.started, moments.detected),
        to_acknowledge=_span(moments.detected, moments.acknowledged),
        to_mitigate=_span(moments.started, moments.mitigated),
        to_resolve=_span(moments.started, moments.resolved),
    )


def durations_seconds(moments: KeyMoments) -> dict[str, float | None]:
    """Durations as JSON-friendly seconds, keyed to_detect, to_acknowledge, ..."""
    return {
        name.replace("time to ", "to_"): (span.total_seconds() if span is not None else None)
        for name, span in durations(moments).items()
    }


class OrderError(InvalidInput):
    """An impossible order of key moments; `moment` is the one to correct, so a page can link to it."""

    def __init__(self, message: str, moment: KeyMoment) -> None:
        super().__init__(message)
        self.moment = moment


def check_order(moments: KeyMoments, zone: ZoneInfo, *, changed: KeyMoment | None = None) -> None:
    """Refuse impossible orders, naming both moments, their times, and the one to
    correct: the moment just changed when there is one, else the later one."""
    for earlier, later in ORDER_RULES:
        first, second = moments.get(earlier), moments.get(later)
        if first is not None and second is not None and second < first:
            fix = earlier if changed == earlier else later
            raise OrderError(
                f"{later.value} ({format_local(second, zone)}) cannot be before "
                f"{earlier.value} ({format_local(first, zone)}): correct the {fix.value} time",
                fix,
            )
