"""`cairn drill ...`: replay a past incident as a Wheel-of-Misfortune exercise.

The local CLI works on the database file and so sits in the game master's
seat: it sees the hidden facts and every reveal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Replay past incidents as drills: draft, start, reveal, log, mark, end, list.", no_args_is_help=True)

JSON_HELP = "Print the drill as JSON (the same as GET /api/v1/drills/ID)."


def _context():  # type: ignore[no-untyped-def]
    from cairn.cli.state import context

    return context()


def _print(view, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from cairn.domain.drill import format_offset

    if as_json:
        typer.echo(json.dumps(view.to_data(), indent=2, ensure_ascii=False))
        return
    incident = f" (replays {view.incident})" if view.incident else ""
    typer.echo(f"drill {view.id}: {view.title}{incident} — {view.status}")
    if view.members:
        typer.echo("people: " + ", ".join(f"{user} ({role})" for user, role in view.members))
    wall = f", {view.situation_time}" if view.situation_time else ""
    typer.echo(f"situation (+0:00{wall}, {view.situation_kind}): {view.situation}")
    for item in view.shown:
        typer.echo(f"  shown +{format_offset(view.offset(item.shown_at) or 0)} [{item.kind}] {item.text}")
    for prompt in view.on_request:
        typer.echo(f"  may ask: {prompt}")
    for entry in view.log:
        offset = f"+{format_offset(entry.offset_seconds)}" if entry.offset_seconds is not None else ""
        typer.echo(f"  log {offset} [{entry.kind}] {entry.actor or ''}: {entry.text}")
    for line, reached in (("diagnosed", view.diagnosed_at), ("mitigated", view.mitigated_at)):
        if reached is not None:
            typer.echo(f"{line} at +{format_offset(view.offset(reached) or 0)}")
    if not view.sees_hidden:
        return
    typer.echo("reveals (game master):")
    for item in view.reveals:
        how = f"on request: {item.prompt}" if item.mode == "request" else "by the clock"
        flags = " hidden" if item.hidden else ""
        typer.echo(f"  {item.position}. +{format_offset(item.offset_seconds)} {how}{flags} [{item.kind}] {item.text}")
    typer.echo("hidden facts:")
    for fact in view.hidden_facts:
        typer.echo(f"  {fact['label']}: {fact['text']}")
    typer.echo(f"finish line, diagnosed: {view.diagnosed_line}")
    typer.echo(f"finish line, mitigated: {view.mitigated_line}")


@app.command("create")
def create(
    key: str = typer.Argument(..., help="The incident to replay, e.g. INC-42."),
    responder: Optional[list[str]] = typer.Option(None, "--responder", help="A responder's user name (repeatable)."),
    observer: Optional[list[str]] = typer.Option(None, "--observer", help="An observer's user name (repeatable)."),
    redact: bool = typer.Option(False, "--redact", help="Apply the public version's redaction first (a drill with people outside the team)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Draft a scenario from KEY and plan a drill of it: the first alert as the situation, later
    signals as reveals, factors and what the responders did as hidden facts, and the finish lines."""
    from cairn.services.drills import create_drill

    _print(create_drill(_context(), key, redact=redact, responders=responder or [], observers=observer or []), as_json)


