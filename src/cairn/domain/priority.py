"""Action-item priority from impact and effort (each rated 1 low .. 3 high).

High impact for low effort comes first: the classic impact/effort matrix.
"""

from __future__ import annotations

from cairn.errors import InvalidInput

PRIORITIES = ("P1", "P2", "P3", "P4")

_MATRIX = {
    # (impact, effort): priority
    (3, 1): "P1", (3, 2): "P1", (3, 3): "P2",
    (2, 1): "P2", (2, 2): "P2", (2, 3): "P3",
    (1, 1): "P3", (1, 2): "P4", (1, 3): "P4",
}


def check_rating(value: int, what: str) -> int:
    if value not in (1, 2, 3):
        raise InvalidInput(f"{what} must be 1 (low), 2 (medium) or 3 (high), not {value!r}")
    return value


def priority_for(impact: int, effort: int) -> str:
    return _MATRIX[(check_rating(impact, "impact"), check_rating(effort, "effort"))]


def check_priority(value: str) -> str:
    upper = value.strip().upper()
    if upper not in PRIORITIES:
        raise InvalidInput(f"unknown priority {value!r}: choose one of {', '.join(PRIORITIES)}")
    return upper
