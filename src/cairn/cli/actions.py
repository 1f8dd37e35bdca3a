"""`cairn actions ...`: follow action items to done."""

from __future__ import annotations

from typing import Optional

import typer

app = typer.Typer(help="Add, update, list action items and see how many close on schedule.", no_args_is_help=True)


@app.command("add")
def add(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    title: str = typer.Argument(..., help="What will be done."),
    owner: str = typer.Option(..., "--owner", help="A known user name."),
    due: str = typer.Option(..., "--due", help="Due date, YYYY-MM-DD (not in the past)."),
    impact: Optional[int] = typer.Option(None, "--impact", help="1 low, 2 medium, 3 high."),
    effort: Optional[int] = typer.Option(None, "--effort", help="1 low, 2 medium, 3 high."),
    priority: Optional[str] = typer.Option(None, "--priority", help="P1-P4, overriding impact x effort."),
    kind: str = typer.Option("prevent", "--kind", help="prevent, mitigate, detect, process or learn."),
    factor: Optional[list[str]] = typer.Option(None, "--factor", help="Contributing factor it addresses, e.g. F1 (repeatable)."),
    url: Optional[str] = typer.Option(None, "--url", help="Link to a tracker ticket."),
) -> None:
    """Add an action item to an incident's postmortem."""
    from cairn.cli.state import context
    from cairn.services.actions import add_action_item

    row = add_action_item(context(), key, title, owner=owner, due=due, kind=kind, impact=impact, effort=effort,
                          priority=priority, factors=factor or [], url=url)
    typer.echo(f"{row.key} {row.label} [{row.priority}] {row.title} — {row.owner}, due {row.due}")


@app.command("update")
def update(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    item: str = typer.Argument(..., help="Action item id, e.g. A1."),
    status: Optional[str] = typer.Option(None, "--status", help="open, 'in progress', done or \"won't do\"."),
    note: Optional[str] = typer.Option(None, "--note", help="A note; the reason for won't do."),
    owner: Optional[str] = typer.Option(None, "--owner", help="New owner."),
    due: Optional[str] = typer.Option(None, "--due", help="New due date, YYYY-MM-DD."),
    priority: Optional[str] = typer.Option(None, "--priority", help="P1-P4."),
    url: Optional[str] = typer.Option(None, "--url", help="Tracker link ('' removes it)."),
) -> None:
    """Change an action item; closing records when."""
    from cairn.cli.state import context
    from cairn.services.actions import update_action_item

    row = update_action_item(context(), key, item, status=status, note=note, owner=owner, due=due, priority=priority, url=url)
    typer.echo(f"{row.key} {row.label} is {row.status}" + (f", closed {row.closed_at:%Y-%m-%d}" if row.closed_at else ""))


@app.command("list")
def list_(
    mine: Optional[str] = typer.Option(None, "--owner", help="Only this owner's items."),
    team: Optional[str] = typer.Option(None, "--team", help="Items of this team (its incidents or its members)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open items past their due date."),
    due_within: Optional[int] = typer.Option(None, "--due-within", min=0, max=3650, help="Only open items due in the next N days."),
    open_only: bool = typer.Option(False, "--open", help="Only open items."),
    stalled: bool = typer.Option(False, "--stalled", help="Only items overdue past CAIRN_ESCALATE_AFTER_DAYS."),
    postmortem_owner: Optional[str] = typer.Option(None, "--postmortem-owner", help="Items of the postmortems this user owns."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List action items across incidents, soonest due first."""
    import json
    from datetime import date

    from cairn.cli.state import context
    from cairn.services.actions import list_action_items

    today = date.today()
    ctx = context()
    rows = list_action_items(
        ctx, owner=mine, team=team, only_open=open_only, overdue=overdue, due_within=due_within,
        stalled_after=ctx.settings.escalate_after_days if stalled else None, postmortem_owner=postmortem_owner,
    )
    if as_json:
        typer.echo(json.dumps([row.to_data(today) for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no action items match")
    for row in rows:
        flag = "  OVERDUE" if row.overdue(today) else ""
        if row.ticket:
            flag += f"  [{row.ticket}{' sync failed: ' + row.sync_error if row.sync_error else ''}]"
        typer.echo(f"{row.key:<8} {row.label:<4} {row.priority} {row.status:<12} {str(row.due or '—'):<10} {row.owner or '—':<12} {row.title}{flag}")


@app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Share closed on schedule (overall, per team, priority, month), overdue count, age of open items."""
    import json

    from cairn.cli.state import context
    from cairn.services.actions import action_stats

    result = action_stats(context())

    def share(value) -> str:  # type: ignore[no-untyped-def]
        return "—" if value.rate is None else f"{value.rate:.0%} ({value.on_time}/{value.judged})"

    if as_json:
        def pack(value):  # type: ignore[no-untyped-def]
            return {"on_time": value.on_time, "judged": value.judged, "rate": value.rate}

        typer.echo(json.dumps({
            "on_schedule": pack(result.overall),
            "by_team": {k: pack(v) for k, v in result.by_team.items()},
            "by_priority": {k: pack(v) for k, v in result.by_priority.items()},
            "by_month": {k: pack(v) for k, v in result.by_month.items()},
            "open": result.open_count, "open_overdue": result.open_overdue,
            "open_age_days": {"median": result.age_median_days, "p90": result.age_p90_days},
        }, indent=2))
        return
    typer.echo(f"closed on schedule: {share(result.overall)}")
    typer.echo(f"open: {result.open_count}, overdue: {result.open_overdue}; age of open items: "
               f"median {result.age_median_days if result.age_median_days is not None else '—'} days, "
               f"90th percentile {result.age_p90_days if result.age_p90_days is not None else '—'} days")
    for title, groups in (("team", result.by_team), ("priority", result.by_priority), ("month due", result.by_month)):
        typer.echo(f"by {title}: " + ", ".join(f"{name} {share(value)}" for name, value in groups.items()))


@app.command("ticket")
def ticket(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    item: str = typer.Argument(..., help="Action item id, e.g. A1."),
    tracker: str = typer.Option(..., "--tracker", help="jira or github (configured with CAIRN_JIRA_* / CAIRN_GITHUB_*)."),
) -> None:
    """Open a tracker issue for an action item and keep the link."""
    from cairn.cli.state import context
    from cairn.services.trackers import open_ticket

    typer.echo(f"{key.upper()} {item.upper()} is tracked as {open_ticket(context(), key, item, tracker)}")


@app.command("sync")
def sync() -> None:
    """Pull tracker states: a closed ticket closes its item (and records when)."""
    from cairn.cli.state import context
    from cairn.services.trackers import sync_tickets

    result = sync_tickets(context())
    for closed in result.closed:
        typer.echo(f"closed {closed} (its ticket is closed)")
    for error in result.errors:
        typer.echo(f"not synced: {error}", err=True)
    typer.echo(f"{result.checked} ticket{'s' if result.checked != 1 else ''} checked")
    if result.errors:
        raise typer.Exit(1)
