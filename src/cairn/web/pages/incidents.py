"""The incident list and the incident page."""

from __future__ import annotations

import re
from math import ceil
from typing import Annotated

from fastapi import APIRouter, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from cairn.domain.document import PROSE_SECTIONS
from cairn.domain.lifecycle import INCIDENT_TRANSITIONS
from cairn.domain.enums import EventKind, IncidentKind, IncidentStatus, KeyMoment, ParticipantRole
from cairn.domain.moments import durations
from cairn.domain.times import require_zone
from cairn.services.completeness import checklist_for
from cairn.web.pages.similar import similar_html
from cairn.services.incidents import incident_page_stamp, list_incidents, show_incident
from cairn.formats.factor_graph import factor_graph_or_note
from cairn.formats.timeline_svg import timeline_svg
from cairn.domain.levels import LEVELS, SEVERE
from cairn.importers.timestamps import FORMATS
from cairn.domain.limits import INT_MAX
from cairn.services.incident_view import IncidentView, import_window, incident_view, page_of_event
from cairn.services.import_jobs import filter_note, jobs_of
from cairn.services.policy import duties_of
from cairn.services.context import Context
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.errors import for_the_web
from cairn.web.filters import ListQueryDep
from cairn.services.drafts import cited_events
from cairn.web.citations import CitationTitles
from cairn.web.markdown import render_with_findings
from cairn.web.timeline_page import TimelineQuery, TimelineQueryDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

PAGE_SIZE = 25
# Stands in for the session's CSRF token in cached page content; never a valid token.
CSRF_PLACEHOLDER = "@@cairn-csrf-token@@"
# Stands in for the incident's import jobs, which change without changing the incident.
JOBS_PLACEHOLDER = "@@cairn-import-jobs@@"
# Stands in for the deleted events, shown per request and to admins only.
DELETED_PLACEHOLDER = "@@cairn-deleted-events@@"
# Stands in for similar incidents and repeats, which depend on the reader and on other incidents.
SIMILAR_PLACEHOLDER = "@@cairn-similar@@"
HISTORY_SHOWN = 200
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "updated": "Recently changed", "severity": "Most severe", "key": "Key"}
IMPORT_SOURCES = ["slack", "pagerduty", "alertmanager", "grafana", "opsgenie", "github", "log"]

def next_statuses(status: str) -> list[str]:
    """The status buttons an incident offers: the lifecycle's allowed moves."""
    allowed = INCIDENT_TRANSITIONS.get(IncidentStatus(status), set())
    return [target.value for target in IncidentStatus if target in allowed]
MAX_PAGE = 1_000_000

# What each duration counts from and to, shown next to its value.
SPANS = {
    "time to detect": "start → detected",
    "time to acknowledge": "detected → acknowledged",
    "time to mitigate": "start → mitigated",
    "time to resolve": "start → resolved",
}


