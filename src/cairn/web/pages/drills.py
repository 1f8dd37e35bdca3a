"""Drill pages: the list, and one drill as its reader's role sees it.

The page is rendered from the same role-filtered view as the API answer
(services/drills.py), so a responder's HTML cannot hold a hidden fact; the
live part polls that answer and adds what has been shown since."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from cairn.domain.agenda import GROUND_RULES
from cairn.domain.drill import format_offset
from cairn.errors import CairnError
from cairn.services.context import Context
from cairn.services.drills import DrillView, add_finding, ask, findings_of, create_drill, end_drill, list_drills, log_entry, mark, reveal, show_drill, start_drill
from cairn.web.api.schemas import INT_MAX
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
DrillId = Annotated[int, Path(ge=1, le=INT_MAX)]

# Questions for the debrief, beside the meeting kit's ground rules (domain/agenda.py): about the situation, never about a person.
DEBRIEF_QUESTIONS = (
    "What did you look at first, and what made it the place to start?",
    "Which signal was hardest to read, and what would have made it clearer?",
    "Where did you expect a runbook step, a dashboard or an alert that was not there?",
    "Which reveals were never asked for? Would the real responders have needed them?",
    "What would you change so the next person in this seat finds the cause sooner?",
)


def _debrief(view: DrillView) -> dict[str, Any]:
    """The drill beside the real incident: times to diagnose and mitigate, and both timelines in one list."""
    drill_rows = [(e.offset_seconds or 0, "drill", e.kind, e.actor, e.text) for e in view.log]
    real_rows = [(int(a.get("offset_seconds", 0)), "real", str(a.get("kind", "")), None, str(a.get("text", ""))) for a in view.real_actions]
    never_asked = [r for r in view.reveals if r.mode == "request" and r.shown_at is None and not r.hidden]
    return {
        "rows": sorted(drill_rows + real_rows, key=lambda row: (row[0], row[1])),
        "times": [
            ("diagnosed", view.offset(view.diagnosed_at), view.real_diagnose_seconds),
            ("mitigated", view.offset(view.mitigated_at), view.real_mitigate_seconds),
        ],
        "never_asked": never_asked,
        "questions": DEBRIEF_QUESTIONS,
        "ground_rules": GROUND_RULES,
    }


def render_drill(request: Request, ctx: Context, templates: Jinja2Templates, drill_id: int, *, error: str | None = None, status: int = 200) -> Response:
    view = show_drill(ctx, drill_id)
    return templates.TemplateResponse(request, "drill.html", {
        "drill": view, "offset": lambda at: format_offset(view.offset(at) or 0), "format_offset": format_offset,
        "debrief": _debrief(view) if view.status == "ended" else None, "error": error,
        "findings": findings_of(ctx, drill_id) if view.status == "ended" else [],
        "can_write": ctx.principal is None or ctx.principal.can_write,
    }, status_code=status)


def _list_vars(ctx: Context, error: str | None = None) -> dict[str, Any]:
    from cairn.services.drill_records import drill_records

    return {"drills": list_drills(ctx), "records": drill_records(ctx), "error": error}


@router.get("/drills", name="drills_page")
def drills_page(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "drills.html", _list_vars(ctx))


@router.get("/drills/{drill_id}", name="drill_page")
def drill_page(request: Request, drill_id: DrillId, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return render_drill(request, ctx, templates, drill_id)


@router.post("/drills", name="drill_create")
def drill_create(
    request: Request, ctx: PageContextDep, templates: TemplatesDep, key: Annotated[str, Form(max_length=30)] = "",
    responders: Annotated[str, Form(max_length=2000)] = "", observers: Annotated[str, Form(max_length=2000)] = "",
    redact: Annotated[bool, Form()] = False,
) -> Response:
    """Draft a drill from the incident (the form on the drills page), then open it."""
    names = lambda text: [part.strip().lstrip("@") for part in text.replace(",", " ").split() if part.strip()]  # noqa: E731
    try:
        view = create_drill(ctx, key, redact=redact, responders=names(responders), observers=names(observers))
    except CairnError as error:
        return templates.TemplateResponse(request, "drills.html", _list_vars(ctx, f"Not created: {error.message}"),
                                          status_code=error.status_code)
    return RedirectResponse(request.url_for("drill_page", drill_id=view.id).path, status_code=303)


def _act(request: Request, ctx: Context, templates: Jinja2Templates, drill_id: int, use_case: Callable[[], Any], anchor: str = "") -> Response:
    try:
        use_case()
    except CairnError as error:
        if error.status_code == 404:
            raise
        return render_drill(request, ctx, templates, drill_id, error=f"Not done: {error.message}", status=error.status_code)
    return RedirectResponse(request.url_for("drill_page", drill_id=drill_id).path + anchor, status_code=303)


@router.post("/drills/{drill_id}/start", name="drill_start")
def drill_start(request: Request, drill_id: DrillId, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return _act(request, ctx, templates, drill_id, lambda: start_drill(ctx, drill_id))


@router.post("/drills/{drill_id}/reveals/{position}", name="drill_reveal")
def drill_reveal(request: Request, drill_id: DrillId, position: Annotated[int, Path(ge=1, le=INT_MAX)], ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return _act(request, ctx, templates, drill_id, lambda: reveal(ctx, drill_id, position), "#script")


@router.post("/drills/{drill_id}/ask", name="drill_ask")
def drill_ask(request: Request, drill_id: DrillId, ctx: PageContextDep, templates: TemplatesDep, what: Annotated[str, Form(max_length=300)] = "") -> Response:
    return _act(request, ctx, templates, drill_id, lambda: ask(ctx, drill_id, what), "#shown")


@router.post("/drills/{drill_id}/log", name="drill_log")
def drill_log(request: Request, drill_id: DrillId, ctx: PageContextDep, templates: TemplatesDep, line: Annotated[str, Form(max_length=2000)] = "") -> Response:
    return _act(request, ctx, templates, drill_id, lambda: log_entry(ctx, drill_id, line), "#log")


@router.post("/drills/{drill_id}/finish-lines/{line}", name="drill_mark")
def drill_mark(request: Request, drill_id: DrillId, line: Annotated[str, Path(max_length=20)], ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return _act(request, ctx, templates, drill_id, lambda: mark(ctx, drill_id, line))


@router.post("/drills/{drill_id}/end", name="drill_end")
def drill_end(request: Request, drill_id: DrillId, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return _act(request, ctx, templates, drill_id, lambda: end_drill(ctx, drill_id), "#debrief")


@router.post("/drills/{drill_id}/findings", name="drill_finding")
def drill_finding(
    request: Request, drill_id: DrillId, ctx: PageContextDep, templates: TemplatesDep,
    title: Annotated[str, Form(max_length=500)] = "", owner: Annotated[str, Form(max_length=100)] = "",
    due: Annotated[str, Form(max_length=10)] = "", kind: Annotated[str, Form(max_length=20)] = "prevent",
) -> Response:
    return _act(request, ctx, templates, drill_id, lambda: add_finding(ctx, drill_id, title, owner=owner, due=due, kind=kind), "#findings")


@router.post("/drills/{drill_id}/reveals/{position}/edit", name="drill_reveal_edit")
def drill_reveal_edit(
    request: Request, drill_id: DrillId, position: Annotated[int, Path(ge=1, le=INT_MAX)], ctx: PageContextDep, templates: TemplatesDep,
    text: Annotated[str, Form(max_length=2000)] = "", at: Annotated[str, Form(max_length=20)] = "",
    prompt: Annotated[str, Form(max_length=300)] = "", hidden: Annotated[bool, Form()] = False,
) -> Response:
    """The game master's edit of one reveal: a prompt makes it come on request, none by the clock."""
    from cairn.services.drills import edit_reveal

    return _act(request, ctx, templates, drill_id, lambda: edit_reveal(
        ctx, drill_id, position, text=text or None, offset=at or None,
        mode="request" if prompt.strip() else "clock", prompt=prompt if prompt.strip() else None, hidden=hidden,
    ), "#script")
