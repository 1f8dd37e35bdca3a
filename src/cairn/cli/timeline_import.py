"""`cairn import-timeline`: collect the timeline from alerts, pagers, chat and logs."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cairn.domain.limits import INT_MAX


def import_timeline(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    path: Path = typer.Argument(..., help="File (or Slack export folder / zip) to import."),
    source: Optional[str] = typer.Option(None, "--source", help="slack, pagerduty, alertmanager, grafana, opsgenie, github or log; detected when not given."),
    since: Optional[str] = typer.Option(None, "--since", help="Keep records at or after this time (same forms as --at)."),
    until: Optional[str] = typer.Option(None, "--until", help="Keep records before this time."),
    tz: Optional[str] = typer.Option(None, "--tz", help="Zone of timestamps without an offset (default: the incident's)."),
    level: Optional[str] = typer.Option(None, "--level", help="Logs: lowest level kept, e.g. warning."),
    log_format: Optional[str] = typer.Option(None, "--format", help="Logs: iso, slash, syslog, apache, epoch, epoch-ms, jsonl or csv."),
    channel: Optional[str] = typer.Option(None, "--channel", help="Slack export: the channel to read."),
    gap: int = typer.Option(20, "--gap", min=1, max=INT_MAX, help="Point out quiet gaps longer than this many minutes."),
    accept_moments: bool = typer.Option(False, "--accept-moments", help="Record the proposed key moments without asking."),
) -> None:
    """Import a file into an incident's timeline; importing it again changes nothing."""
    from datetime import timedelta

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
            channel=channel, progress=lambda done: bar.update(task, completed=done), gap_threshold=timedelta(minutes=gap),
        )
    typer.echo(
        f"{summary.key} from {summary.source}: {summary.added} added, {summary.duplicates} duplicates skipped, "
        f"{summary.filtered} filtered, {summary.rejected} rejected"
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


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty() and sys.stderr.isatty()