@router.get("/", name="incident_list")
def incident_list(
    request: Request,
    ctx: PageContextDep,
    templates: TemplatesDep,
    query: ListQueryDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    rows, total = list_incidents(ctx, query.criteria(ctx), sort=query.sort, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    duties = duties_of(ctx, [row.key for row in rows])
    first = (page - 1) * PAGE_SIZE + 1
    context = {
        "rows": rows,
        "total": total,
        "query": query,
        "page": page,
        "pages": max(1, ceil(total / PAGE_SIZE)),
        "first": first,
        "last": first + len(rows) - 1,
        "statuses": [status.value for status in IncidentStatus],
        "severities": ctx.settings.severities,
        "kinds": [kind.value for kind in IncidentKind],
        "duties": duties,
        "sorts": SORT_LABELS,
    }
    return templates.TemplateResponse(request, "incident_list.html", context)


@router.get("/incidents/{key}", name="incident_page")
def incident_page(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep, timeline: TimelineQueryDep,
    marked: Annotated[str | None, Query(max_length=30)] = None,
    event: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    imported: Annotated[str | None, Query(max_length=30)] = None,
    file: Annotated[str, Query(max_length=100)] = "",
    added: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    duplicates: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    filtered: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    rejected: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    proposed: Annotated[list[str] | None, Query(max_length=10)] = None,
    kept_level: Annotated[str, Query(max_length=20)] = "",
    kept_since: Annotated[str, Query(max_length=100)] = "",
    kept_until: Annotated[str, Query(max_length=100)] = "",
    kept_tz: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """The page's content depends only on the incident's state, on whether the
    reader may write and on the timeline page and filters asked for, so it is
    rendered once per state and reused; only the session's CSRF token is put in
    per request (and the one-off notices of a redirect)."""
    can_write = ctx.principal is None or ctx.principal.can_write
    cache = request.app.state.incident_pages
    stamp = (incident_page_stamp(ctx, key), can_write, timeline.key())
    cached = cache.get(stamp)
    if cached is None:
        cached = cache.get_or_make(
            stamp, lambda: _content(request, ctx, templates, key, csrf=CSRF_PLACEHOLDER, timeline=timeline)
        )
    title, body = cached
    csrf = getattr(request.state, "cairn_session").csrf_token
    body = body.replace(JOBS_PLACEHOLDER, import_jobs_html(request, ctx, templates, key))
    body = body.replace(DELETED_PLACEHOLDER, deleted_events_html(request, ctx, templates, key, CSRF_PLACEHOLDER))
    body = body.replace(SIMILAR_PLACEHOLDER, similar_html(request, ctx, templates, key, csrf=CSRF_PLACEHOLDER))
    return templates.TemplateResponse(
        request, "incident.html",
        {"page_title": title, "body": Markup(body.replace(CSRF_PLACEHOLDER, csrf)), "confirmation": _marked(marked, event) or _imported(
            imported, file, (added, duplicates, filtered, rejected), proposed or [],
            {"level": kept_level, "since": kept_since, "until": kept_until, "tz": kept_tz},
        )},
    )


@router.get("/incidents/{key}/events/{event_id}", name="incident_event")
def incident_event(
    request: Request, key: str, event_id: Annotated[int, PathParam(ge=1, le=INT_MAX)], ctx: PageContextDep,
) -> RedirectResponse:
    """An event's own address: the page of the timeline that holds it, scrolled to
    its row (the page shows the latest events unless asked for another)."""
    return RedirectResponse(event_address(request, ctx, key, event_id), status_code=303)


def event_address(request: Request, ctx: Context, key: str, event_id: int, query: str = "") -> str:
    """The incident page at the timeline page holding `event_id`; `query` adds parameters."""
    page = page_of_event(ctx, key, event_id)
    params = "&".join(part for part in (f"tpage={page}" if page else "", query) if part)
    return request.url_for("incident_page", key=key).path + (f"?{params}" if params else "") + f"#event-{event_id}"


_PROPOSAL = re.compile(r"^([a-z]+)@(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})Z$")


def _imported(
    source: str | None, file: str, counts: tuple[int, int, int, int], proposed: list[str], kept: dict[str, str] | None = None,
) -> str | None:
    """The summary after an import (the redirect carries it, and what the import
    was asked to keep: why records were filtered); unknown sources are ignored."""
    if source not in IMPORT_SOURCES:
        return None
    added, duplicates, filtered, rejected = counts
    why = filter_note({name: value for name, value in (kept or {}).items() if value}) if filtered else ""
    text = (f"Imported {file or 'the file'} as {source}: {added} added, {duplicates} already there, "
            f"{filtered} filtered{f' ({why})' if why else ''}, {rejected} rejected.")
    moments = {m.value for m in KeyMoment}
    shown = [f"{m[1]} {m[2]} {m[3]} UTC" for m in map(_PROPOSAL.match, proposed) if m and m[1] in moments]
    if shown:
        text += " Proposed key moments: " + ", ".join(shown) + " (mark them from the timeline)."
    return text


def _marked(moment: str | None, event: int | None) -> str | None:
    """The confirmation after marking a key moment (the redirect names it), shown
    apart from the cached content; anything but a known moment is ignored."""
    if moment not in {m.value for m in KeyMoment} or event is None:
        return None
    return f"Marked: the key moment “{moment}” now has the time of event #{event} (shown on its row)."


def deleted_events_html(request: Request, ctx: Context, templates: Jinja2Templates, key: str, csrf: str) -> str:
    """Deleted events with a restore button, for admins only (everyone else never sees them)."""
    from cairn.services.timeline import deleted_events

    if ctx.principal is not None and not ctx.principal.is_admin:
        return ""
    tombs = deleted_events(ctx, key)
    if not tombs:
        return ""
    zone = show_incident(ctx, key).timezone
    return templates.env.get_template("deleted_events.html").render(
        {"tombs": tombs, "key": key.strip().upper(), "zone": zone, "csrf_token": csrf, "request": request}
    )


def import_jobs_html(request: Request, ctx: Context, templates: Jinja2Templates, key: str) -> str:
    """The incident's recent background imports with their progress, rendered per
    request: a job's progress is not part of the incident's cached state."""
    jobs = jobs_of(ctx, key)
    if not jobs:
        return ""
    return templates.env.get_template("import_jobs.html").render({"jobs": jobs, "request": request})


def render_incident(
    request: Request, ctx: Context, templates: Jinja2Templates, key: str, *,
    error: str | None = None, notice: str | None = None, status: int = 200, line: str = "", error_moment: str | None = None,
    import_values: dict[str, str | None] | None = None,
) -> HTMLResponse:
    """The incident page, uncached: forms that fail show it again with their error
    (an impossible order of moments links to the moment to correct)."""
    csrf = getattr(request.state, "cairn_session").csrf_token
    error = for_the_web(error) if error else None
    title, body = _content(
        request, ctx, templates, key, csrf=csrf, error=error, notice=notice, line=line, error_moment=error_moment,
        import_values=import_values,
    )
    body = body.replace(JOBS_PLACEHOLDER, import_jobs_html(request, ctx, templates, key))
    body = body.replace(DELETED_PLACEHOLDER, deleted_events_html(request, ctx, templates, key, csrf))
    body = body.replace(SIMILAR_PLACEHOLDER, similar_html(request, ctx, templates, key, csrf=csrf))
    return templates.TemplateResponse(request, "incident.html", {"page_title": title, "body": Markup(body)}, status_code=status)


def proposed_times(view: IncidentView, zone_name: str) -> dict[str, str]:
    """What the mitigate and resolve forms propose: the time of the latest mitigation or
    resolution event people logged (not Cairn's own status notes), in the incident's zone."""
    zone = require_zone(zone_name)
    return {status: at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") for status, at in view.proposed.items()}


def _import_form(moments, zone: str, values: dict[str, str | None] | None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The import form's fields: the user's values again, or the defaults."""
    if values is not None:
        return {**{name: value or "" for name, value in values.items()}, "open": "open"}
    since, until = import_window(moments, zone)
    return {"source": "", "level": "", "since": since, "until": until, "tz": zone, "format": "", "time_format": "", "open": ""}


def _content(
    request: Request, ctx: Context, templates: Jinja2Templates, key: str, *, csrf: str,
    error: str | None = None, notice: str | None = None, line: str = "", timeline: TimelineQuery = TimelineQuery(),
    error_moment: str | None = None, import_values: dict[str, str | None] | None = None,
) -> tuple[str, str]:
    """(title, HTML) of the page's main content; `import_values`: what the import
    form shows again after it failed (else its defaults: the incident's window and zone)."""
    view = incident_view(ctx, key, timeline.wanted(), timeline.page)
    doc, review, tl = view.doc, view.review, view.timeline
    assert tl is not None
    by_location: dict[str, list] = {}
    for finding in review.findings:
        by_location.setdefault(finding.location, []).append(finding)
    graph = factor_graph_or_note(doc)  # Graphviz layout: cached with the rest of the content
    prose = [(title, doc.postmortem.prose.get(name, ""), title.lower()) for name, title in PROSE_SECTIONS]
    prose += [(section.title, section.body, f"section '{section.title}'") for section in doc.postmortem.sections]
    impact = doc.postmortem.impact
    zone = require_zone(doc.timezone)
    cites = CitationTitles(
        doc, request.url_for("incident_page", key=doc.key).path, cited_events(ctx, key, [body for _title, body, _location in prose]), on_page=True,
    )
    context = {
        "doc": doc,
        "durations": [(name, span, SPANS.get(name, "")) for name, span in durations(doc.moments).items()],
        "written": [
            (title, cites.link(render_with_findings(body, by_location.get(location, []), prefix=f"lint{index}")))
            for index, (title, body, location) in enumerate(prose)
            if body.strip()
        ],
        "unwritten": [title for title, body, _location in prose if not body.strip()],
        "review": review,
        "revisions": view.revisions,
        "checklist": checklist_for(ctx, doc, len(review.findings), event_kinds={kind for kind, _count in tl.kinds}),
        "quantified": any(value is not None for value in vars(impact).values()),
        "history": list(reversed(view.history))[:HISTORY_SHOWN],
        "tl": tl,
        "tq": timeline,
        "imports": view.imports,
        "last_event_id": tl.last_id,
        "can_write": ctx.principal is None or ctx.principal.can_write,
        "moments": [moment.value for moment in KeyMoment],
        "carries": view.carries,
        "clock": lambda at: at.astimezone(zone).strftime("%H:%M"),
        "event_kinds": [kind.value for kind in EventKind],
        "participant_roles": [role.value for role in ParticipantRole],
        "next_statuses": next_statuses(doc.status),
        "proposed_times": proposed_times(view, doc.timezone),
        "severities": ctx.settings.severities,
        "incident_kinds": [kind.value for kind in IncidentKind],
        "sources": IMPORT_SOURCES,
        "levels": LEVELS,
        "severe_levels": SEVERE,
        "log_formats": [(name, fmt.example) for name, fmt in FORMATS.items()],
        "import_form": _import_form(doc.moments, doc.timezone, import_values),
        "error": error,
        "error_moment": error_moment,
        "notice": notice,
        "line": line,
        "request": request,
        "csrf_token": csrf,
        "chart": Markup(timeline_svg(doc, view.chart)) if tl.total else None,
        "factor_graph": (Markup(graph[0]) if graph[0] else None, graph[1]),
    }
    return f"{doc.key} {doc.title}", templates.env.get_template("incident_body.html").render(context)
