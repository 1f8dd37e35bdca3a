"""When a postmortem is owed, and by when.

A policy lists triggers; an incident that meets any of them owes a
postmortem, due a number of business days (Monday to Friday) after it was
resolved, counted in the incident's own zone. The reasons are kept, so the
list can say why a postmortem is owed, not only that it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cairn.domain.document import IncidentDoc
from cairn.domain.moments import durations
from cairn.domain.times import require_zone

MANUAL_TAG = "postmortem-requested"
MONITORING_CATEGORY = "monitoring gap"
ON_CALL_KINDS = ("acknowledgement", "escalation")


@dataclass(frozen=True)
class Policy:
    severities: tuple[str, ...] = ("SEV1", "SEV2")
    user_visible: bool = True
    data_loss: bool = True
    resolve_minutes_over: int | None = 60
    on_call_intervention: bool = False
    monitoring_failure: bool = True
    manual_tag: str = MANUAL_TAG
    due_business_days: int = 5
    due_by_severity: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Requirement:
    reasons: list[str]
    due: date | None  # None while the incident is not resolved

    @property
    def required(self) -> bool:
        return bool(self.reasons)


def reasons_for(policy: Policy, doc: IncidentDoc) -> list[str]:
    """Why `doc` owes a postmortem under `policy` (empty: it does not)."""
    reasons = []
    if doc.severity.casefold() in {s.casefold() for s in policy.severities}:
        reasons.append(f"severity {doc.severity}")
    impact = doc.postmortem.impact
    if policy.user_visible and ((impact.users_affected or 0) > 0 or (impact.users_share or 0) > 0):
        reasons.append("user-visible impact")
    if policy.data_loss and impact.data_loss and impact.data_loss.strip().casefold() not in ("none", "no", "0", "-"):
        reasons.append("data loss")
    to_resolve = durations(doc.moments).to_resolve
    if policy.resolve_minutes_over is not None and to_resolve is not None and to_resolve > timedelta(minutes=policy.resolve_minutes_over):
        reasons.append(f"resolved after more than {policy.resolve_minutes_over} minutes")
    if policy.on_call_intervention and any(event.kind in ON_CALL_KINDS for event in doc.timeline):
        reasons.append("on-call intervention")
    if policy.monitoring_failure and any(f.category.casefold() == MONITORING_CATEGORY for f in doc.factors):
        reasons.append("monitoring failure")
    if policy.manual_tag and policy.manual_tag in doc.tags:
        reasons.append("requested")
    return reasons


def add_business_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def requirement(policy: Policy, doc: IncidentDoc) -> Requirement:
    reasons = reasons_for(policy, doc)
    resolved = doc.moments.resolved
    if not reasons or resolved is None:
        return Requirement(reasons, None)
    return Requirement(reasons, due_date(policy, doc.severity, resolved, doc.timezone))


def due_date(policy: Policy, severity: str, resolved: datetime, zone_name: str) -> date:
    """When a postmortem of an incident resolved at `resolved` is due: business
    days after the resolution's day in the incident's own zone."""
    days = policy.due_by_severity.get(severity, policy.due_business_days)
    return add_business_days(resolved.astimezone(require_zone(zone_name)).date(), days)
