"""The incident page's forms: open an incident, edit its details, log, edit,
delete and restore an event, mark a moment, change the status, add a participant, dismiss a language finding, import a
timeline file. Each posts back here and redirects to the page (POST, then
redirect, then GET), or shows the page again with the error."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path as PathParam, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from urllib.parse import quote, urlencode

from cairn.domain.enums import IncidentKind, KeyMoment, parse_choice
from cairn.domain.limits import INT_MAX
from cairn.domain.quick_entry import parse_quick_entry
from cairn.errors import CairnError, InvalidInput
from cairn.domain.moments import OrderError
from cairn.services.incidents import add_participant, change_status, open_incident, set_moment, update_incident
from cairn.services.lint import dismiss_finding
from cairn.services.timeline import delete_event, edit_event, log_event, restore_event
from cairn.services.timeline_import import import_timeline
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.uploads import start_job
from cairn.web.pages.incidents import event_address, render_incident
from cairn.web.uploads import upload_folder, upload_name

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

MAX_UPLOAD = 256 * 1024 * 1024
KEPT_OPTIONS = ("level", "since", "until", "tz")  # carried to the summary after the redirect


def back_to(request: Request, key: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(request.url_for("incident_page", key=key).path + anchor, status_code=303)


@router.get("/new", name="new_incident_form")
def new_incident_form(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return _new_form(request, ctx, templates)


def _new_form(request, ctx, templates, *, error: str | None = None, values: dict | None = None, status: int = 200) -> Response:  # type: ignore[no-untyped-def]
    context = {
        "error": error,
        "values": values or {"severity": ctx.settings.severities[min(2, len(ctx.settings.severities) - 1)], "timezone": ctx.settings.timezone},
        "severities": ctx.settings.severities,
        "kinds": [kind.value for kind in IncidentKind],
    }
    return templates.TemplateResponse(request, "new_incident.html", context, status_code=status)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@router.post("/new", name="new_incident")
def new_incident(
    request: Request,
    ctx: PageContextDep,
    templates: TemplatesDep,
    title: Annotated[str, Form(max_length=1000)],
    severity: Annotated[str, Form(max_length=50)],
    kind: Annotated[str, Form(max_length=30)] = "incident",
    services: Annotated[str, Form(max_length=2000)] = "",
    teams: Annotated[str, Form(max_length=2000)] = "",
    tags: Annotated[str, Form(max_length=2000)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "",
    restricted: Annotated[bool, Form()] = False,
    started: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    values = {"title": title, "severity": severity, "kind": kind, "services": services, "teams": teams, "tags": tags,
              "timezone": timezone, "restricted": restricted, "started": started}
    try:
        doc = open_incident(
            ctx, title, severity=severity, kind=kind, services=_split(services), teams=_split(teams), tags=_split(tags),
            timezone=timezone.strip() or None, visibility="restricted" if restricted else "internal",
            started=started.strip() or None,
        )
    except CairnError as error:
        return _new_form(request, ctx, templates, error=error.message, values=values, status=error.status_code)
    assert doc.key is not None
    return back_to(request, doc.key)


def _moment_to_fix(error: CairnError) -> str | None:
    """An impossible order names the moment to correct: the page links to its row."""
    return error.moment.value if isinstance(error, OrderError) else None


@router.post("/incidents/{key}/edit", name="incident_edit")
def incident_edit(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    title: Annotated[str, Form(max_length=1000)],
    severity: Annotated[str, Form(max_length=50)],
    kind: Annotated[str, Form(max_length=30)] = "incident",
    services: Annotated[str, Form(max_length=2000)] = "",
    teams: Annotated[str, Form(max_length=2000)] = "",
    tags: Annotated[str, Form(max_length=2000)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "",
    restricted: Annotated[bool, Form()] = False,
) -> Response:
    """Change the incident's details; empty lists clear, an empty zone keeps the old one."""
    try:
        update_incident(
            ctx, key, title=title, severity=severity, kind=kind, services=_split(services), teams=_split(teams),
            tags=_split(tags), timezone=timezone.strip() or None, visibility="restricted" if restricted else "internal",
        )
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Not saved: {error.message}", status=error.status_code)
    return back_to(request, key)