@app.command("start")
def start(drill_id: int = typer.Argument(..., help="The drill's number."), as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Start the drill's clock: timed reveals come due from now."""
    from cairn.services.drills import start_drill

    _print(start_drill(_context(), drill_id), as_json)


@app.command("reveal")
def reveal_(
    drill_id: int = typer.Argument(..., help="The drill's number."),
    position: int = typer.Argument(..., help="The reveal's number, as `cairn drill show` lists them."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show reveal N to the responders now."""
    from cairn.services.drills import reveal

    _print(reveal(_context(), drill_id, position), as_json)


@app.command("log")
def log(
    drill_id: int = typer.Argument(..., help="The drill's number."),
    text: list[str] = typer.Argument(..., help="What was checked, thought or done: `#decision roll back`, `@rui restarted the pool`."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add a line to the drill's own timeline (the real incident is not touched)."""
    from cairn.services.drills import log_entry

    _print(log_entry(_context(), drill_id, " ".join(text)), as_json)


@app.command("mark")
def mark_(
    drill_id: int = typer.Argument(..., help="The drill's number."),
    line: str = typer.Argument(..., help="diagnosed or mitigated."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Mark a finish line reached; the first time counts."""
    from cairn.services.drills import mark

    _print(mark(_context(), drill_id, line), as_json)


@app.command("end")
def end(drill_id: int = typer.Argument(..., help="The drill's number."), as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """End the drill: the debrief begins and every member sees the hidden facts."""
    from cairn.services.drills import end_drill

    _print(end_drill(_context(), drill_id), as_json)


@app.command("show")
def show(drill_id: int = typer.Argument(..., help="The drill's number."), as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Show the drill: what has been shown, the log and, for the game master, the script."""
    from cairn.services.drills import show_drill

    _print(show_drill(_context(), drill_id), as_json)


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print the list as JSON.")) -> None:
    """Drills, newest first: status, the incident replayed, game master and responders."""
    from cairn.services.drills import list_drills

    rows = list_drills(_context())
    if as_json:
        typer.echo(json.dumps([{"id": r.id, "title": r.title, "incident": r.incident, "status": r.status,
                                "started_at": r.started_at.isoformat() if r.started_at else None,
                                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                                "game_master": r.game_master, "responders": r.responders} for r in rows], indent=2))
        return
    if not rows:
        typer.echo("no drills yet: `cairn drill create KEY` drafts one from an incident")
        return
    for row in rows:
        when = row.started_at.strftime("%Y-%m-%d") if row.started_at else "not started"
        people = ", ".join(row.responders) or "no responders"
        typer.echo(f"{row.id:>4}  {row.status:<8} {when:<11} {row.incident or '-':<9} {row.title} — {people}")


@app.command("edit")
def edit(
    drill_id: int = typer.Argument(..., help="The drill's number."),
    position: int = typer.Argument(..., help="The reveal's number."),
    text: Optional[str] = typer.Option(None, "--text", help="New wording."),
    at: Optional[str] = typer.Option(None, "--at", help="When it comes by the clock: minutes:seconds from the start, e.g. 12:05."),
    request: Optional[str] = typer.Option(None, "--request", metavar="PROMPT", help="Show it only when a responder looks at PROMPT."),
    clock: bool = typer.Option(False, "--clock", help="Show it by the clock again."),
    hide: Optional[bool] = typer.Option(None, "--hide/--unhide", help="Keep it out of the drill, or bring it back."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Reword, retime, hide or unhide a reveal, or make it come on request or by the clock."""
    from cairn.services.drills import edit_reveal

    if request and clock:
        raise typer.BadParameter("give --request or --clock, not both", param_hint="--request")
    mode = "request" if request else "clock" if clock else None
    _print(edit_reveal(_context(), drill_id, position, text=text, offset=at, mode=mode, prompt=request, hidden=hide), as_json)


@app.command("hint")
def hint(
    drill_id: int = typer.Argument(..., help="The drill's number."),
    text: str = typer.Argument(..., help="What the responders are shown."),
    at: str = typer.Option("0", "--at", help="When it comes by the clock: minutes:seconds from the start."),
    request: Optional[str] = typer.Option(None, "--request", metavar="PROMPT", help="Show it only when a responder looks at PROMPT."),
    dead_end: bool = typer.Option(False, "--dead-end", help="A false trail rather than a hint."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add a reveal of the game master's own: a hint, or a dead end."""
    from cairn.services.drills import add_reveal

    _print(add_reveal(_context(), drill_id, text, offset=at, prompt=request, dead_end=dead_end), as_json)


@app.command("records")
def records(as_json: bool = typer.Option(False, "--json", help="Print the records as JSON (the same as GET /api/v1/drills/records).")) -> None:
    """Drills per person and team, the last drill per service and who responds to it but never drilled it,
    and past incidents worth drilling next, with the reasons."""
    from cairn.services.drill_records import drill_records

    found = drill_records(_context())
    if as_json:
        typer.echo(json.dumps(found.to_data(), indent=2, ensure_ascii=False))
        return
    typer.echo("worth drilling next:" if found.suggestions else "no past incident to suggest")
    for s in found.suggestions:
        typer.echo(f"  {s.key} {s.severity} {s.title}: " + "; ".join(s.reasons))
    if found.people:
        typer.echo("people (responder / game master / observer, last):")
        for p in found.people:
            typer.echo(f"  {p.username}: {p.as_responder} / {p.as_game_master} / {p.as_observer}, {p.last:%Y-%m-%d}" if p.last else f"  {p.username}")
    for team, count, last in found.teams:
        typer.echo(f"team {team}: {count} drill{'s' if count != 1 else ''}, last {last:%Y-%m-%d}" if last else f"team {team}: {count}")
    for service in found.services:
        last = f"last drilled {service.last:%Y-%m-%d}" if service.last else "never drilled"
        never = f"; never drilled it: {', '.join(service.never_drilled)}" if service.never_drilled else ""
        typer.echo(f"service {service.service}: {last}{never}")


@app.command("finding")
def finding(
    drill_id: int = typer.Argument(..., help="The drill's number."),
    title: str = typer.Argument(..., help="What will be done: a runbook step, an alert, a safer default."),
    owner: str = typer.Option(..., "--owner", help="A known user name."),
    due: str = typer.Option(..., "--due", help="Due date, YYYY-MM-DD (not in the past)."),
    kind: str = typer.Option("prevent", "--kind", help="prevent, mitigate, detect, process or learn."),
    priority: str = typer.Option("P3", "--priority", help="P1-P4."),
) -> None:
    """Turn a finding of the drill into an action item on the incident it replays, linked to the drill."""
    from cairn.services.drills import add_finding

    row = add_finding(_context(), drill_id, title, owner=owner, due=due, kind=kind, priority=priority)
    typer.echo(f"{row.incident} {row.label} {row.title} — {row.owner}, due {row.due} (from drill {drill_id})")


@app.command("export")
def export(
    drill_id: int = typer.Argument(..., help="The drill's number."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """Write the drill's scenario as Markdown with front matter (it holds the hidden facts)."""
    from cairn.services.drills import export_scenario

    text = export_scenario(_context(), drill_id)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote the scenario of drill {drill_id} to {output}")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A scenario file, as `cairn drill export` writes it or written by hand.", exists=True, dir_okay=False, readable=True),
    responder: Optional[list[str]] = typer.Option(None, "--responder", help="A responder's user name (repeatable)."),
    observer: Optional[list[str]] = typer.Option(None, "--observer", help="An observer's user name (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Plan a drill from a scenario file: one exported from another drill, or written from scratch (a near miss)."""
    from cairn.errors import ImportFailed
    from cairn.services.drills import import_scenario

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ImportFailed("not UTF-8 text", source=str(file)) from None
    _print(import_scenario(_context(), text, source=str(file), responders=responder or [], observers=observer or []), as_json)
