"""`cairn insights factors`: recurring factors, repeated action items and repeats in the terminal."""

from __future__ import annotations

import json
from typing import Any

import typer

from cairn.cli.insight_options import KIND, SERVICE, SEVERITY, SINCE, TEAM, UNTIL

app = typer.Typer(help="Patterns across incidents: recurring factors and repeats (see also `cairn metrics`, `cairn similar`).", no_args_is_help=True)


def _fetch(query: dict[str, str]) -> dict[str, Any]:
    """From the server when one is configured (GET /api/v1/insights/factors), else from the local database."""
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call

        return call(server, "GET", "/api/v1/insights/factors", query={k: v for k, v in query.items() if v})
    from cairn.services.insights.factors import recurring_factors
    from cairn.services.insights.metrics import MetricsFilter

    ctx = context()
    return recurring_factors(ctx, MetricsFilter.parse(ctx, **query)).to_data()


@app.command("factors")
def factors(
    since: str = SINCE,
    until: str = UNTIL,
    severity: str = SEVERITY,
    service: str = SERVICE,
    team: str = TEAM,
    kind: str = KIND,
    as_json: bool = typer.Option(False, "--json", help="Print it as JSON (the same as GET /api/v1/insights/factors)."),
) -> None:
    """Factor categories per quarter and service (most recurring first), action items written on
    several incidents, and repeats: earlier fixes that may not have held."""
    data = _fetch({"since": since, "until": until, "severity": severity, "service": service, "team": team, "kind": kind})
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _tables(data)


def _tables(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not data["categories"]:
        console.print("No contributing factors recorded for these incidents yet.")
    else:
        table = Table(title="Incidents per factor category and quarter", title_justify="left")
        table.add_column("category")
        for quarter in data["quarters"]:
            table.add_column(quarter, justify="right")
        table.add_column("all", justify="right")
        table.add_column("trigger", justify="right")
        for c in data["categories"]:
            table.add_row(escape(c["category"]), *[str(c["quarters"].get(q, "")) for q in data["quarters"]], str(c["incidents"]), str(c["as_trigger"]))
        console.print(table)
    repeats = data["repeats"]
    if repeats:
        console.print("\n[bold]Repeats[/bold] (per service: " + ", ".join(f"{escape(s)} {n}" for s, n in data["repeats_by_service"].items()) + ")")
        for r in repeats:
            console.print(f"  {r['incident']} ({r['quarter']}): the fix from {r['earlier']} ({r['item']}, closed {r['closed_on']}) may not have prevented it"
                          f" — {escape(r['category'])} on {escape(r['service'])}", highlight=False)
    else:
        console.print("\nNo repeats among the incidents you may see.")
    items = data["repeated_action_items"]
    if items:
        console.print("\n[bold]Action items written again[/bold]")
        for item in items:
            where = ", ".join(f"{i['key']} {i['item']} ({i['status']})" for i in item["items"])
            console.print(f"  {escape(item['title'])}: {where}", highlight=False)
