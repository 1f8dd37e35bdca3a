"""`cairn postmortem ...`: write the postmortem."""

from __future__ import annotations

import typer

app = typer.Typer(help="Write and inspect postmortems.", no_args_is_help=True)


@app.command("edit")
def edit(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Open the postmortem in $EDITOR as Markdown; saving applies it."""
    from cairn.cli.state import context
    from cairn.services.portable import export_incident, import_document

    ctx = context()
    before = export_incident(ctx, key, "markdown")
    after = typer.edit(before, extension=".md", require_save=False)
    if after is None or after == before:
        typer.echo("no changes")
        return
    result = import_document(ctx, after, source=f"{key} (edited)")
    typer.echo(f"saved {result.key}" if result.changed else "no changes")


@app.command("show")
def show(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Print the postmortem document as Markdown."""
    from cairn.cli.state import context
    from cairn.services.portable import export_incident

    typer.echo(export_incident(context(), key, "markdown"), nl=False)
