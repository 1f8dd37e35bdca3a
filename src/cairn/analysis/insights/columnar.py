"""Distributions of many groups at once, over columns of spans (numpy arrays).

The metrics page summarises 100,000 incidents in dozens of groups (overall,
per severity, per month) and four measures. Sorting and slicing in Python
made that page seconds slow; here each measure is sorted once, each grouping
reorders it with one stable sort of small integer codes (values stay in
ascending order inside each group), and a group's figures are read from its
slice. The figures are those of `distributions.summarise`, exactly: the same
percentile rule, missing and inconsistent counted apart, and the
group-of-three rule of `distributions.pooled` for incidents the reader may
not see.

Spans are float64 microseconds with NaN where an end is missing (exact for
any span shorter than 285 years).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np

from cairn.analysis.insights.distributions import HIDDEN_MINIMUM, Distribution

SHARES = {"p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}


def span_column(values: Sequence[float | int | None]) -> np.ndarray:
    """A column of spans as floats, None becoming NaN."""
    return np.array(values, dtype=np.float64) if len(values) else np.empty(0, dtype=np.float64)


def codes_of(keys: Sequence[object]) -> tuple[np.ndarray, list[object]]:
    """Small integer codes for `keys` (in first-seen order) and the key of each code."""
    names = list(dict.fromkeys(keys))
    index = {name: code for code, name in enumerate(names)}
    return np.fromiter(map(index.__getitem__, keys), dtype=np.int32, count=len(keys)), names


class SortedSpans:
    """One measure's spans and their ascending order (NaN last), sorted once for
    every grouping that is read from them."""

    def __init__(self, spans: np.ndarray) -> None:
        self.order = np.argsort(spans, kind="stable")
        self.values = spans[self.order]

    def __len__(self) -> int:
        return len(self.values)


def _summary(ordered: np.ndarray, per: float) -> Distribution:
    """The distribution of one group's spans, `ordered` ascending with NaN last."""
    known = int(np.count_nonzero(~np.isnan(ordered)))
    missing = len(ordered) - known
    values = ordered[:known]
    inconsistent = int(np.searchsorted(values, 0, side="left"))
    values = values[inconsistent:]
    if not len(values):
        return Distribution(0, missing, inconsistent, None, None, None, None, None)
    last = len(values) - 1

    def at(share: float) -> float:
        position = last * share
        low, high = int(np.floor(position)), int(np.ceil(position))
        if low == high:
            return float(values[low]) / per
        return float(values[low] + (values[high] - values[low]) * (position - low)) / per

    figures = {name: at(share) for name, share in SHARES.items()}
    return Distribution(
        count=len(values), missing=missing, inconsistent=inconsistent, max=float(values[-1]) / per,
        mean=float(values.sum()) / len(values) / per, min=float(values[0]) / per, **figures,
    )


def _slices(ordered_spans: np.ndarray, codes_in_value_order: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """The spans grouped by code (ascending inside each group) and the groups' bounds.
    Codes narrower than 16 bits are sorted by numpy's radix sort (stable, linear)."""
    if groups < 2**15:
        codes_in_value_order = codes_in_value_order.astype(np.int16)
    by_group = np.argsort(codes_in_value_order, kind="stable")
    bounds = np.searchsorted(codes_in_value_order[by_group], np.arange(groups + 1), side="left")
    return ordered_spans[by_group], bounds


def grouped_distributions(
    spans: np.ndarray | SortedSpans, codes: np.ndarray, seen: np.ndarray, groups: int, *, per: float = 1e6, minimum: int = HIDDEN_MINIMUM,
) -> list[Distribution]:
    """For each group code 0..groups-1, the distribution of its spans under the
    group-of-three rule: the spans of incidents the reader may see, and those of
    hidden incidents only when at least `minimum` of them have a usable span."""
    spans = spans if isinstance(spans, SortedSpans) else SortedSpans(spans)
    ordered, ordered_codes, ordered_seen = spans.values, codes[spans.order], seen[spans.order]
    split, split_bounds = _slices(ordered, ordered_codes * 2 + ordered_seen.astype(np.int32), groups * 2)
    pooled, pooled_bounds = _slices(ordered, ordered_codes, groups)
    found = []
    for group in range(groups):
        hidden = split[split_bounds[2 * group]:split_bounds[2 * group + 1]]
        usable = int(np.count_nonzero(hidden >= 0))  # NaN compares false
        if usable >= minimum:
            found.append(_summary(pooled[pooled_bounds[group]:pooled_bounds[group + 1]], per))
        else:
            found.append(_summary(split[split_bounds[2 * group + 1]:split_bounds[2 * group + 2]], per))
    return found


def group_sizes(codes: np.ndarray, seen: np.ndarray, groups: int, minimum: int = HIDDEN_MINIMUM) -> list[int]:
    """Incidents in each group's figures: the visible ones, and the hidden ones when
    at least `minimum` of them fall in the group (`distributions.hidden_admitted`)."""
    visible = np.bincount(codes[seen], minlength=groups)
    hidden = np.bincount(codes[~seen], minlength=groups)
    return [int(v + (h if h >= minimum else 0)) for v, h in zip(visible, hidden)]


DAY_MICRO = 86_400_000_000


def local_days(micros: np.ndarray, zone: Any) -> np.ndarray:
    """The day (days since 1970-01-01) in `zone` of each UTC instant in epoch microseconds.
    A zone's offset is looked up once per UTC day; only on a day when it changes
    (a daylight-saving switch) is each instant looked up itself."""
    if not len(micros):
        return np.empty(0, dtype=np.int64)
    utc_days = micros // DAY_MICRO
    days, inverse = np.unique(utc_days, return_inverse=True)

    def offset(seconds: int) -> int:
        moment = datetime.fromtimestamp(seconds, timezone.utc).astimezone(zone)
        return int(moment.utcoffset().total_seconds() * 1_000_000)  # type: ignore[union-attr]

    at_start = np.array([offset(int(day) * 86_400) for day in days.tolist()], dtype=np.int64)
    at_end = np.array([offset(int(day) * 86_400 + 86_399) for day in days.tolist()], dtype=np.int64)
    shifted = micros + at_start[inverse]
    for index in np.flatnonzero(at_start[inverse] != at_end[inverse]).tolist():
        shifted[index] = micros[index] + offset(int(micros[index]) // 1_000_000)
    return shifted // DAY_MICRO


def due_days(first_days: np.ndarray, business_days: np.ndarray) -> np.ndarray:
    """`domain.policy.add_business_days` on columns (days since 1970-01-01): the
    day after counting that many weekdays following each first day."""
    first = first_days.astype("datetime64[D]")
    # Counting from a weekend day is counting from its Friday; no days at all is the first day itself.
    counted = np.busday_offset(first, business_days, roll="backward")
    return np.where(business_days == 0, first, counted).astype(np.int64)