@router.post("/incidents/{key}/events/{event_id}/edit", name="event_edit")
def event_edit(
    request: Request, key: str, event_id: Annotated[int, PathParam(ge=1, le=INT_MAX)], ctx: PageContextDep, templates: TemplatesDep,
    text: Annotated[str, Form(max_length=20_000)],
    at: Annotated[str, Form(max_length=100)] = "",
    kind: Annotated[str, Form(max_length=30)] = "note",
    actor: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        edit_event(ctx, key, event_id, text=text, at=at.strip() or None, kind=kind, actor=actor)
    except CairnError as error:
        return render_incident(
            request, ctx, templates, key, error=f"Event not saved: {error.message}", status=error.status_code, error_moment=_moment_to_fix(error)
        )
    return RedirectResponse(event_address(request, ctx, key, event_id), status_code=303)  # its page, wherever the edit moved it


@router.post("/incidents/{key}/events/{event_id}/delete", name="event_delete")
def event_delete(
    request: Request, key: str, event_id: Annotated[int, PathParam(ge=1, le=INT_MAX)], ctx: PageContextDep, templates: TemplatesDep,
) -> Response:
    try:
        delete_event(ctx, key, event_id)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Event not deleted: {error.message}", status=error.status_code)
    return back_to(request, key, "#timeline")


@router.post("/incidents/{key}/events/{event_id}/restore", name="event_restore")
def event_restore(
    request: Request, key: str, event_id: Annotated[int, PathParam(ge=1, le=INT_MAX)], ctx: PageContextDep, templates: TemplatesDep,
) -> Response:
    try:
        restored = restore_event(ctx, key, event_id)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Not restored: {error.message}", status=error.status_code)
    return RedirectResponse(event_address(request, ctx, key, restored.id or event_id), status_code=303)


@router.post("/incidents/{key}/events", name="event_add")
def event_add(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    line: Annotated[str, Form(max_length=20_000)],
) -> Response:
    """One line: `[HH:MM] [@actor] [#kind] what happened`."""
    try:
        entry = parse_quick_entry(line)
        log_event(ctx, key, entry.text, kind=entry.kind or "note", at=entry.at, actor=entry.actor)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Event not added: {error.message}", status=error.status_code, line=line)
    return back_to(request, key, "#add-event")


@router.post("/incidents/{key}/mark", name="event_mark")
def event_mark(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    mark: Annotated[str, Form(max_length=50)] = "",
    moment: Annotated[str, Form(max_length=30)] = "",
    event_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Set a key moment to the time of a timeline event. Each row's buttons carry
    `mark=<event id>:<moment>`; scripts may send `moment` and `event_id` instead."""
    try:
        if mark:
            number, _, moment = mark.partition(":")
            if not number.isdigit() or not 1 <= int(number) < 2**31:
                raise InvalidInput(f"'{mark}' does not name a timeline event and a key moment")
            event_id = int(number)
        if event_id is None or not moment:
            raise InvalidInput("choose a timeline event and the key moment it marks")
        which = parse_choice(KeyMoment, moment.strip(), "key moment").value
        set_moment(ctx, key, which, event_id=event_id)
    except CairnError as error:
        return render_incident(
            request, ctx, templates, key, error=f"Not marked: {error.message}", status=error.status_code, error_moment=_moment_to_fix(error)
        )
    return RedirectResponse(event_address(request, ctx, key, event_id, f"marked={quote(which)}&event={event_id}"), status_code=303)


@router.post("/incidents/{key}/status", name="incident_status")
def incident_status(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    status: Annotated[str, Form(max_length=30)],
    at: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        change_status(ctx, key, status, at=at.strip() or None)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=error.message, status=error.status_code, error_moment=_moment_to_fix(error))
    return back_to(request, key)


@router.post("/incidents/{key}/participants", name="participant_add")
def participant_add(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    username: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=30)],
) -> Response:
    try:
        add_participant(ctx, key, username, role)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Participant not added: {error.message}", status=error.status_code)
    return back_to(request, key, "#people-h")


@router.post("/incidents/{key}/lint/{finding_id}/dismiss", name="finding_dismiss")
def finding_dismiss(
    request: Request, key: str, finding_id: str, ctx: PageContextDep, templates: TemplatesDep,
    reason: Annotated[str, Form(max_length=1000)],
) -> Response:
    try:
        dismiss_finding(ctx, key, finding_id, reason)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Not dismissed: {error.message}", status=error.status_code)
    return back_to(request, key, "#language-review")


@router.post("/incidents/{key}/timeline/import", name="timeline_import_form")
async def timeline_import_form(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    file: UploadFile,
    source: Annotated[str, Form(max_length=30)] = "",
    level: Annotated[str, Form(max_length=20)] = "",
    since: Annotated[str, Form(max_length=100)] = "",
    until: Annotated[str, Form(max_length=100)] = "",
    tz: Annotated[str, Form(max_length=64)] = "",
    log_format: Annotated[str, Form(alias="format", max_length=20)] = "",
    time_format: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Upload an alert, pager, chat or log export onto the timeline, with the
    CLI's options (`cairn import-timeline`). A large file is imported as a
    background job: the page shows its progress."""
    options = {
        "source": source, "level": level, "since": since, "until": until, "tz": tz, "format": log_format, "time_format": time_format,
    }
    options = {name: value.strip() or None for name, value in options.items()}
    try:
        with upload_folder() as folder:
            name = upload_name(file.filename)
            path = folder / name
            size = 0
            with path.open("wb") as out:
                while chunk := await file.read(1024 * 1024):
                    size += len(chunk)
                    if size > MAX_UPLOAD:
                        raise InvalidInput(f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MiB")
                    out.write(chunk)
            if size > ctx.settings.import_background_bytes:
                await run_in_threadpool(start_job, request, ctx, key, path, options)
                return back_to(request, key, "#imports")
            summary = await run_in_threadpool(
                import_timeline, ctx, key, path, source=options["source"], since=options["since"], until=options["until"],
                tz=options["tz"], level=options["level"], log_format=options["format"], time_format=options["time_format"],
            )
    except CairnError as error:
        return await run_in_threadpool(
            render_incident, request, ctx, templates, key, error=f"Nothing imported: {error.message}", status=error.status_code,
            import_values=options,
        )
    # POST, redirect, GET: a reload shows the summary again instead of importing again.
    query = {"imported": summary.source, "file": name, "added": summary.added, "duplicates": summary.duplicates,
             "filtered": summary.filtered, "rejected": summary.rejected}
    if summary.filtered:  # what the import was asked to keep, so the summary can say why lines were left out
        query.update({f"kept_{option}": options[option] for option in KEPT_OPTIONS if options[option]})
    proposed = [f"{moment.value}@{at:%Y-%m-%dT%H:%MZ}" for moment, (at, _why) in summary.proposals.items()]
    target = request.url_for("incident_page", key=key).path + "?" + urlencode({**query, "proposed": proposed}, doseq=True)
    return RedirectResponse(target + "#confirmation", status_code=303)
