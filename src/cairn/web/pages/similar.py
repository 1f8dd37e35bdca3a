"""Similar incidents on the incident page, in the editor and the meeting kit, and
the form that confirms or dismisses a suggestion.

The fragment is rendered per request and per reader, apart from the cached
incident page: what another incident may be shown depends on who reads, and
changes when other incidents change."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from cairn.errors import CairnError
from cairn.services.context import Context
from cairn.services.insights.similar import SimilarIncidents, decide_relation, similar_incidents
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep

router = APIRouter(include_in_schema=False)
BACK_PAGES = {"incident": "incident_page", "editor": "postmortem_editor", "agenda": "agenda_page"}


def similar_html(
    request: Request, ctx: Context, templates: Jinja2Templates, key: str, *, csrf: str, back: str = "incident",
    found: SimilarIncidents | None = None,
) -> str:
    found = found or similar_incidents(ctx, key)
    return templates.env.get_template("similar.html").render({
        "request": request, "found": found, "csrf_token": csrf, "back": back,
        "can_write": ctx.principal is None or ctx.principal.can_write,
    })


@router.post("/incidents/{key}/relations", name="incident_relation")
def incident_relation(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    other: Annotated[str, Form(max_length=30)],
    state: Annotated[Literal["related", "dismissed", "none"], Form()],
    back: Annotated[str, Form(max_length=20)] = "incident",
) -> Response:
    """Confirm, dismiss or take back, then return to the page the form was on."""
    from cairn.web.pages.incidents import render_incident

    try:
        decide_relation(ctx, key, other, state)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Not saved: {error.message}", status=error.status_code)
    page = BACK_PAGES.get(back, "incident_page")
    return RedirectResponse(request.url_for(page, key=key.strip().upper()).path + "#similar", status_code=303)
