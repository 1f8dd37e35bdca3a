"""Commands that change what was recorded (`cairn incident update`, `cairn event ...`),
written once against `ChangeClient`: `LocalChanges` calls the services on the local
database, `RemoteChanges` the team server's JSON API. Both answer with the API's shapes."""

from __future__ import annotations

from typing import Any, Optional, Protocol

import typer

from cairn.cli.incident import AT_HELP, _split
from cairn.domain.limits import INT_MAX

EVENT_KINDS = "alert, detection, acknowledgement, action, decision, communication, escalation, deploy, mitigation, resolution or note"


class ChangeClient(Protocol):
    def update_incident(self, key: str, fields: dict[str, Any]) -> dict[str, Any]: ...
    def edit_event(self, key: str, number: int, fields: dict[str, Any]) -> dict[str, Any]: ...
    def delete_event(self, key: str, number: int) -> dict[str, Any]: ...
    def restore_event(self, key: str, number: int) -> dict[str, Any]: ...


class LocalChanges:
    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        self.ctx = ctx

    def _event(self, key: str, event) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        from cairn.domain.times import format_local, require_zone
        from cairn.services.incidents import show_incident

        zone = require_zone(show_incident(self.ctx, key).timezone)
        return {"id": event.id, "local": format_local(event.at, zone, seconds=True), "kind": event.kind, "actor": event.actor, "text": event.text}

    def update_incident(self, key: str, fields: dict[str, Any]) -> dict[str, Any]:
        from cairn.services.incidents import update_incident

        doc = update_incident(self.ctx, key, **fields)
        return {"key": doc.key, "title": doc.title, "severity": doc.severity, "visibility": doc.visibility}

    def edit_event(self, key: str, number: int, fields: dict[str, Any]) -> dict[str, Any]:
        from cairn.services.timeline import edit_event

        return self._event(key, edit_event(self.ctx, key, number, **fields))

    def delete_event(self, key: str, number: int) -> dict[str, Any]:
        from cairn.services.timeline import delete_event

        return self._event(key, delete_event(self.ctx, key, number))

    def restore_event(self, key: str, number: int) -> dict[str, Any]:
        from cairn.services.timeline import restore_event

        return self._event(key, restore_event(self.ctx, key, number))


class RemoteChanges:
    def __init__(self, server) -> None:  # type: ignore[no-untyped-def]
        self.server = server

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        from cairn.cli.remote import call

        return call(self.server, method, path, body)

    def update_incident(self, key: str, fields: dict[str, Any]) -> dict[str, Any]:
        return self._call("PATCH", f"/api/v1/incidents/{_key(key)}", fields)

    def edit_event(self, key: str, number: int, fields: dict[str, Any]) -> dict[str, Any]:
        return self._call("PATCH", f"/api/v1/incidents/{_key(key)}/timeline/{number}", fields)

    def delete_event(self, key: str, number: int) -> dict[str, Any]:
        return self._call("DELETE", f"/api/v1/incidents/{_key(key)}/timeline/{number}")

    def restore_event(self, key: str, number: int) -> dict[str, Any]:
        return self._call("POST", f"/api/v1/incidents/{_key(key)}/timeline-deleted/{number}/restore")


def _key(key: str) -> str:
    from urllib.parse import quote

    return quote(key.strip().upper(), safe="")


def client() -> ChangeClient:
    from cairn.cli.state import context, remote

    server = remote()
    return RemoteChanges(server) if server is not None else LocalChanges(context())


def update(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    title: Optional[str] = typer.Option(None, "--title", help="New title."),
    severity: Optional[str] = typer.Option(None, "--severity", "-s", help="New severity, e.g. SEV1 (logged on the timeline)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="incident or 'near miss'."),
    service: Optional[list[str]] = typer.Option(None, "--service", help="Affected services, replacing the old list (repeat or comma-separate)."),
    team: Optional[list[str]] = typer.Option(None, "--team", help="Responding teams, replacing the old list."),
    tag: Optional[list[str]] = typer.Option(None, "--tag", help="Tags, replacing the old list."),
    tz: Optional[str] = typer.Option(None, "--tz", help="IANA time zone the team reads times in."),
    restricted: Optional[bool] = typer.Option(None, "--restricted/--internal", help="Visible only to participants and admins, or to everyone."),
) -> None:
    """Change what was recorded when the incident was opened; options left out stay as they are."""
    from cairn.errors import InvalidInput

    fields: dict[str, Any] = {
        "title": title, "severity": severity, "kind": kind, "timezone": tz,
        "services": _split(service) if service else None, "teams": _split(team) if team else None,
        "tags": _split(tag) if tag else None,
        "visibility": None if restricted is None else ("restricted" if restricted else "internal"),
    }
    fields = {name: value for name, value in fields.items() if value is not None}
    if not fields:
        raise InvalidInput("nothing to change: give at least one option, e.g. --severity SEV1")
    doc = client().update_incident(key, fields)
    typer.echo(f"updated {doc['key']}: {doc['title']} ({doc['severity']}, {doc['visibility']})")


event_app = typer.Typer(help="Correct, delete and restore timeline events (# as in `cairn incident show`).", no_args_is_help=True)
NUMBER = typer.Argument(..., min=1, max=INT_MAX, help="The event's number (# in `cairn incident show`).")


def _line(verb: str, key: str, event: dict[str, Any]) -> str:
    return f"{verb} {key.strip().upper()} #{event['id']} {event['local']} {event['kind']}: {event['text']}"


@event_app.command("edit")
def edit(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    number: int = NUMBER,
    text: Optional[str] = typer.Option(None, "--text", help="What happened."),
    at: Optional[str] = typer.Option(None, "--at", help=AT_HELP),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=EVENT_KINDS + "."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Who acted; '' to clear."),
) -> None:
    """Correct an event's text, time, kind or actor; the history keeps the old values."""
    from cairn.errors import InvalidInput

    fields = {name: value for name, value in {"text": text, "at": at, "kind": kind, "actor": actor}.items() if value is not None}
    if not fields:
        raise InvalidInput("nothing to change: give --text, --at, --kind or --actor")
    typer.echo(_line("edited", key, client().edit_event(key, number, fields)))


@event_app.command("delete")
def delete(key: str = typer.Argument(..., help="Incident key, e.g. INC-1."), number: int = NUMBER) -> None:
    """Delete an event; it is kept as a tombstone that an admin can restore."""
    typer.echo(_line("deleted", key, client().delete_event(key, number)))


@event_app.command("restore")
def restore(key: str = typer.Argument(..., help="Incident key, e.g. INC-1."), number: int = NUMBER) -> None:
    """Put a deleted event back (admins only, or the local database's user)."""
    typer.echo(_line("restored", key, client().restore_event(key, number)))
