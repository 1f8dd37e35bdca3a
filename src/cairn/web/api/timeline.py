"""POST /api/v1/incidents/{key}/timeline/import: the CLI's import-timeline over HTTP.

The request body is the file itself (a Slack export as a zip); options are
query parameters. Writing needs a responder or admin (API token, or a signed-in browser with its CSRF token).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from cairn.domain.document import EventDoc
from cairn.domain.log_levels import shown_text
from cairn.domain.quick_entry import parse_quick_entry
from cairn.domain.times import format_local, require_zone

from cairn.errors import InvalidInput
from cairn.services.incidents import show_incident
from cairn.services.timeline import delete_event, deleted_events, edit_event, log_event, read_timeline, restore_event
from cairn.services.timeline_import import import_timeline, require_importable, summary_data
from cairn.services.timeline_reads import TimelineFilter
from cairn.services.access import require_write
from cairn.web.api.reads import DeletedEventList, EventLogged, EventRead, TimelineRead
from cairn.web.api.schemas import INT_MAX, Id, api_router
from cairn.web.auth import ApiContextDep
from cairn.web.uploads import start_job, upload_folder, upload_name

router = api_router(tags=["timeline"])


class EventCreate(BaseModel):
    text: str | None = Field(default=None, max_length=20_000, description="what happened")
    line: str | None = Field(default=None, max_length=20_000, description="instead of the fields: '[HH:MM] [@actor] [#kind] text'")
    kind: str | None = Field(default=None, description="note when not given")
    at: str | None = Field(default=None, description="ISO time, or a time of day in the incident's zone; default now")
    actor: str | None = Field(default=None, max_length=200)
    source: str = "manual"
    ref: str | None = Field(default=None, max_length=300, description="the record's id at its source: logging it again changes nothing")
    marks: str | None = Field(default=None, description="also set this key moment to the event's time")


def event_data(event: EventDoc, zone: str) -> dict[str, Any]:
    local = require_zone(zone)
    return {
        "id": event.id, "at": event.at.astimezone(local).isoformat(), "local": format_local(event.at, local, seconds=True),
        "kind": event.kind, "actor": event.actor, "text": event.text,
        "source": event.source, "ref": event.ref,
        "level": event.level, "component": event.component, "message": shown_text(event.text, event.level),
    }


@router.get("/incidents/{key}/timeline", name="api_timeline", response_model=TimelineRead)
def timeline(
    key: str,
    ctx: ApiContextDep,
    after: Annotated[int, Query(ge=0, le=INT_MAX, description="only events with a larger id (for live updates)")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    level: Annotated[str, Query(max_length=20, description="only events of this level or more severe (trace, debug, info, notice, "
                                "warning, error, critical, alert, emergency; log spellings such as warn too); events without a level are left out")] = "",
    component: Annotated[str, Query(max_length=200, description="only events of this component or logger")] = "",
) -> dict[str, Any]:
    """Timeline events in time order; with `after`, only those added since (page on with
    `after=last_id`); `level` and `component` keep only some, as the incident page filters."""
    wanted = TimelineFilter(level=level, component=component)  # an unknown level is refused before any read
    read = read_timeline(ctx, key, wanted, after_id=after, limit=limit)
    last = max((e.id or 0 for e in read.events), default=after)
    return {"incident": read.key, "after": after, "last_id": last, "items": [event_data(e, read.zone) for e in read.events]}


@router.post("/incidents/{key}/timeline", name="api_event_add", response_model=EventLogged, status_code=201)
def event_add(key: str, body: EventCreate, ctx: ApiContextDep) -> dict[str, Any]:
    """Log an event (what `cairn log` does); with `ref`, logging the same record twice adds it once."""
    if body.line is not None:
        entry = parse_quick_entry(body.line)
        text, kind, at = entry.text, entry.kind or body.kind or "note", entry.at or body.at
        actor = entry.actor or body.actor
    elif body.text is not None:
        text, kind, at, actor = body.text, body.kind or "note", body.at, body.actor
    else:
        raise InvalidInput("give the event's text (or a one-line entry in line)")
    logged = log_event(ctx, key, text, kind=kind, at=at, actor=actor, source=body.source, ref=body.ref, marks=body.marks)
    return {"incident": logged.key, "created": logged.created, "event": event_data(logged.event, logged.zone)}

class EventUpdate(BaseModel):
    """A correction: fields left out stay as they are; an empty actor clears it."""

    text: str | None = Field(default=None, max_length=20_000)
    at: str | None = Field(default=None, max_length=100, description="ISO time, time of day, or relative ('-15m', '2h ago')")
    kind: str | None = Field(default=None, max_length=30)
    actor: str | None = Field(default=None, max_length=200)


@router.patch("/incidents/{key}/timeline/{event_id}", name="api_event_edit", response_model=EventRead)
def event_edit(key: str, event_id: Id, body: EventUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    """Correct a logged event's text, time, kind or actor; the history keeps the old values."""
    event = edit_event(ctx, key, event_id, text=body.text, at=body.at, kind=body.kind, actor=body.actor)
    return event_data(event, show_incident(ctx, key).timezone)


