"""`cairn metrics`: the honest metrics in the terminal (Rich tables), as JSON or as the CSV behind a chart."""

from __future__ import annotations

import json
from typing import Any

import typer

from cairn.cli.insight_options import KIND, SERVICE, SEVERITY, SINCE, TEAM, UNTIL

from cairn.analysis.insights.distributions import format_span

# The mean is left out of the tables (it is in --json): with skewed durations it misleads, and 80 columns are few.
COLUMNS = ("", "count", "median", "75th", "90th", "max", "missing", "incons.")
MEASURE_NAMES = {"detect": "detect", "acknowledge": "acknowledge", "mitigate": "mitigate", "resolve": "resolve"}


def _fetch(query: dict[str, str]) -> dict[str, Any]:
    """The figures, from the server when one is configured (the same as GET /api/v1/metrics), else from the local database."""
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call

        return call(server, "GET", "/api/v1/metrics", query={k: v for k, v in query.items() if v})
    from cairn.services.insights.metrics import MetricsFilter, metrics as run

    ctx = context()
    by = query.pop("by") or None
    return run(ctx, MetricsFilter.parse(ctx, **query), by=by).to_data()


def metrics(
    by: str = typer.Option("", "--by", help="Group by severity, service, team, month or quarter."),
    since: str = SINCE,
    until: str = UNTIL,
    severity: str = SEVERITY,
    service: str = SERVICE,
    team: str = TEAM,
    kind: str = KIND,
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON (the same as GET /api/v1/metrics); seconds."),
    as_csv: bool = typer.Option(False, "--csv", help="Print the rows behind one chart as CSV (see --chart)."),
    chart: str = typer.Option("distribution", "--chart", help="With --csv: distribution, trend, scatter, postmortems or actions."),
) -> None:
    """Distributions of the time to detect, acknowledge, mitigate and resolve (median, 75th, 90th, max, and what is missing)."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--json/--csv")
    data = _fetch({"since": since, "until": until, "severity": severity, "service": service, "team": team, "kind": kind, "by": by})
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if as_csv:
        from cairn.services.insights.metrics import metrics_csv

        typer.echo(metrics_csv(data, chart), nl=False)
        return
    _tables(data)


def _tables(data: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from cairn.cli.render import console

    out = console()
    overall = data["overall"]
    table = Table(title=f"Durations of {overall['incidents']} incidents", title_justify="left", show_edge=False, header_style="bold")
    for column in COLUMNS:
        table.add_column(column, justify="right", no_wrap=True)
    table.columns[0].header, table.columns[0].justify = "time to", "left"
    for name, label in MEASURE_NAMES.items():
        table.add_row(label, *_figures(overall["measures"][name]))
    out.print(table)
    if data["by"]:
        grouped = Table(title=f"Time to resolve by {data['by']}", title_justify="left", show_edge=False, header_style="bold")
        for column in COLUMNS:
            grouped.add_column(column, justify="right", no_wrap=True)
        grouped.columns[0].header, grouped.columns[0].justify = data["by"], "left"
        grouped.columns[0].no_wrap, grouped.columns[0].min_width = False, 8
        for group in data["groups"]:
            grouped.add_row(escape(group["key"]), *_figures(group["measures"]["resolve"]))
        out.print(grouped)
    lag, near, timely = data["postmortem_lag"], data["near_misses"], data["published_on_time"]
    out.print(f"near misses among reviews: {_share(near)}")
    out.print(f"postmortem lag (resolved to published): median {format_span(lag['median'])}, 90th {format_span(lag['p90'])} of {lag['count']}")
    out.print(f"published by the due date: {_share(timely)}")
    if data["restricted"] == "excluded":
        out.print("[dim]restricted incidents are left out (CAIRN_METRICS_INCLUDE_RESTRICTED=false)[/]")


def _figures(d: dict[str, Any]) -> list[str]:
    return [str(d["count"]), *(format_span(d[k], compact=True) for k in ("median", "p75", "p90", "max")), str(d["missing"]), str(d["inconsistent"])]


def _share(value: dict[str, Any]) -> str:
    return "—" if value["rate"] is None else f"{value['rate']:.0%} ({value['part']} of {value['whole']})"
