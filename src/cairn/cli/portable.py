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
    paths: list[Path] = typer.Argument(..., help="Documents, folders (read recursively) or zip archives; '-' for standard input."),
    source: str = typer.Option(
        "auto", "--from",
        help="auto: a document with Cairn's front matter is read as Cairn's own, a CSV or JSON list of incidents as a catalogue, "
        "anything else (Markdown, Confluence or Google Docs HTML) as a postmortem written elsewhere; other: never as Cairn's own; cairn: only as Cairn's own.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print what would be imported and where each part would go; write nothing."),
    strict: bool = typer.Option(False, "--strict", help="All or nothing: the first refused document stops the import and nothing is written."),
    force: bool = typer.Option(False, "--force", help="Overwrite an incident edited since its export, or in Cairn since its import."),
    severity: str | None = typer.Option(None, "--severity", help="Severity of documents that state none."),
    team: str | None = typer.Option(None, "--team", help="Team of the imported incidents."),
    service: str | None = typer.Option(None, "--service", help="Service of the imported incidents that name none."),
    day: str | None = typer.Option(None, "--date", help="Day (YYYY-MM-DD) of documents that state no date."),
    tz: str = typer.Option("UTC", "--tz", help="Zone of times the documents state without one (IANA name, e.g. Europe/Berlin)."),
    headings: Path | None = typer.Option(None, "--headings", help="TOML file whose [headings] table maps your template's headings to parts, e.g. \"war story\" = \"summary\"."),
    verbose: bool = typer.Option(False, "--report", help="Print every document's mapping report, not only those partly mapped."),
) -> None:
    """Import incidents: Cairn documents, postmortems written in other templates, catalogues of incidents.

    Exit 0 when everything was read, 1 when some documents were only partly
    mapped (listed), 2 when a document was refused (the others are still
    imported, unless --strict).
    """
    from cairn.cli.state import context, settings
    from cairn.importers.history.headings import HeadingMap
    from cairn.importers.history.sources import count_of, files_of
    from cairn.services.foreign_documents import history_options, import_history

    options = history_options(settings(), severity=severity, team=team, service=service, zone=tz, day=day,
                              headings=HeadingMap.from_toml(headings) if headings else None)
    ctx = context()
    with _progress(count_of(paths)) as advance:
        batch = import_history(ctx, files_of(paths), options, source=source, dry_run=dry_run, strict=strict,
                               force=force, progress=advance)
    _print_batch(batch, verbose or dry_run)
    if batch.exit_code:
        raise typer.Exit(batch.exit_code)


def _progress(total: int | None):  # type: ignore[no-untyped-def]
    """A progress bar on a terminal's stderr for more than a few files; a no-op otherwise."""
    import contextlib
    import sys

    if not total or total < 3 or not sys.stderr.isatty():
        return contextlib.nullcontext(lambda name: None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    @contextlib.contextmanager
    def bar():  # type: ignore[no-untyped-def]
        with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=True) as shown:
            task = shown.add_task("import", total=total)
            yield lambda name: shown.advance(task)

    return bar()


def _print_batch(batch, verbose: bool) -> None:  # type: ignore[no-untyped-def]
    """One line per document, the report of those partly mapped (or all, when asked), and a summary."""
    would = "would be " if batch.dry_run else ""
    for outcome in batch.outcomes:
        if outcome.action == "skipped":
            typer.echo(f"skipped {outcome.source}: {outcome.note}", err=True)
            continue
        if outcome.action == "refused":
            typer.echo(f"error: {outcome.error}", err=True)
            if outcome.report is not None and verbose:
                for line in outcome.report.lines()[1:]:
                    typer.echo(line, err=True)
            continue
        counts = ""
        if outcome.report is not None:
            r = outcome.report
            counts = f" ({r.events} events, {r.factors} factors, {r.action_items} action items{', partly mapped' if outcome.partial else ''})"
        if outcome.action == "unchanged":
            typer.echo(f"{outcome.key} unchanged" + (f": {outcome.note}" if outcome.note and outcome.report else ""))
        elif batch.dry_run:
            typer.echo(f"{outcome.source}: {would}{outcome.action}{' as ' + outcome.key if outcome.key else ''}{counts}")
        else:
            typer.echo(f"{outcome.action} {outcome.key} from {outcome.source}{counts}")
        if outcome.report is not None and (verbose or outcome.partial):
            for line in outcome.report.lines()[1:]:
                typer.echo(line)
    if len(batch.outcomes) > 1 or batch.dry_run:
        typer.echo(batch.summary(), err=True)
        partial = [o.source for o in batch.outcomes if o.partial]
        if partial:
            typer.echo("only partly mapped: " + ", ".join(partial), err=True)
