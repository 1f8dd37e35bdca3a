"""Incident and postmortem status transitions."""

from __future__ import annotations

from cairn.domain.enums import IncidentStatus, PostmortemStatus
from cairn.domain.moments import KeyMoments
from cairn.errors import Conflict

INCIDENT_TRANSITIONS: dict[IncidentStatus, set[IncidentStatus]] = {
    IncidentStatus.OPEN: {IncidentStatus.MITIGATED, IncidentStatus.RESOLVED},
    IncidentStatus.MITIGATED: {IncidentStatus.OPEN, IncidentStatus.RESOLVED},
    IncidentStatus.RESOLVED: {IncidentStatus.OPEN, IncidentStatus.CLOSED},
    IncidentStatus.CLOSED: {IncidentStatus.RESOLVED},
}

POSTMORTEM_TRANSITIONS: dict[PostmortemStatus, set[PostmortemStatus]] = {
    PostmortemStatus.DRAFT: {PostmortemStatus.IN_REVIEW},
    PostmortemStatus.IN_REVIEW: {PostmortemStatus.DRAFT, PostmortemStatus.APPROVED},
    PostmortemStatus.APPROVED: {PostmortemStatus.DRAFT, PostmortemStatus.PUBLISHED},
    PostmortemStatus.PUBLISHED: {PostmortemStatus.DRAFT},
}


def require_incident_transition(current: IncidentStatus, target: IncidentStatus, key: str) -> None:
    if target == current:
        raise Conflict(f"{key} is already {current.value}")
    if target not in INCIDENT_TRANSITIONS[current]:
        raise Conflict(f"{key} cannot go from {current.value} to {target.value}")


def require_postmortem_transition(current: PostmortemStatus, target: PostmortemStatus, key: str) -> None:
    if target == current:
        raise Conflict(f"the postmortem of {key} is already {current.value}")
    if target not in POSTMORTEM_TRANSITIONS[current]:
        raise Conflict(f"the postmortem of {key} cannot go from {current.value} to {target.value}")


def status_for_moments(current: IncidentStatus, moments: KeyMoments) -> IncidentStatus:
    """Advance the status when a moment is set that implies it.

    An incident cannot be 'open' with a resolution time: recording the moment
    (directly or from a timeline event) moves the status along. Moments never
    move a status backwards.
    """
    if current in (IncidentStatus.OPEN, IncidentStatus.MITIGATED) and moments.resolved is not None:
        return IncidentStatus.RESOLVED
    if current == IncidentStatus.OPEN and moments.mitigated is not None:
        return IncidentStatus.MITIGATED
    return current
