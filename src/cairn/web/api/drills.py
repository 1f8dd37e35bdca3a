"""Drills over the API: the same use cases as `cairn drill` and the drill pages.

What an answer holds depends on the caller's role in the drill (services/drills.py):
the hidden facts, finish lines, real times and reveals not yet shown are in it
only for the game master, and for every member once the drill has ended."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from cairn.services.drills import add_finding, add_member, add_reveal, ask, edit_reveal, export_scenario, findings_of, import_scenario, create_drill, end_drill, list_drills, log_entry, mark, reveal, show_drill, start_drill
from cairn.web.api.reads import ReadModel
from cairn.web.api.schemas import INT_MAX
from cairn.web.api.schemas import api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["drills"])
DrillId = Annotated[int, Path(ge=1, le=INT_MAX)]


class ShownRead(ReadModel):
    position: int
    text: str
    kind: str
    shown_at: str | None


class DrillLogRead(ReadModel):
    at: str
    offset_seconds: int | None
    kind: str
    actor: str | None
    text: str


class DrillRead(ReadModel):
    """Hidden parts (`reveals`, `hidden_facts`, `real_actions`, the finish lines and real times)
    are present only when `sees_hidden` is true."""

    id: int
    scenario: int
    title: str
    incident: str | None
    status: str
    role: str
    sees_hidden: bool
    situation: str
    started_at: str | None
    ended_at: str | None
    diagnosed_at: str | None
    mitigated_at: str | None
    shown: list[ShownRead]
    on_request: list[str]
    log: list[DrillLogRead]


class DrillRowRead(ReadModel):
    id: int
    title: str
    incident: str | None
    status: str
    started_at: str | None
    ended_at: str | None
    game_master: str | None
    responders: list[str]


class DrillList(ReadModel):
    total: int
    drills: list[DrillRowRead]


class DrillCreate(BaseModel):
    responders: list[str] = Field(default_factory=list, max_length=50, description="user names of the responders")
    observers: list[str] = Field(default_factory=list, max_length=200, description="user names of the observers")
    redact: bool = Field(False, description="apply the public version's redaction to the scenario")


class DrillLine(BaseModel):
    line: str = Field(min_length=1, max_length=2000, description="a quick-entry line: `#decision roll back the deploy`")


class DrillAsk(BaseModel):
    what: str = Field(min_length=1, max_length=300, description="where the responder looks, e.g. 'the DB dashboard'")


class RevealChange(BaseModel):
    text: str | None = Field(None, max_length=2000)
    offset: str | None = Field(None, max_length=20, description="minutes:seconds from the start, e.g. 12:05")
    mode: str | None = Field(None, max_length=10, description="clock or request")
    prompt: str | None = Field(None, max_length=300, description="for a reveal on request: what a responder looks at")
    hidden: bool | None = None


class RevealAdd(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    offset: str = Field("0", max_length=20)
    prompt: str | None = Field(None, max_length=300)
    dead_end: bool = False


class FindingAdd(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    owner: str = Field(max_length=100)
    due: str = Field(max_length=10, description="YYYY-MM-DD, not in the past")
    kind: str = Field("prevent", max_length=20)
    priority: str = Field("P3", max_length=2)


class ScenarioImport(BaseModel):
    text: str = Field(min_length=1, max_length=500_000, description="the scenario file: Markdown with front matter")
    responders: list[str] = Field(default_factory=list, max_length=50)
    observers: list[str] = Field(default_factory=list, max_length=200)


class DrillMemberAdd(BaseModel):
    user: str = Field(max_length=100)
    role: str = Field(max_length=20, description="game master, responder or observer")


@router.get("/drills", name="api_drills", response_model=DrillList)
def drills(ctx: ApiContextDep) -> dict[str, Any]:
    """Drills of incidents the caller may see, newest first."""
    rows = list_drills(ctx)
    return {"total": len(rows), "drills": [
        {"id": r.id, "title": r.title, "incident": r.incident, "status": r.status,
         "started_at": r.started_at.isoformat() if r.started_at else None, "ended_at": r.ended_at.isoformat() if r.ended_at else None,
         "game_master": r.game_master, "responders": r.responders}
        for r in rows
    ]}


@router.get("/drills/records", name="api_drill_records")
def records(ctx: ApiContextDep) -> dict[str, Any]:
    """Drills per person and team, the last drill per service and who has never drilled it,
    and past incidents worth drilling next, with the reasons."""
    from cairn.services.drill_records import drill_records

    return drill_records(ctx).to_data()


@router.post("/incidents/{key}/drills", name="api_drill_create", response_model=DrillRead, status_code=201)
def create(ctx: ApiContextDep, key: str, body: DrillCreate) -> dict[str, Any]:
    """Draft a scenario from the incident and plan a drill of it, the caller as game master."""
    return create_drill(ctx, key, redact=body.redact, responders=body.responders, observers=body.observers).to_data()


@router.get("/drills/{drill_id}", name="api_drill", response_model=DrillRead)
def drill(ctx: ApiContextDep, drill_id: DrillId) -> dict[str, Any]:
    """The drill as the caller may see it now; poll it for timed reveals."""
    return show_drill(ctx, drill_id).to_data()


@router.post("/drills/{drill_id}/members", name="api_drill_member", response_model=DrillRead)
def member(ctx: ApiContextDep, drill_id: DrillId, body: DrillMemberAdd) -> dict[str, Any]:
    """Add a person to the drill or change their role (game master only)."""
    return add_member(ctx, drill_id, body.user, body.role).to_data()


@router.post("/drills/{drill_id}/start", name="api_drill_start", response_model=DrillRead)
def start(ctx: ApiContextDep, drill_id: DrillId) -> dict[str, Any]:
    """Start the clock (game master only)."""
    return start_drill(ctx, drill_id).to_data()


@router.post("/drills/{drill_id}/reveals/{position}", name="api_drill_reveal", response_model=DrillRead)
def reveal_one(ctx: ApiContextDep, drill_id: DrillId, position: Annotated[int, Path(ge=1, le=INT_MAX)]) -> dict[str, Any]:
    """Show reveal `position` now (game master only)."""
    return reveal(ctx, drill_id, position).to_data()


@router.post("/drills/{drill_id}/ask", name="api_drill_ask", response_model=DrillRead)
def ask_for(ctx: ApiContextDep, drill_id: DrillId, body: DrillAsk) -> dict[str, Any]:
    """A responder looks somewhere; the reveals waiting for that are shown."""
    return ask(ctx, drill_id, body.what).to_data()


@router.post("/drills/{drill_id}/log", name="api_drill_log", response_model=DrillRead)
def log(ctx: ApiContextDep, drill_id: DrillId, body: DrillLine) -> dict[str, Any]:
    """Add a line to the drill's own timeline (responders and the game master)."""
    return log_entry(ctx, drill_id, body.line).to_data()


