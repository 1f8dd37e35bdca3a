"""`cairn postmortem ...`: write the postmortem."""

from __future__ import annotations

import typer

app = typer.Typer(help="Write and inspect postmortems.", no_args_is_help=True)


@app.command("edit")
def edit(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Open the postmortem in $EDITOR as Markdown; saving applies it.

    If the edited document cannot be applied, the file is kept and its path
    printed, so nothing typed is lost: fix it and run `cairn import FILE`.
    """
    from cairn.cli.editor import edit_in_editor
    from cairn.cli.state import context
    from cairn.errors import CairnError
    from cairn.services.portable import export_incident, import_document

    ctx = context()
    before = export_incident(ctx, key, "markdown")
    after, path = edit_in_editor(before, prefix=key)
    if after == before:
        path.unlink(missing_ok=True)
        typer.echo("no changes")
        return
    try:
        result = import_document(ctx, after, source=str(path))
    except CairnError as error:
        raise CairnError(f"{error} (your edit is kept in {path})") from None
    path.unlink(missing_ok=True)
    typer.echo(f"saved {result.key}" if result.changed else "no changes")


@app.command("show")
def show(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Print the postmortem document as Markdown."""
    from cairn.cli.state import context
    from cairn.services.portable import export_incident

    typer.echo(export_incident(context(), key, "markdown"), nl=False)


@app.command("check")
def check(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Show the completeness checklist and score; exit 1 while items fail."""
    from cairn.cli.state import context
    from cairn.services.completeness import check_postmortem

    result = check_postmortem(context(), key)
    for item in result.checks:
        mark = "✓" if item.passed else "✗"
        typer.echo(f"{mark} {item.title}" + ("" if item.passed else f": {item.detail}"))
    typer.echo(f"completeness {result.score:.0%} ({sum(c.passed for c in result.checks)}/{len(result.checks)})")
    if not result.complete:
        raise typer.Exit(1)
