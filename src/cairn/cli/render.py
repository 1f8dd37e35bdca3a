"""Rich output for the terminal: tables and the incident view."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cairn.domain.document import IncidentDoc
    from cairn.services.incidents import IncidentSummary

SEVERITY_STYLE = {"SEV1": "bold white on red", "SEV2": "bold red", "SEV3": "yellow", "SEV4": "cyan", "SEV5": "dim"}
STATUS_STYLE = {"open": "bold red", "mitigated": "yellow", "resolved": "green", "closed": "dim"}


def console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def incident_table(rows: list["IncidentSummary"], total: int) -> None:
    from rich.table import Table

    from cairn.domain.times import format_local, require_zone

    table = Table(show_edge=False, header_style="bold")
    for column in ("key", "sev", "status", "started", "title", "services", "postmortem", "open items"):
        table.add_column(column)
    for row in rows:
        zone = require_zone(row.timezone)
        table.add_row(
            row.key,
            f"[{SEVERITY_STYLE.get(row.severity, '')}]{row.severity}[/]",
            f"[{STATUS_STYLE.get(row.status, '')}]{row.status}[/]",
            format_local(row.moments.started, zone),
            _escape(row.title) + (" [dim](near miss)[/]" if row.kind == "near miss" else ""),
            ", ".join(row.services),
            row.postmortem_status or "—",
            str(row.action_items_open or ""),
        )
    out = console()
    if not rows:
        out.print("no incidents match")
        return
    out.print(table)
    if total > len(rows):
        out.print(f"[dim]{len(rows)} of {total} shown; use --limit/--offset for more[/]")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def incident_view(doc: "IncidentDoc") -> None:
    from rich.panel import Panel
    from rich.table import Table

    from cairn.domain.executive import executive_summary
    from cairn.domain.moments import durations
    from cairn.domain.times import format_duration, format_local, require_zone

    zone = require_zone(doc.timezone)
    out = console()
    head = (
        f"[bold]{doc.key}[/]  {_escape(doc.title)}\n"
        f"[{SEVERITY_STYLE.get(doc.severity, '')}]{doc.severity}[/] · "
        f"[{STATUS_STYLE.get(doc.status, '')}]{doc.status}[/] · {doc.kind} · {doc.visibility} · {doc.timezone}"
    )
    extras = []
    if doc.services:
        extras.append("services: " + ", ".join(doc.services))
    if doc.teams:
        extras.append("teams: " + ", ".join(doc.teams))
    if doc.tags:
        extras.append("tags: " + ", ".join(doc.tags))
    if extras:
        head += "\n" + _escape("  ".join(extras))
    out.print(Panel(head, expand=False))

    glance = executive_summary(doc)
    summary = Table(title="At a glance", show_edge=False, show_header=False, title_justify="left")
    summary.add_column("question", style="bold")
    summary.add_column("answer")
    for label, text in glance.rows():
        summary.add_row(label, _escape(text) if text else "[dim]not recorded yet[/]")
    out.print(summary)

    moments = Table(title="Key moments", show_edge=False, header_style="bold", title_justify="left")
    moments.add_column("moment")
    moments.add_column("when")
    for moment, value in doc.moments.items():
        moments.add_row(moment.value, format_local(value, zone))
    spans = Table(title="Durations", show_edge=False, header_style="bold", title_justify="left")
    spans.add_column("measure")
    spans.add_column("value", justify="right")
    for name, span in durations(doc.moments).items():
        spans.add_row(name, format_duration(span))
    out.print(moments)
    out.print(spans)

    timeline = Table(title="Timeline", show_edge=False, header_style="bold", title_justify="left")
    for column in ("#", "when", "kind", "actor", "text", "source"):
        timeline.add_column(column)
    for event in doc.timeline:
        timeline.add_row(
            str(event.id or ""),
            format_local(event.at, zone),
            event.kind,
            _escape(event.actor or ""),
            _escape(event.text),
            event.source if event.source != "manual" else "",
        )
    if doc.timeline:
        out.print(timeline)
    else:
        out.print("[dim]no timeline events yet: add one with cairn log[/]")

    pm = doc.postmortem
    filled = sum(1 for text in pm.prose.values() if text) + sum(1 for s in pm.sections if s.body)
    out.print(
        f"\n[bold]Postmortem[/] {pm.status} · {filled} sections written · "
        f"{len(doc.factors)} contributing factors · {len(doc.action_items)} action items"
    )
    if doc.participants:
        out.print("participants: " + _escape(", ".join(f"{p.user} ({p.role})" for p in doc.participants)))
    for item in doc.action_items:
        due = item.due.isoformat() if item.due else "no due date"
        owner = item.owner or "no owner"
        out.print(f"  {item.label} [{item.priority}] {_escape(item.title)} — {owner}, {due}, {item.status}")
