"""The action items page: across incidents, with the on-schedule figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cairn.domain.times import now_utc
from cairn.services.actions import action_stats, list_action_items
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

VIEWS = {
    "mine": "Mine (open)",
    "team": "My teams' (open)",
    "open": "Open",
    "overdue": "Overdue",
    "week": "Due this week",
    "stalled": "Stalled",
    "all": "All",
}


@router.get("/actions", name="action_items_page")
def action_items_page(
    request: Request,
    ctx: PageContextDep,
    templates: TemplatesDep,
    view: Annotated[str, Query(pattern="^(mine|team|open|overdue|week|stalled|all)$")] = "open",
    owner: Annotated[str | None, Query(max_length=100)] = None,
    team: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    today = now_utc().date()
    me = ctx.principal.username if ctx.principal else None
    rows = list_action_items(
        ctx,
        owner=me if view == "mine" else owner or None,
        team=team or None,
        teams_of=me if view == "team" else None,
        only_open=view in ("open", "mine", "team"),
        overdue=view == "overdue",
        due_within=7 if view == "week" else None,
        stalled_after=ctx.settings.escalate_after_days if view == "stalled" else None,
        today=today,
    )
    context = {
        "rows": rows, "view": view, "views": VIEWS, "owner": owner or "", "team": team or "",
        "today": today, "stats": action_stats(ctx, today=today),
    }
    return templates.TemplateResponse(request, "actions.html", context)
