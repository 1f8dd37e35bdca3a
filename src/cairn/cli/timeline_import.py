"""`cairn import-timeline`: collect the timeline from alerts, pagers, chat and logs."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cairn.domain.limits import INT_MAX
from cairn.importers.timestamps import FORMATS  # light: the format table, for --format's help

FORMAT_HELP = f"Logs: the timestamp format, one of {', '.join(FORMATS)}; or jsonl or csv; detected when not given."


def import_timeline(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    path: Optional[Path] = typer.Argument(
        None, metavar="[PATH | IMPORT_ID]", help="File (or Slack export folder / zip) to import; with --undo, the import's id.",
        show_default=False,
    ),
    list_imports: bool = typer.Option(False, "--list", help="List the incident's imports: id, when, source, file, who, counts."),
    undo: bool = typer.Option(
        False, "--undo", help="Remove exactly the events import IMPORT_ID added (ids from --list); the file can then be imported again.",
    ),
    source: Optional[str] = typer.Option(None, "--source", help="slack, pagerduty, alertmanager, grafana, opsgenie, github or log; detected when not given."),
    since: Optional[str] = typer.Option(None, "--since", help="Keep records at or after this time (same forms as --at)."),
    until: Optional[str] = typer.Option(None, "--until", help="Keep records before this time."),
    tz: Optional[str] = typer.Option(None, "--tz", help="Zone of timestamps without an offset (default: the incident's)."),
    level: Optional[str] = typer.Option(
        None, "--level", help="Logs: lowest level kept, e.g. warning; lines without a level are left out (counted as filtered).",
    ),
    log_format: Optional[str] = typer.Option(None, "--format", help=FORMAT_HELP),
    time_format: Optional[str] = typer.Option(
        None, "--time-format", metavar="PATTERN",
        help="Logs: the timestamps' strptime pattern when no format fits, e.g. '%y%m%d %H%M%S' (see --tz for their zone).",
    ),
    channel: Optional[str] = typer.Option(None, "--channel", help="Slack export: the channel to read."),
    gap: int = typer.Option(20, "--gap", min=1, max=INT_MAX, help="Point out quiet gaps longer than this many minutes."),
    accept_moments: bool = typer.Option(False, "--accept-moments", help="Record the proposed key moments without asking."),
) -> None:
    """Import a file into an incident's timeline; importing it again changes nothing.

    `--list KEY` shows the imports; `--undo KEY IMPORT_ID` removes that import's events.
    """
    from datetime import timedelta

    if list_imports or undo:
        _manage(key, path, list_imports, undo)
        return
    if path is None:
        from cairn.errors import InvalidInput

        raise InvalidInput("give the file to import, or --list KEY / --undo KEY IMPORT_ID")

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from cairn.cli.state import context
    from cairn.domain.times import format_local, require_zone
    from cairn.services.incidents import set_moment, show_incident
    from cairn.services.timeline_import import import_timeline as run_import

    ctx = context()
    incident_zone = require_zone(show_incident(ctx, key).timezone)
    total = path.stat().st_size if path.is_file() else None
    with Progress(
        TextColumn("[bold]importing[/] {task.description}"),
        BarColumn(),
        DownloadColumn() if total else TextColumn("{task.completed} files"),
        TimeRemainingColumn(),
        transient=True,
        disable=not _interactive(),
    ) as bar:
        task = bar.add_task(path.name, total=total)
        summary = run_import(
            ctx, key, path, source=source, since=since, until=until, tz=tz, level=level, log_format=log_format,
            time_format=time_format, channel=channel, progress=lambda done: bar.update(task, completed=done), gap_threshold=timedelta(minutes=gap),
        )
    typer.echo(
        f"{summary.key} from {summary.source}: {summary.added} added, {summary.duplicates} duplicates skipped, "
        f"{summary.filtered} filtered, {summary.rejected} rejected"
        + (f" (import {summary.import_id}; undo with --undo {summary.key} {summary.import_id})" if summary.import_id else "")
    )
    for rejected in summary.rejections:
        typer.echo(f"  rejected {rejected.where}: {rejected.reason}")
    if summary.rejected > len(summary.rejections):
        typer.echo(f"  ... and {summary.rejected - len(summary.rejections)} more rejected")
    for quiet in summary.gaps:
        minutes = int(quiet.length.total_seconds() // 60)
        typer.echo(f"  quiet: no recorded activity for {minutes} minutes after {format_local(quiet.start, incident_zone)}")
    if summary.proposals:
        typer.echo("proposed key moments:")
        for moment, (at, text) in summary.proposals.items():
            typer.echo(f"  {moment.value}: {format_local(at, incident_zone, seconds=True)} ({text})")
        if accept_moments or (_interactive() and typer.confirm("record these key moments?", default=False)):
            for moment, (at, _text) in summary.proposals.items():
                set_moment(ctx, key, moment.value, at=at)
            typer.echo("key moments recorded")


def _manage(key: str, argument: Path | None, list_imports: bool, undo: bool) -> None:
    """`--list KEY` and `--undo KEY IMPORT_ID`."""
    from cairn.cli.state import context
    from cairn.domain.times import format_local, require_zone
    from cairn.errors import InvalidInput
    from cairn.services.import_history import list_imports as imports_of, undo_import
    from cairn.services.incidents import show_incident

    if list_imports and undo:
        raise InvalidInput("give --list or --undo, not both")
    ctx = context()
    if undo:
        if argument is None:
            raise InvalidInput("--undo needs the import's id: cairn import-timeline --undo KEY IMPORT_ID (ids from --list)")
        text = str(argument).strip()
        if not text.isdigit() or not 1 <= int(text) <= INT_MAX:
            raise InvalidInput(f"import id {text!r} is not a whole number from 1 to {INT_MAX} (ids from --list)")
        undone = undo_import(ctx, key, int(text))
        typer.echo(f"{undone.incident}: undid import {undone.id} ({undone.file_name}): {undone.removed} events removed")
        return
    if argument is not None:
        raise InvalidInput("--list takes only the incident key")
    records = imports_of(ctx, key)
    zone = require_zone(show_incident(ctx, key).timezone)
    if not records:
        typer.echo(f"no imports recorded for {key.strip().upper()}")
        return
    for item in records:
        counts = f"{item.added} added, {item.duplicates} duplicates, {item.filtered} filtered, {item.rejected} rejected"
        if item.undone:
            state = f"undone {format_local(item.undone_at, zone)} by {item.undone_by or '?'}: {item.removed} removed"
        else:
            state = f"{item.events} on the timeline"
        typer.echo(f"{item.id}\t{format_local(item.created_at, zone)}\t{item.source}\t{item.file_name}\t{item.actor or '?'}\t{counts}\t{state}")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty() and sys.stderr.isatty()
