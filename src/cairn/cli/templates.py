"""`cairn template ...`: postmortem templates."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="List, show and validate postmortem templates.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """List the built-in and the team's templates, with what they apply to."""
    from cairn.cli.state import settings
    from cairn.services.templates import template_set

    for template in template_set(settings()).templates:
        scope = ", ".join([*template.severities, *(f"team {t}" for t in template.teams)]) or "-"
        typer.echo(f"{template.name}\t{template.title}\t{len(template.sections)} sections\tfor {scope}\t{template.source}")


@app.command("show")
def show(name: str = typer.Argument(..., help="Template name from `cairn template list`.")) -> None:
    """Show a template's sections, help text, prompts and checklist."""
    from cairn.cli.state import settings
    from cairn.services.templates import require_template

    template = require_template(settings(), name)
    typer.echo(f"{template.name}: {template.title}")
    if template.description:
        typer.echo(template.description)
    for section in template.sections:
        typer.echo(f"\n## {section.title}{' (required)' if section.required else ''}")
        if section.help:
            typer.echo(section.help)
        for prompt in section.prompts:
            typer.echo(f"  - {prompt}")
    if template.checklist:
        typer.echo("\nChecklist:")
        for item in template.checklist:
            typer.echo(f"  [ ] {item}")


@app.command("validate")
def validate(files: list[Path] = typer.Argument(..., help="Template files (YAML) to check.")) -> None:
    """Check template files; each problem is printed with its file and line (exit 2)."""
    from cairn.errors import CairnError
    from cairn.services.templates import read_template

    failed = False
    for path in files:
        try:
            template = read_template(path)
        except CairnError as error:
            typer.echo(f"error: {error}", err=True)
            failed = True
            continue
        typer.echo(f"{path}: ok ({template.name}, {len(template.sections)} sections)")
    if failed:
        raise typer.Exit(2)
