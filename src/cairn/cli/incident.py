"""`cairn incident ...`: open, change status, key moments, list, show."""

from __future__ import annotations

from typing import Optional

import typer

from cairn.domain.limits import INT_MAX

app = typer.Typer(help="Open, list and show incidents; record key moments and status changes.", no_args_is_help=True)

AT_HELP = "When: ISO 8601 with offset, 'YYYY-MM-DD HH:MM' or 'HH:MM' (today) in the incident's zone, or 'now'."


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


@app.command("open")
def open_(
    title: str = typer.Argument(..., help="What is wrong, as users see it."),
    severity: str = typer.Option(..., "--severity", "-s", help="Severity, e.g. SEV2."),
    service: Optional[list[str]] = typer.Option(None, "--service", help="Affected service (repeat or comma-separate)."),
    team: Optional[list[str]] = typer.Option(None, "--team", help="Responding team (repeat or comma-separate)."),
    tag: Optional[list[str]] = typer.Option(None, "--tag", help="Free tag (repeat or comma-separate)."),
    tz: Optional[str] = typer.Option(None, "--tz", help="IANA time zone the team reads times in, e.g. Europe/Berlin."),
    kind: str = typer.Option("incident", "--kind", help="incident or 'near miss'."),
    restricted: bool = typer.Option(False, "--restricted", help="Visible only to participants and admins."),
    started: Optional[str] = typer.Option(None, "--started", "--at", help="When impact started (default now). " + AT_HELP),
    detected: Optional[str] = typer.Option(None, "--detected", help="When it was noticed. " + AT_HELP),
) -> None:
    """Open a new incident and print its key."""
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call

        body = {
            "title": title, "severity": severity, "kind": kind, "services": _split(service), "teams": _split(team),
            "tags": _split(tag), "timezone": tz, "visibility": "restricted" if restricted else "internal",
            "started": started, "detected": detected,
        }
        opened = call(server, "POST", "/api/v1/incidents", {k: v for k, v in body.items() if v is not None})
        typer.echo(f"opened {opened['key']}: {opened['title']}")
        return
    from cairn.services.incidents import open_incident

    doc = open_incident(
        context(),
        title,
        severity=severity,
        kind=kind,
        services=_split(service),
        teams=_split(team),
        tags=_split(tag),
        timezone=tz,
        visibility="restricted" if restricted else "internal",
        started=started,
        detected=detected,
    )
    typer.echo(f"opened {doc.key}: {doc.title}")


def _status_command(target: str, verb: str):  # type: ignore[no-untyped-def]
    def command(
        key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
        at: Optional[str] = typer.Option(None, "--at", help=AT_HELP + " Default: now."),
    ) -> None:
        from cairn.cli.state import context, remote

        if (server := remote()) is not None:
            from cairn.cli.remote import call

            body = {"status": target, **({"at": at} if at else {})}
            changed = call(server, "POST", f"/api/v1/incidents/{key.strip().upper()}/status", body)
            typer.echo(f"{changed['key']} is {changed['status']}")
            return
        from cairn.services.incidents import change_status

        doc = change_status(context(), key, target, at=at)
        typer.echo(f"{doc.key} is {doc.status}")

    command.__doc__ = verb
    return command


app.command("mitigate")(_status_command("mitigated", "Mark the incident mitigated (impact stopped)."))
app.command("resolve")(_status_command("resolved", "Mark the incident resolved."))
app.command("close")(_status_command("closed", "Close a resolved incident (follow-up done)."))
app.command("reopen")(_status_command("open", "Reopen a mitigated or resolved incident."))


