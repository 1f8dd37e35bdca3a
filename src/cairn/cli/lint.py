"""`cairn lint`: blameless language review of incidents and files."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def lint(
    targets: list[str] = typer.Argument(..., help="Incident keys (INC-1) and/or files (.md, .txt, exported postmortems)."),
    format: str = typer.Option("text", "--format", "-f", help="text, json or sarif."),
    team: Optional[str] = typer.Option(None, "--team", help="Use this team's lint settings for files."),
    show_dismissed: bool = typer.Option(False, "--all", help="Also list findings dismissed with a reason."),
    dismiss: Optional[str] = typer.Option(None, "--dismiss", help="Dismiss the finding with this id (needs --reason)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why the dismissed finding is fine as written."),
) -> None:
    """Flag blame and hindsight phrasing and suggest better framing.

    Exit code 1 when findings remain, 0 when none; usable as a pre-commit hook.
    """
    import json
    import re

    from cairn import __version__
    from cairn.analysis.lint.sarif import to_sarif
    from cairn.errors import InvalidInput

    fmt = format.strip().lower()
    if fmt not in ("text", "json", "sarif"):
        raise InvalidInput(f"unknown lint format {format!r}: choose one of text, json, sarif")
    if dismiss is not None:
        _dismiss(targets, dismiss, reason)
        return
    results: list[tuple[str, object]] = []
    dismissed: list[tuple[str, object]] = []
    for target in targets:
        if re.fullmatch(r"[A-Za-z]+-\d+", target) and not Path(target).exists():
            from cairn.cli.state import context
            from cairn.services.lint import lint_incident

            report = lint_incident(context(), target)
            results.extend((report.key, finding) for finding in report.findings)
            dismissed.extend((report.key, item) for item in report.dismissed)
        else:
            from cairn.services.lint import lint_document_text

            from cairn.cli.files import read_utf8

            text, _name = read_utf8(Path(target))
            ctx = _optional_context()
            results.extend((target, finding) for finding in lint_document_text(ctx, text, source=target, team=team))

    if fmt == "json":
        data = {
            "findings": [{"target": target, **finding.to_data()} for target, finding in results],
            "dismissed": [
                {"target": target, **item.finding.to_data(), "reason": item.reason, "dismissed_by": item.actor}
                for target, item in dismissed
            ],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "sarif":
        typer.echo(json.dumps(to_sarif(results, version=__version__), ensure_ascii=False, indent=2))
    else:
        for target, finding in results:
            where = f"{target}" + (f" {finding.location}" if finding.location and finding.location != target else "")
            typer.echo(f"{where}:{finding.line}:{finding.column}: {finding.rule} [{finding.id}] {finding.excerpt!r}")
            typer.echo(f"    {finding.message}")
            if finding.suggestion:
                typer.echo(f"    Try: {finding.suggestion}")
            if finding.rewrite:
                typer.echo(f"    For example: {finding.rewrite}")
        if show_dismissed:
            for target, item in dismissed:
                typer.echo(f"{target} {item.finding.location}: dismissed {item.finding.rule} [{item.finding.id}] "
                           f"{item.finding.excerpt!r}: {item.reason} ({item.actor or 'unknown'})")
        count = len(results)
        typer.echo(f"{count} finding{'s' if count != 1 else ''}" + (f", {len(dismissed)} dismissed" if dismissed else ""), err=True)
    if results:
        raise typer.Exit(1)


def _dismiss(targets: list[str], finding_id: str, reason: Optional[str]) -> None:
    from cairn.cli.state import context
    from cairn.errors import InvalidInput
    from cairn.services.lint import dismiss_finding

    if len(targets) != 1:
        raise InvalidInput("--dismiss takes exactly one incident key")
    if not reason or not reason.strip():
        raise InvalidInput("--dismiss needs --reason: say why the wording is fine")
    finding = dismiss_finding(context(), targets[0], finding_id, reason)
    typer.echo(f"dismissed {finding.rule} [{finding.id}] in {targets[0].upper()}")


def _optional_context():  # type: ignore[no-untyped-def]
    """Files lint without a database. When one is configured (or the default
    file exists) it is asked for dismissals; none is created as a side effect."""
    from cairn.cli.state import context, settings
    from cairn.errors import CairnError
    from cairn.services.context import Context

    current = settings()
    default_file = current.data_dir / "cairn.db"
    if current.database_url or default_file.exists():
        try:
            return context()
        except CairnError:
            pass

    class _NoDatabase:
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            raise AttributeError("linting a file does not use the database")

    return Context(settings=current, db=_NoDatabase())  # type: ignore[arg-type]
