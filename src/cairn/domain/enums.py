"""Closed vocabularies of the domain, stored as their string values."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from cairn.errors import InvalidInput


class IncidentKind(StrEnum):
    INCIDENT = "incident"
    NEAR_MISS = "near miss"


class IncidentStatus(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Visibility(StrEnum):
    INTERNAL = "internal"
    RESTRICTED = "restricted"


class EventKind(StrEnum):
    ALERT = "alert"
    DETECTION = "detection"
    ACKNOWLEDGEMENT = "acknowledgement"
    ACTION = "action"
    DECISION = "decision"
    COMMUNICATION = "communication"
    ESCALATION = "escalation"
    DEPLOY = "deploy"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    NOTE = "note"


class KeyMoment(StrEnum):
    STARTED = "started"
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"


class PostmortemStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in review"
    APPROVED = "approved"
    PUBLISHED = "published"


class FactorRole(StrEnum):
    TRIGGER = "trigger"
    LATENT_CONDITION = "latent condition"
    MADE_WORSE = "made worse"
    HELPED = "helped"


class ActionKind(StrEnum):
    PREVENT = "prevent"
    MITIGATE = "mitigate"
    DETECT = "detect"
    PROCESS = "process"
    LEARN = "learn"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in progress"
    DONE = "done"
    WONT_DO = "won't do"

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.WONT_DO)


class ParticipantRole(StrEnum):
    OWNER = "owner"
    FACILITATOR = "facilitator"
    NOTE_TAKER = "note taker"
    SCRIBE = "scribe"
    REVIEWER = "reviewer"
    RESPONDER = "responder"
    INCIDENT_COMMANDER = "incident commander"
    ACTION_OWNER = "action owner"  # owns an action item; added so they can see a restricted incident


class UserRole(StrEnum):
    VIEWER = "viewer"
    RESPONDER = "responder"
    ADMIN = "admin"


E = TypeVar("E", bound=StrEnum)


def parse_choice(enum: type[E], value: str, what: str) -> E:
    """Read a vocabulary value leniently (case, '_' or '-' for spaces)."""
    wanted = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    for member in enum:
        if member.value == wanted or member.value.replace("'", "") == wanted.replace("'", ""):
            return member
    choices = ", ".join(member.value for member in enum)
    raise InvalidInput(f"unknown {what} {value!r}: choose one of {choices}")
