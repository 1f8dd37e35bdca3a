"""The executive summary: what broke, when, for how long, who was affected.

Derived from the data rather than written, so it stays true as the
timeline and the impact figures change, and it says plainly which of the
four answers is still missing. Every view of a postmortem puts it on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cairn.domain.document import IncidentDoc
from cairn.domain.times import format_duration, format_local, require_zone


@dataclass(frozen=True)
class ExecutiveSummary:
    what: str
    when: str | None
    how_long: str | None
    who: str | None

    @property
    def missing(self) -> list[str]:
        """The questions the data cannot answer yet, worded as what to record."""
        gaps = []
        if self.when is None:
            gaps.append("when it started (the 'started' or 'detected' key moment)")
        if self.how_long is None:
            gaps.append("how long it lasted (the 'resolved' or 'mitigated' key moment, or the impact duration)")
        if self.who is None:
            gaps.append("who was affected (users affected, share of users, data loss or SLO budget)")
        return gaps

    def rows(self) -> list[tuple[str, str | None]]:
        return [("What broke", self.what), ("When", self.when), ("For how long", self.how_long), ("Who was affected", self.who)]

    def as_data(self) -> dict[str, str | None]:
        return {"what": self.what, "when": self.when, "how_long": self.how_long, "who": self.who}


def _what(doc: IncidentDoc) -> str:
    kind = "near miss" if doc.kind == "near miss" else "incident"
    services = f" affecting {', '.join(doc.services)}" if doc.services else ""
    return f"{doc.severity} {kind}{services}: {doc.title}"


def _when(doc: IncidentDoc) -> str | None:
    zone = require_zone(doc.timezone)
    moments = doc.moments
    start = moments.started or moments.detected
    if start is None:
        return None
    label = "started" if moments.started else "detected"
    text = f"{label} {format_local(start, zone)}"
    if moments.started and moments.detected and moments.detected != moments.started:
        text += f", detected {format_duration(moments.detected - moments.started)} later"
    return text


def _how_long(doc: IncidentDoc) -> str | None:
    moments = doc.moments
    start = moments.started or moments.detected
    end: datetime | None = moments.resolved or moments.mitigated
    span: timedelta | None = (end - start) if start and end else None
    if span is None and doc.postmortem.impact.duration_minutes is not None:
        return f"impact for {format_duration(timedelta(minutes=doc.postmortem.impact.duration_minutes))} (as recorded)"
    if span is None:
        return None
    until = "resolved" if moments.resolved else "mitigated"
    text = f"{format_duration(span)} until {until}"
    if moments.resolved and moments.mitigated and start and moments.mitigated < moments.resolved:
        text += f" (mitigated after {format_duration(moments.mitigated - start)})"
    return text


def _who(doc: IncidentDoc) -> str | None:
    impact = doc.postmortem.impact
    parts = []
    if impact.users_affected is not None:
        parts.append(f"{impact.users_affected:,} users")
    if impact.users_share is not None:
        parts.append(f"{impact.users_share:g} % of users")
    if impact.data_loss:
        parts.append(f"data loss: {impact.data_loss}")
    if impact.slo_budget:
        parts.append(f"SLO budget: {impact.slo_budget}")
    if impact.cost:
        parts.append(f"cost: {impact.cost}")
    return "; ".join(parts) or None


def executive_summary(doc: IncidentDoc) -> ExecutiveSummary:
    return ExecutiveSummary(what=_what(doc), when=_when(doc), how_long=_how_long(doc), who=_who(doc))
