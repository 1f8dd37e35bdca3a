"""`cairn report`: the periodic review of the process, as Markdown, HTML or PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer


def _data(period: str) -> dict[str, Any]:
    from cairn.cli.state import context, remote
    from cairn.domain.periods import parse_period

    chosen = parse_period(period)
    if (server := remote()) is not None:
        from urllib.parse import quote

        from cairn.cli.remote import call

        return call(server, "GET", f"/api/v1/reports/{quote(chosen.label, safe='')}")
    from cairn.services.insights.report import period_report

    return period_report(context(), chosen).to_data()


def report(
    period: Optional[str] = typer.Option(None, "--period", help="A quarter (2026-Q3), a month (2026-11) or a year (2026); default: the last full quarter."),
    since: Optional[str] = typer.Option(None, "--since", help="Instead of --period: the first day (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="With --since: the last day (YYYY-MM-DD); default today."),
    format: str = typer.Option("markdown", "--format", "-f", help="markdown, html or pdf."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (needed for pdf); default: print."),
) -> None:
    """Review a period against the one before: incidents by severity and kind, durations, postmortems
    owed, written and overdue, action items, recurring factors, repeats and blameless language."""
    from cairn.domain.periods import last_full_quarter, span_period
    from cairn.domain.times import now_utc, parse_date
    from cairn.formats.report import report_html, report_markdown, report_pdf

    if format not in ("markdown", "md", "html", "pdf"):
        raise typer.BadParameter("choose markdown, html or pdf", param_hint="--format")
    if period and since:
        raise typer.BadParameter("give --period or --since/--until, not both", param_hint="--period")
    if since:
        label = span_period(parse_date(since), parse_date(until) if until else now_utc().date()).label
    elif until:
        raise typer.BadParameter("--until needs --since", param_hint="--until")
    else:
        label = period or last_full_quarter(now_utc().date()).label
    data = _data(label)
    if format == "pdf":
        if output is None:
            raise typer.BadParameter("a PDF goes to a file: give -o report.pdf", param_hint="--output")
        output.write_bytes(report_pdf(data))
        typer.echo(f"wrote {output}")
        return
    text = report_html(data) if format == "html" else report_markdown(data)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")
