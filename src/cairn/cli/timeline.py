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
    from cairn.services.incidents import show_incident

    zone = require_zone(show_incident(ctx, logged.key).timezone)
    typer.echo(f"{logged.key} #{logged.event.id} {format_local(logged.event.at, zone)} {logged.event.kind}: {logged.event.text}")
