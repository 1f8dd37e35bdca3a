"""`cairn postmortem draft|suggestions|accept|reject|drafts|allow-model`: first drafts from the record."""

from __future__ import annotations

import json

import typer

from cairn.cli.postmortem import app
from cairn.domain.limits import INT_MAX

PLACED = {"filled": "written into the empty section", "suggested": "offered beside the text already there", "unchanged": "already there"}


@app.command("draft")
def draft(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    model: bool = typer.Option(False, "--model", help="Have the model at CAIRN_LLM_URL rewrite the draft; its answer is verified sentence by sentence."),
    redact: bool = typer.Option(False, "--redact", help="With --model: send the public version's redacted record, not the internal one."),
    gap: int = typer.Option(20, "--gap", min=1, max=1440, help="Ask about quiet stretches longer than this many minutes."),
    show: bool = typer.Option(False, "--show", help="Print the drafted text of each section too."),
    as_json: bool = typer.Option(False, "--json", help="Print the result, with every dropped sentence and why, as JSON."),
) -> None:
    """Draft the postmortem from the record: every sentence cites the events, moments or figures
    it rests on, and what the record does not say becomes a question.

    Empty sections are filled; sections someone has written get the draft as a suggestion
    (`cairn postmortem suggestions KEY`, then `accept` or `reject`): nothing written is overwritten.
    """
    from cairn.cli.state import context, remote

    if redact and not model:
        raise typer.BadParameter("--redact applies to what is sent to the model: use it with --model", param_hint="--redact")
    if (server := remote()) is not None:
        from cairn.cli.remote import call

        answer = call(server, "POST", f"/api/v1/incidents/{key}/postmortem/draft", {"model": model, "redact": redact, "gap_minutes": gap})
    else:
        from cairn.services.drafts import draft_postmortem

        answer = draft_postmortem(context(), key, use_model=model, redact=redact, gap_minutes=gap).as_json()
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    _print_draft(answer, show=show)


def _print_draft(answer: dict, *, show: bool) -> None:  # type: ignore[type-arg]
    if answer["note"]:
        typer.echo(f"note: {answer['note']}", err=True)
    made = f"by the model {answer['model']}" if answer["source"] == "model" else "from the record"
    totals = answer["summary"]
    typer.echo(f"{answer['key']}: draft {answer['draft']} {made}: {totals['filled']} sections filled, {totals['suggested']} suggested; "
               f"{totals['kept']} sentences verified, {totals['dropped']} dropped")
    for section in answer["sections"]:
        where = f" (suggestion {section['suggestion_id']})" if section["placed"] == "suggested" else ""
        typer.echo(f"  {section['title']}: {PLACED[section['placed']]}{where}")
        for gone in section["dropped"]:
            typer.echo(f"    dropped: {gone['sentence'][:100]} ({'; '.join(gone['reasons'])})")
        if show:
            typer.echo("\n".join("    " + line for line in section["text"].splitlines()))


@app.command("suggestions")
def suggestions(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    show_all: bool = typer.Option(False, "--all", help="Also list the ones accepted, rejected or written into empty sections."),
) -> None:
    """List the drafted text waiting beside sections someone has written."""
    from cairn.cli.state import context
    from cairn.services.drafts import suggestions as pending

    rows = pending(context(), key, pending_only=not show_all)
    if not rows:
        typer.echo("no suggestions waiting")
    for row in rows:
        typer.echo(f"{row.id}  {row.title}  [{row.state}]  from draft {row.draft_id} ({row.source}, {row.created_by or '?'})")
        typer.echo("\n".join("    " + line for line in row.text.splitlines()))


@app.command("accept")
def accept(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    suggestion: int = typer.Argument(..., min=1, max=INT_MAX, help="Suggestion number (cairn postmortem suggestions KEY)."),
) -> None:
    """Replace the section's text with the suggestion; refused if the section changed since the draft."""
    from cairn.cli.state import context
    from cairn.services.drafts import accept_suggestion

    row = accept_suggestion(context(), key, suggestion)
    typer.echo(f"{row.title}: suggestion {row.id} accepted")


@app.command("reject")
def reject(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    suggestion: int = typer.Argument(..., min=1, max=INT_MAX, help="Suggestion number (cairn postmortem suggestions KEY)."),
) -> None:
    """Set a suggestion aside; the section keeps its text."""
    from cairn.cli.state import context
    from cairn.services.drafts import reject_suggestion

    row = reject_suggestion(context(), key, suggestion)
    typer.echo(f"{row.title}: suggestion {row.id} rejected")


@app.command("drafts")
def drafts(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Print every draft made for the incident as JSON: how, by whom, the verification, and for
    model drafts the request sent and the answer received (the audit trail)."""
    from cairn.cli.state import context
    from cairn.services.drafts import list_drafts

    typer.echo(json.dumps(list_drafts(context(), key), ensure_ascii=False, indent=2))


@app.command("allow-model")
def allow_model(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    revoke: bool = typer.Option(False, "--revoke", help="Stop allowing it."),
) -> None:
    """Admins: let this restricted incident's record be sent to the model at CAIRN_LLM_URL."""
    from cairn.cli.state import context
    from cairn.services.drafts import set_model_consent

    allowed = set_model_consent(context(), key, not revoke)
    typer.echo(f"{key}: {'may' if allowed else 'may not'} be sent to the model")