@app.command("moment")
def moment(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    which: str = typer.Argument(..., help="started, detected, acknowledged, mitigated or resolved."),
    at: Optional[str] = typer.Option(None, "--at", help=AT_HELP),
    event: Optional[int] = typer.Option(None, "--event", min=1, max=INT_MAX, help="Take the time of this timeline event (# in show)."),
    clear: bool = typer.Option(False, "--clear", help="Forget this moment."),
) -> None:
    """Set a key moment directly or from a timeline event."""
    from cairn.cli.state import context
    from cairn.domain.times import format_local, require_zone
    from cairn.errors import InvalidInput
    from cairn.services.incidents import set_moment

    if sum(bool(x) for x in (at, event is not None, clear)) != 1:
        raise InvalidInput("give exactly one of --at, --event or --clear")
    doc = set_moment(context(), key, which, at=at, event_id=event, clear=clear)
    value = getattr(doc.moments, which.strip().lower(), None)
    typer.echo(f"{doc.key} {which.strip().lower()}: {format_local(value, require_zone(doc.timezone))}")


@app.command("list")
def list_(
    status: Optional[str] = typer.Option(None, "--status", help="Comma-separated: open, mitigated, resolved, closed."),
    severity: Optional[str] = typer.Option(None, "--severity", help="Comma-separated, e.g. SEV1,SEV2."),
    service: Optional[str] = typer.Option(None, "--service", help="Only incidents touching this service."),
    team: Optional[str] = typer.Option(None, "--team", help="Only incidents of this team."),
    kind: Optional[str] = typer.Option(None, "--kind", help="incident or 'near miss'."),
    since: Optional[str] = typer.Option(None, "--since", help="Started on or after this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Started before this date (YYYY-MM-DD)."),
    search: Optional[str] = typer.Option(None, "--search", help="Words in the title."),
    limit: int = typer.Option(50, "--limit", help="At most this many rows."),
    offset: int = typer.Option(0, "--offset", min=0, max=INT_MAX, help="Skip this many rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List incidents, newest first."""
    from cairn.cli.render import incident_table
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call, summary_from_data

        query = {"status": status, "severity": severity, "service": service, "team": team, "kind": kind,
                 "since": since, "until": until, "q": search, "limit": limit, "offset": offset}
        page = call(server, "GET", "/api/v1/incidents", query=query)
        if as_json:
            import json

            typer.echo(json.dumps({"total": page["total"], "items": page["items"]}, ensure_ascii=False, indent=2))
            return
        incident_table([summary_from_data(item) for item in page["items"]], page["total"])
        return
    from cairn.domain.times import require_zone, start_of_day
    from cairn.services.incidents import IncidentFilter, list_incidents

    ctx = context()
    criteria = IncidentFilter(
        statuses=_split([status]) if status else None,
        severities=_split([severity]) if severity else None,
        service=service,
        team=team,
        kind=kind,
        since=start_of_day(since, require_zone(ctx.settings.timezone)),
        until=start_of_day(until, require_zone(ctx.settings.timezone)),
        text=search,
    )
    rows, total = list_incidents(ctx, criteria, limit=limit, offset=offset)
    if as_json:
        import json

        typer.echo(json.dumps({"total": total, "items": [row.to_data() for row in rows]}, ensure_ascii=False, indent=2))
        return
    incident_table(rows, total)



@app.command("show")
def show(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Show key moments, durations, timeline and postmortem state."""
    from cairn.cli.render import incident_view
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call
        from cairn.formats.data import incident_from_data

        incident_view(incident_from_data(call(server, "GET", f"/api/v1/incidents/{key.strip().upper()}")))
        return
    from cairn.services.incidents import show_incident

    incident_view(show_incident(context(), key))


@app.command("participant")
def participant(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    user: str = typer.Argument(..., help="User name."),
    role: str = typer.Option("responder", "--role", help="owner, facilitator, note taker, scribe, reviewer, responder, incident commander."),
) -> None:
    """Add a participant with a role."""
    from cairn.cli.state import context
    from cairn.services.incidents import add_participant

    doc = add_participant(context(), key, user, role)
    typer.echo(f"{user} is {role} of {doc.key}")
