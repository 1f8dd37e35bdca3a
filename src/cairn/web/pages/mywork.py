"""My work (the landing page after sign-in) and the inbox of notifications."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cairn.services.mywork import my_work
from cairn.services.notifications import KINDS, inbox, mark_read
from cairn.web.api.schemas import Id
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/mine", name="my_work_page")
def my_work_page(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "mine.html", {"work": my_work(ctx)})


@router.get("/inbox", name="inbox_page")
def inbox_page(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "inbox.html", {"notifications": inbox(ctx), "kinds": KINDS})


@router.post("/inbox/read", name="inbox_read_all")
def inbox_read_all(request: Request, ctx: PageContextDep) -> Response:
    mark_read(ctx)
    return RedirectResponse(request.url_for("inbox_page").path, status_code=303)


@router.post("/inbox/{notification_id}/open", name="inbox_open")
def inbox_open(request: Request, notification_id: Id, ctx: PageContextDep) -> Response:
    """Mark it read and go where it points (a path on this site, or back to the inbox)."""
    mark_read(ctx, notification_id)
    target = next((n.link for n in inbox(ctx) if n.id == notification_id), None)
    if not target or not target.startswith("/") or target.startswith("//"):
        target = request.url_for("inbox_page").path
    else:
        target = request.scope.get("root_path", "") + target
    return RedirectResponse(target, status_code=303)