@router.post("/drills/{drill_id}/finish-lines/{line}", name="api_drill_mark", response_model=DrillRead)
def finish_line(ctx: ApiContextDep, drill_id: DrillId, line: str) -> dict[str, Any]:
    """Mark `diagnosed` or `mitigated` reached (game master only)."""
    return mark(ctx, drill_id, line).to_data()


@router.post("/drills/{drill_id}/end", name="api_drill_end", response_model=DrillRead)
def end(ctx: ApiContextDep, drill_id: DrillId) -> dict[str, Any]:
    """End the drill: the debrief begins (game master only)."""
    return end_drill(ctx, drill_id).to_data()


@router.patch("/drills/{drill_id}/reveals/{position}", name="api_drill_reveal_edit", response_model=DrillRead)
def reveal_edit(ctx: ApiContextDep, drill_id: DrillId, position: Annotated[int, Path(ge=1, le=INT_MAX)], body: RevealChange) -> dict[str, Any]:
    """Reword, retime, hide or unhide a reveal, or switch it between clock and request (game master only)."""
    return edit_reveal(ctx, drill_id, position, text=body.text, offset=body.offset, mode=body.mode, prompt=body.prompt, hidden=body.hidden).to_data()


@router.post("/drills/{drill_id}/reveals", name="api_drill_reveal_add", response_model=DrillRead, status_code=201)
def reveal_add(ctx: ApiContextDep, drill_id: DrillId, body: RevealAdd) -> dict[str, Any]:
    """Add a hint or a dead end of the game master's own."""
    return add_reveal(ctx, drill_id, body.text, offset=body.offset, prompt=body.prompt, dead_end=body.dead_end).to_data()


@router.get("/drills/{drill_id}/findings", name="api_drill_findings")
def findings(ctx: ApiContextDep, drill_id: DrillId) -> dict[str, Any]:
    """The action items this drill's debrief produced, on the incident it replays."""
    rows = findings_of(ctx, drill_id)
    return {"total": len(rows), "findings": [row.__dict__ for row in rows]}


@router.post("/drills/{drill_id}/findings", name="api_drill_finding_add", status_code=201)
def finding_add(ctx: ApiContextDep, drill_id: DrillId, body: FindingAdd) -> dict[str, Any]:
    """Turn a finding into an action item on the replayed incident, linked to the drill."""
    return add_finding(ctx, drill_id, body.title, owner=body.owner, due=body.due, kind=body.kind, priority=body.priority).__dict__


@router.get("/drills/{drill_id}/scenario", name="api_drill_scenario", responses={200: {"content": {"text/markdown": {}}}})
def scenario(ctx: ApiContextDep, drill_id: DrillId) -> PlainTextResponse:
    """The scenario as Markdown with front matter (the game master's, or anyone's after the debrief)."""
    return PlainTextResponse(export_scenario(ctx, drill_id), media_type="text/markdown; charset=utf-8")


@router.post("/drills/scenarios", name="api_drill_import", response_model=DrillRead, status_code=201)
def scenario_import(ctx: ApiContextDep, body: ScenarioImport) -> dict[str, Any]:
    """Plan a drill from a scenario file; the incident it names must be one the caller may see."""
    return import_scenario(ctx, body.text, source="scenario", responders=body.responders, observers=body.observers).to_data()
