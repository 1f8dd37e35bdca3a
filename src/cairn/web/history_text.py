"""History lines written for people: "published the postmortem (with an admin
override: 2 checks failing)" rather than "override: None; failing: []", and
times in the incident's zone rather than UTC ISO text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cairn.domain.times import format_local, require_zone

# What an action reads as, after the actor's name.
VERBS = {
    "relation.related": "confirmed a related incident",
    "relation.dismissed": "dismissed a similar-incident suggestion",
    "relation.none": "took back a judgement on a similar incident",
    "incident.opened": "opened the incident",
    "incident.mitigated": "marked the incident mitigated",
    "incident.resolved": "marked the incident resolved",
    "incident.closed": "closed the incident",
    "incident.open": "reopened the incident",
    "event.logged": "logged an event",
    "participant.added": "added a participant",
    "action.added": "added an action item",
    "action.updated": "changed an action item",
    "action.ticket": "opened a ticket for an action item",
    "action.closed_by_tracker": "saw an action item closed by its tracker",
    "alerts.received": "received alerts",
    "document.imported": "imported the document",
    "lint.dismissed": "dismissed a language finding",
    "review.requested": "asked for a review",
    "review.approved": "approved the postmortem",
    "review.changes_requested": "asked for changes",
    "review.commented": "commented on the review",
    "postmortem.published": "published the postmortem",
    "postmortem.section_saved": "saved a section",
    "postmortem.impact_saved": "saved the impact figures",
    "factor.added": "added a contributing factor",
    "factor.updated": "changed a contributing factor",
    "factor.removed": "removed a contributing factor",
}


def _when(text: str, zone: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return format_local(moment, require_zone(zone)) if moment.tzinfo else None


def _value(value: Any, zone: str) -> str | None:
    """A detail value as a reader would say it; None when there is nothing to say."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        shown = [text for text in (_value(item, zone) for item in value) if text]
        return ", ".join(shown) or None
    if isinstance(value, dict):
        shown = [f"{str(k).replace('_', ' ')} {text}" for k, v in value.items() if (text := _value(v, zone))]
        return ", ".join(shown) or None
    if isinstance(value, str):
        return _when(value, zone) or value
    return str(value)


def history_line(action: str, detail: dict[str, Any] | None, zone: str) -> str:
    """One audit event as a sentence fragment following the actor's name."""
    detail = dict(detail or {})
    verb = VERBS.get(action) or action.replace(".", " ").replace("_", " ")
    if action == "postmortem.published":
        failing = _value(detail.pop("failing", None), zone)
        override = detail.pop("override", None)
        if override:
            verb += f" with an admin override ({override})" if isinstance(override, str) else " with an admin override"
        if failing:
            verb += f" while these checks were open: {failing}"
    at = detail.pop("at", None)
    if isinstance(at, str) and (moment := _when(at, zone)):
        verb += f", effective {moment}"
    if action == "review.requested" and (names := _value(detail.pop("reviewers", None), zone)):
        verb += f" from {names}"
    if action == "user.role_set" or ("from" in detail and "to" in detail):
        before, after = _value(detail.pop("from", None), zone), _value(detail.pop("to", None), zone)
        if after:
            verb += f" from {before} to {after}" if before else f" to {after}"
    rest = [f"{name.replace('_', ' ')} {text}" for name, value in detail.items() if (text := _value(value, zone))]
    if rest:
        verb += " — " + "; ".join(rest)
    return verb[:300]
