"""Review and publishing from the editor page, and the published postmortems page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from cairn.errors import CairnError, InvalidInput
from cairn.services.review import comment, decide, publish, published_postmortems, request_review
from cairn.services.revisions import pick, revision_diff, revision_history
from cairn.domain.limits import INT_MAX
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.pages.editor import render_editor

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def back(request: Request, key: str) -> RedirectResponse:
    return RedirectResponse(request.url_for("postmortem_editor", key=key).path + "#review", status_code=303)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


@router.post("/incidents/{key}/postmortem/review", name="review_request")
def review_request_form(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    reviewers: Annotated[str, Form(max_length=2000)],
    override: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        request_review(ctx, key, _names(reviewers), override=override or None)
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=f"Not sent to review: {error.message}", status=error.status_code, focus="review")
    return back(request, key)


@router.post("/incidents/{key}/postmortem/decision", name="review_decide")
def review_decide_form(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    decision: Annotated[str, Form(pattern="^(approve|changes)$")],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    try:
        decide(ctx, key, approve=decision == "approve", note=note or None)
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=error.message, status=error.status_code, focus="review")
    return back(request, key)


@router.post("/incidents/{key}/postmortem/publish", name="review_publish")
def review_publish_form(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    override: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        publish(ctx, key, override=override or None)
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=f"Not published: {error.message}", status=error.status_code, focus="review")
    return back(request, key)


@router.post("/incidents/{key}/postmortem/comments", name="review_comment")
def review_comment_form(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    section: Annotated[str, Form(max_length=100)],
    body: Annotated[str, Form(max_length=10_000)],
) -> Response:
    try:
        comment(ctx, key, section, body)
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=f"Comment not added: {error.message}", status=error.status_code, focus="review")
    return back(request, key)


@router.get("/postmortems", name="published_page")
def published_page(
    request: Request, ctx: PageContextDep, templates: TemplatesDep,
    q: Annotated[str, Query(max_length=200)] = "",
    service: Annotated[str, Query(max_length=100)] = "",
    severity: Annotated[str, Query(max_length=20)] = "",
    year: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    """The knowledge base: published postmortems the reader may see, newest
    first, with a search box and filters by service, severity and year."""
    if year.strip() and not (year.strip().isdigit() and 1970 <= int(year) <= 9999):
        raise InvalidInput(f"year must be a year such as 2026, not {year.strip()!r}")
    chosen = {"q": q.strip(), "service": service.strip(), "severity": severity.strip(), "year": year.strip()}
    every = published_postmortems(ctx, limit=1000)
    items = published_postmortems(
        ctx, text=chosen["q"], service=chosen["service"], severity=chosen["severity"],
        year=int(chosen["year"]) if chosen["year"] else None,
    )
    context = {
        "items": items,
        "chosen": chosen,
        "filtered": any(chosen.values()),
        "services": sorted({name for item in every for name in item.services}),
        "severities": ctx.settings.severities,
        "years": sorted({item.published_at.year for item in every if item.published_at}, reverse=True),
    }
    return templates.TemplateResponse(request, "published.html", context)


@router.get("/incidents/{key}/postmortem/revisions", name="revisions_page")
def revisions_page(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    old: Annotated[int | None, Query(alias="from", ge=1, le=INT_MAX)] = None,
    new: Annotated[str, Query(alias="to", max_length=20, pattern="^(draft|[0-9]{1,9})?$")] = "",
) -> Response:
    """The revision history: every published text, and the diff between two of them."""
    history = revision_history(ctx, key)
    shown = None
    if history.revisions:
        start = old or (history.published.number if history.draft_differs or len(history.revisions) < 2 else history.revisions[-2].number)
        end = None if new in ("", "draft") else int(new)
        if not new and not history.draft_differs and len(history.revisions) >= 2:
            end = history.published.number
        try:
            shown = {"from": start, "to": end, "lines": revision_diff(history, start, end)}
        except CairnError as error:
            return templates.TemplateResponse(
                request, "revisions.html", {"history": history, "shown": None, "error": error.message}, status_code=error.status_code,
            )
    return templates.TemplateResponse(request, "revisions.html", {"history": history, "shown": shown, "error": None})


@router.get("/incidents/{key}/postmortem/revisions/{number}", name="revision_page")
def revision_page(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    number: Annotated[int, Path(ge=1, le=INT_MAX)],
) -> Response:
    """One published revision as readers saw it, with a notice when a newer draft exists."""
    history = revision_history(ctx, key)
    revision = pick(history, number)
    return templates.TemplateResponse(request, "revision.html", {"history": history, "revision": revision})


@router.get("/incidents/{key}/agenda", name="agenda_page")
def agenda_page(request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    """The review meeting kit, printable; the same Markdown as `cairn postmortem agenda`."""
    from cairn.domain.agenda import agenda_markdown
    from cairn.services.incidents import show_incident

    from cairn.services.insights.similar import agenda_lines, similar_incidents

    doc = show_incident(ctx, key)
    repeats, similar = agenda_lines(similar_incidents(ctx, key))
    return templates.TemplateResponse(request, "agenda.html", {"doc": doc, "text": agenda_markdown(doc, repeats=repeats, similar=similar)})
