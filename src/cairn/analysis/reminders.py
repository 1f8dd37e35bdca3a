"""When an action item is owed a reminder: pure date arithmetic.

Days are counted in the owner's time zone, so a reminder "on the due date"
arrives on that date where the owner lives, daylight saving or not. The
stage owed is the latest one reached; a missed run (the server was down)
sends it late rather than never, and a stage already sent is not repeated.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_day(now: datetime, zone: ZoneInfo) -> tuple[date, int]:
    local = now.astimezone(zone)
    return local.date(), local.hour


def owed_stage(due: date, today: date, *, before: list[int], after: list[int]) -> str | None:
    """The latest stage reached by `today`: before-N, due, after-N (or None yet)."""
    stages: list[tuple[int, str]] = [(-n, f"before-{n}") for n in before if n > 0]
    stages.append((0, "due"))
    stages += [(n, f"after-{n}") for n in after if n > 0]
    offset = (today - due).days
    reached = [(day, name) for day, name in sorted(stages) if day <= offset]
    return reached[-1][1] if reached else None


def escalation_owed(due: date, today: date, *, after_days: int) -> bool:
    return after_days > 0 and (today - due).days >= after_days
