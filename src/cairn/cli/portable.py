"""`cairn export` and `cairn import`: the portable Markdown and JSON forms."""

from __future__ import annotations

from pathlib import Path

import typer


def _working(what: str | None):  # type: ignore[no-untyped-def]
    """A spinner on a terminal's stderr while work that takes seconds runs (nothing when piped)."""
    import contextlib
    import sys

    if what is None or not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(f"{what}…")


def export(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    format: str = typer.Option("markdown", "--format", "-f", help="markdown, json, html (standalone and printable, with the charts) or pdf."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    public: bool = typer.Option(False, "--public", help="The public version: secrets, people, e-mail and IP addresses, internal hosts redacted; sections titled '(internal)' left out."),
    diagrams: bool | None = typer.Option(
        None, "--diagrams/--no-diagrams",
        help="Include the timeline chart and the factor graph (default: yes, except Markdown on stdout). "
        "Markdown written with -o links to SVG files written beside it; on stdout they are embedded as data: URIs.",
    ),
    show_redactions: bool = typer.Option(False, "--show-redactions", help="List every replacement and omission of the public version with its place (timeline entries by their time in the incident's zone), and export nothing."),
) -> None:
    """Export an incident and its postmortem."""
    from cairn.cli.state import context
    from cairn.services.portable import export_file, normal_format, redactions

    if show_redactions:
        found = redactions(context(), key)
        for item in found:
            typer.echo(f"{item.where}\t{item.kind}\t{item.shown} -> {item.replacement}")
        typer.echo(f"{len(found)} redaction{'' if len(found) == 1 else 's'}", err=True)
        return
    fmt = normal_format(format)
    wanted = diagrams if diagrams is not None else not (fmt == "markdown" and output is None)
    with _working(f"printing {key} to PDF" if fmt == "pdf" else None):
        result = export_file(
            context(), key, fmt, public=public, diagrams=wanted,
            stem=output.stem if output is not None else None, diagrams_beside=output is not None,
        )
    if output is None:
        import sys

        sys.stdout.buffer.write(result.body)
        sys.stdout.buffer.flush()
        return
    from cairn.cli.files import write_together

    files = {output: result.body, **{output.parent / name: content for name, content in result.beside.items()}}
    write_together(files)
    for path in files:
        typer.echo(f"wrote {path}", err=True)


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
