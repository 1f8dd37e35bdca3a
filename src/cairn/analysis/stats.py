"""Distribution summaries: incident data is skewed, so medians and percentiles."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], share: float, *, presorted: bool = False) -> float | None:
    """Linear interpolation between closest ranks (share in 0..1); None when empty.
    `presorted`: the values are in ascending order already (spares a copy and a sort)."""
    if not values:
        return None
    if not 0 <= share <= 1:
        raise ValueError("share must be between 0 and 1")
    ordered = values if presorted else sorted(values)
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)
