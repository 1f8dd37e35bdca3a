"""Incident and postmortem status transitions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cairn.domain.enums import IncidentStatus, PostmortemStatus
from cairn.domain.moments import KeyMoments
from cairn.domain.times import format_local
from cairn.errors import Conflict, InvalidInput

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


def check_change_time(
    current: IncidentStatus, target: IncidentStatus, moments: KeyMoments,
    closed_at: datetime | None, when: datetime | None, zone: ZoneInfo,
) -> None:
    """Refuse a status change dated before what it follows.

    `moments` and `closed_at` are the incident's before the change. Every
    change follows the start; closing follows the resolution, reopening
    follows the mitigation or resolution it undoes, and taking a closed
    incident back to resolved follows the closing. (Mitigating and resolving
    also set a key moment, whose order `check_order` checks.)
    """
    if when is None:
        return
    follows: list[tuple[str, datetime | None]] = [("started", moments.started)]
    if target == IncidentStatus.CLOSED:
        follows.append(("resolved", moments.resolved))
    elif target == IncidentStatus.OPEN:
        follows += [("mitigated", moments.mitigated), ("resolved", moments.resolved)]
    elif target == IncidentStatus.RESOLVED and current == IncidentStatus.CLOSED:
        follows += [("resolved", moments.resolved), ("closed", closed_at)]
    for name, moment in follows:
        if moment is not None and when < moment:
            raise InvalidInput(
                f"{target.value} ({format_local(when, zone)}) cannot be before {name} ({format_local(moment, zone)})"
            )
