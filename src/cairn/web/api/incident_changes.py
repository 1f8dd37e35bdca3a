"""Changing incidents over the API: open, update, status, key moments, participants, history."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from cairn.domain.moments import durations_seconds
from cairn.formats.data import incident_to_data
from cairn.services.audit import incident_history
from cairn.services.incidents import add_participant, change_status, open_incident, set_moment, update_incident
from cairn.web.api.reads import HistoryList, IncidentRead
from cairn.web.api.schemas import Id, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["incidents"])


class IncidentCreate(BaseModel):
    title: str = Field(max_length=1000)
    severity: str = Field(max_length=50)
    kind: str = "incident"
    services: list[str] = Field(default_factory=list, max_length=100)
    teams: list[str] = Field(default_factory=list, max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=100)
    timezone: str | None = None
    visibility: str = "internal"
    started: str | None = Field(default=None, description="when the impact started; default now")
    detected: str | None = None


class IncidentUpdate(BaseModel):
    """A partial change: fields left out stay as they are; a list given replaces the old one."""

    title: str | None = Field(default=None, max_length=1000)
    severity: str | None = Field(default=None, max_length=50)
    kind: str | None = Field(default=None, max_length=50, description="incident or near miss")
    services: list[str] | None = Field(default=None, max_length=100)
    teams: list[str] | None = Field(default=None, max_length=100)
    tags: list[str] | None = Field(default=None, max_length=100)
    timezone: str | None = Field(default=None, max_length=64, description="IANA zone, e.g. Europe/Berlin")
    visibility: str | None = Field(default=None, max_length=20, description="internal or restricted")


class StatusUpdate(BaseModel):
    status: str = Field(description="mitigated, resolved, closed or open (reopen)")
    at: str | None = Field(default=None, description="when; default now")


class MomentUpdate(BaseModel):
    at: str | None = Field(default=None, description="the time; default now")
    event_id: Id | None = Field(default=None, description="take the time of this timeline event")
    clear: bool = False


class ParticipantCreate(BaseModel):
    user: str = Field(max_length=100)
    role: str = Field(max_length=30)


def incident_data(doc) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = incident_to_data(doc, with_prose=True)
    data["durations_seconds"] = durations_seconds(doc.moments)
    return data


@router.post("/incidents", name="api_incident_open", response_model=IncidentRead, status_code=201)
def incident_open(body: IncidentCreate, ctx: ApiContextDep) -> dict[str, Any]:
    """Open an incident (responders and admins); a restricted one lists its opener as a participant."""
    doc = open_incident(
        ctx, body.title, severity=body.severity, kind=body.kind, services=body.services, teams=body.teams,
        tags=body.tags, timezone=body.timezone, visibility=body.visibility, started=body.started, detected=body.detected,
    )
    return incident_data(doc)


@router.patch("/incidents/{key}", name="api_incident_update", response_model=IncidentRead)
def incident_update(key: str, body: IncidentUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    """Change what was recorded when the incident was opened; a severity change is also logged on the timeline."""
    return incident_data(update_incident(ctx, key, **body.model_dump()))


@router.post("/incidents/{key}/status", name="api_incident_status", response_model=IncidentRead)
def incident_status(key: str, body: StatusUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    return incident_data(change_status(ctx, key, body.status, at=body.at))


@router.put("/incidents/{key}/moments/{moment}", name="api_incident_moment", response_model=IncidentRead)
def incident_moment(key: str, moment: str, body: MomentUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    return incident_data(set_moment(ctx, key, moment, at=body.at, event_id=body.event_id, clear=body.clear))


@router.post("/incidents/{key}/participants", name="api_participant_add", response_model=IncidentRead, status_code=201)
def participant_add(key: str, body: ParticipantCreate, ctx: ApiContextDep) -> dict[str, Any]:
    return incident_data(add_participant(ctx, key, body.user, body.role))


@router.get("/incidents/{key}/history", name="api_incident_history", response_model=HistoryList)
def history(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """Every recorded change to the incident: who, what, when (oldest first)."""
    events = incident_history(ctx, key)
    return {
        "total": len(events),
        "items": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": e.detail} for e in events],
    }