@router.delete("/incidents/{key}/timeline/{event_id}", name="api_event_delete", response_model=EventRead)
def event_delete(key: str, event_id: Id, ctx: ApiContextDep) -> dict[str, Any]:
    """Delete an event: it leaves every read and export, and an admin can restore it. Answers with what was deleted."""
    event = delete_event(ctx, key, event_id)
    return event_data(event, show_incident(ctx, key).timezone)


@router.get("/incidents/{key}/timeline-deleted", name="api_events_deleted", response_model=DeletedEventList)
def events_deleted(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """Deleted events of the incident, newest deletion first (admins only)."""
    tombs = deleted_events(ctx, key)
    zone = show_incident(ctx, key).timezone
    return {
        "total": len(tombs),
        "items": [
            {"event": event_data(t.event, zone), "deleted_at": t.deleted_at.isoformat(), "deleted_by": t.deleted_by}
            for t in tombs
        ],
    }


@router.post("/incidents/{key}/timeline-deleted/{event_id}/restore", name="api_event_restore", response_model=EventRead)
def event_restore(key: str, event_id: Id, ctx: ApiContextDep) -> dict[str, Any]:
    """Put a deleted event back on the timeline (admins only)."""
    event = restore_event(ctx, key, event_id)
    return event_data(event, show_incident(ctx, key).timezone)


MAX_UPLOAD = 512 * 1024 * 1024


@router.post("/incidents/{key}/timeline/import", name="api_timeline_import", responses={202: {"description": "a background job was started"}})
async def timeline_import(
    key: str,
    request: Request,
    ctx: ApiContextDep,
    source: Annotated[str | None, Query(description="slack, pagerduty, alertmanager, grafana, opsgenie, github or log")] = None,
    since: Annotated[str | None, Query()] = None,
    until: Annotated[str | None, Query()] = None,
    tz: Annotated[str | None, Query(max_length=64, description="zone of timestamps without an offset (default: the incident's)")] = None,
    level: Annotated[str | None, Query(description="logs: lowest level kept, e.g. warning")] = None,
    format: Annotated[str | None, Query(alias="format", description="logs: a timestamp format family, jsonl or csv")] = None,
    time_format: Annotated[str | None, Query(max_length=100, description="logs: a strptime pattern for the timestamps, e.g. %y%m%d %H%M%S")] = None,
    channel: Annotated[str | None, Query()] = None,
    background: Annotated[bool | None, Query(description="run as a background job (default: when larger than CAIRN_IMPORT_BACKGROUND_BYTES)")] = None,
) -> Any:
    """Import a file into the timeline. Small files answer with the summary;
    large ones (or `background=true`) start a job: 202 with the job, whose
    state, progress and summary are at `/api/v1/jobs/ID`."""
    # An unknown incident is a 404 before the upload is read; off the event loop, like all database work here.
    await run_in_threadpool(require_importable, ctx, key)
    with upload_folder("cairn-import-") as folder:
        path = folder / upload_name(request.headers.get("x-filename"))
        size = 0
        with path.open("wb") as file:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise InvalidInput(f"the upload is larger than {MAX_UPLOAD} bytes")
                file.write(chunk)
        options = {
            "source": source, "since": since, "until": until, "tz": tz, "level": level, "format": format,
            "time_format": time_format, "channel": channel,
        }
        if background if background is not None else size > ctx.settings.import_background_bytes:
            job = await run_in_threadpool(start_job, request, ctx, key, path, options)
            return JSONResponse(
                {"job": job.data()}, status_code=202, headers={"Location": str(request.url_for("api_job", job_id=job.id))}
            )
        # Off the event loop: parsing a large file must not hold up other requests.
        summary = await run_in_threadpool(
            import_timeline, ctx, key, path, source=source, since=since, until=until, tz=tz,
            level=level, log_format=format, time_format=time_format, channel=channel,
        )
        return summary_data(summary, path, path.name)

