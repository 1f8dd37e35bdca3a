"""What keeps coming back: contributing-factor categories over time, and action
items that teams write again and again.

Pure functions over plain rows, so the privacy rule and the counting can be
tested without a database.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from cairn.analysis.insights.distributions import hidden_admitted


def quarter_of(moment: datetime | None) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}" if moment else "undated"


def normalised_title(title: str) -> str:
    """An action item's title reduced to its words, so "Add alerting on pool saturation."
    and "add alerting on pool-saturation" count as the same item."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass
class Tally:
    """Incidents in one group, kept apart for those the reader sees and those hidden:
    hidden ones count only when at least three fall in the group (the metrics' rule)."""

    seen: set[int] = field(default_factory=set)
    hidden: set[int] = field(default_factory=set)

    def add(self, incident_id: int, seen: bool) -> None:
        (self.seen if seen else self.hidden).add(incident_id)

    @property
    def count(self) -> int:
        return len(self.seen) + (len(self.hidden) if hidden_admitted(list(self.hidden)) else 0)


@dataclass(frozen=True)
class FactorRow:
    incident_id: int
    started_at: datetime | None
    category: str
    role: str
    services: tuple[str, ...]
    seen: bool


def tally_by(rows: Iterable[FactorRow], *keys: str) -> dict[tuple[str, ...], Tally]:
    """Incidents per group; a key is "category", "quarter", "service" or "role"."""
    groups: dict[tuple[str, ...], Tally] = defaultdict(Tally)
    for row in rows:
        for service in row.services or ("(no service)",):
            values = {"category": row.category, "quarter": quarter_of(row.started_at), "service": service, "role": row.role}
            groups[tuple(values[key] for key in keys)].add(row.incident_id, row.seen)
    return dict(groups)
