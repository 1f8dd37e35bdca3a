"""`cairn export` and `cairn import`: the portable Markdown and JSON forms."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def export(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    format: str = typer.Option("markdown", "--format", "-f", help="markdown, json, html (standalone and printable, with the charts) or pdf."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    public: bool = typer.Option(False, "--public", help="The public version: secrets, people, e-mail and IP addresses, internal hosts redacted; sections titled '(internal)' left out."),
    show_redactions: bool = typer.Option(False, "--show-redactions", help="List what the public version replaces or leaves out, and export nothing."),
) -> None:
    """Export an incident and its postmortem."""
    from cairn.cli.state import context
    from cairn.services.portable import export_incident, export_pdf, export_public, redactions

    if show_redactions:
        found = redactions(context(), key)
        for item in found:
            # Secrets are shown by their first characters only: enough to recognise, not to use.
            shown = f"{item.original[:4]}… ({len(item.original)} characters)" if item.replacement == "[secret removed]" else item.original[:60]
            typer.echo(f"{item.where}\t{item.kind}\t{shown} -> {item.replacement}")
        typer.echo(f"{len(found)} redaction{'' if len(found) == 1 else 's'}", err=True)
        return
    if format.strip().lower() == "pdf":
        import sys

        pdf = export_pdf(context(), key, public=public)
        if output is None:
            sys.stdout.buffer.write(pdf)
        else:
            output.write_bytes(pdf)
            typer.echo(f"wrote {output}", err=True)
        return
    fmt = format.strip().lower()
    text = export_public(context(), key, fmt) if public else export_incident(context(), key, fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


def import_(
    path: Path = typer.Argument(..., help="A Markdown document written by `cairn export` (or by hand), '-' for stdin."),
    force: bool = typer.Option(False, "--force", help="Overwrite even if the incident changed since the export."),
) -> None:
    """Create or update an incident from a Markdown document."""
    from cairn.cli.files import read_utf8
    from cairn.cli.state import context
    from cairn.services.portable import import_document

    text, name = read_utf8(path)
    result = import_document(context(), text, source=name, force=force)
    if result.created:
        typer.echo(f"created {result.key} from {name}")
    elif result.changed:
        typer.echo(f"updated {result.key} from {name}")
    else:
        typer.echo(f"{result.key} unchanged")
