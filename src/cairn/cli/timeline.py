"""`cairn log`: add a timeline event as it happens."""

from __future__ import annotations

from typing import Optional

import typer

from cairn.cli.incident import AT_HELP


def log(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    text: str = typer.Argument(..., help="What happened or what you did."),
    kind: str = typer.Option(
        "note",
        "--kind",
        "-k",
        help="alert, detection, acknowledgement, action, decision, communication, escalation, deploy, "
        "mitigation, resolution or note.",
    ),
    at: Optional[str] = typer.Option(None, "--at", help=AT_HELP + " Default: now."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Who acted (default: $CAIRN_USER or $USER)."),
    marks: Optional[str] = typer.Option(None, "--marks", help="Also record this key moment at the event's time."),
) -> None:
    """Add an event to an incident's timeline."""
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call

        body = {"text": text, "kind": kind, "at": at, "actor": actor, "marks": marks}
        answer = call(server, "POST", f"/api/v1/incidents/{key.strip().upper()}/timeline", {k: v for k, v in body.items() if v is not None})
        event = answer["event"]
        typer.echo(f"{answer['incident']} #{event['id']} {event['local']} {event['kind']}: {event['text']}")
        return
    from cairn.domain.times import format_local, require_zone
    from cairn.services.timeline import log_event

    ctx = context()
    logged = log_event(ctx, key, text, kind=kind, at=at, actor=actor, marks=marks)
    zone = require_zone(logged.zone)
    typer.echo(f"{logged.key} #{logged.event.id} {format_local(logged.event.at, zone)} {logged.event.kind}: {logged.event.text}")


def timeline(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    level: Optional[str] = typer.Option(
        None, "--level", help="Only events of this level or more severe, e.g. warning (events without a level are left out).",
    ),
    component: Optional[str] = typer.Option(None, "--component", help="Only events of this component or logger."),
) -> None:
    """Show an incident's timeline, one event a line: number, time, kind, level, component, text.

    The same filters as the incident page and the API (`level`, `component`).
    """
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call

        path, after, items = f"/api/v1/incidents/{key.strip().upper()}/timeline", 0, []
        while True:
            answer = call(server, "GET", path, query={"after": after, "limit": 1000, "level": level, "component": component})
            items.extend(answer["items"])
            if not answer["items"] or answer["last_id"] == after:
                break
            after = answer["last_id"]
        items.sort(key=lambda item: (item["at"], item["id"]))
        rows = [(item["id"], item["local"], item["kind"], item["level"], item["component"], item["message"]) for item in items]
    else:
        from cairn.domain.log_levels import shown_text
        from cairn.domain.times import format_local, require_zone
        from cairn.services.timeline import read_timeline
        from cairn.services.timeline_reads import TimelineFilter

        read = read_timeline(context(), key, TimelineFilter(level=level or "", component=component or ""))
        zone = require_zone(read.zone)
        rows = [
            (e.id, format_local(e.at, zone, seconds=True), e.kind, e.level, e.component, shown_text(e.text, e.level))
            for e in read.events
        ]
    if not rows:
        typer.echo("no events match" if level or component else "no timeline events yet: add one with cairn log")
        return
    for number, at, kind, event_level, event_component, message in rows:
        typer.echo("\t".join([f"#{number}", at, kind, event_level or "-", event_component or "-", message]))
