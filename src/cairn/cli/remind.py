"""`cairn remind`: send the reminders owed now (for cron; `cairn serve` runs the same code)."""

from __future__ import annotations

from typing import Optional

import typer


def remind(
    at: Optional[str] = typer.Option(None, "--now", help="Pretend it is this time (ISO 8601 with offset), for trials."),
) -> None:
    """Send due, overdue and escalation reminders, and the notifications owed by e-mail and team channels; each is sent once."""
    from cairn.cli.state import context
    from cairn.domain.times import parse_when, require_zone
    from cairn.services.notifications import run_notifications
    from cairn.services.reminders import run_reminders

    ctx = context()
    now = parse_when(at, require_zone("UTC")) if at else None
    run = run_reminders(ctx, now=now)
    for recipient, channel, count in run.delivered:
        typer.echo(f"sent {count} reminder{'s' if count != 1 else ''} to {recipient} by {channel}")
    for item in run.stalled:
        typer.echo(f"stalled: {item.key} {item.label} ({item.owner}, {item.days_late} days overdue)")
    for failure in run.failures:
        typer.echo(f"failed: {failure}", err=True)
    if not run.delivered and not run.failures:
        typer.echo("no reminders owed")
    told = run_notifications(ctx, now=now)
    for recipient, channel, count in told.delivered:
        typer.echo(f"sent {count} notification{'s' if count != 1 else ''} to {recipient} by {channel}")
    for failure in told.failures:
        typer.echo(f"failed: {failure}", err=True)
    if run.failures or told.failures:
        raise typer.Exit(1)
